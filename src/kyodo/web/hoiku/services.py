"""The web app's calls into the nursery engine: check an upload, start a run, run it (in a worker).

No allocation logic lives here: `kyodo.hoiku` reads, scores, allocates and checks. This module
moves bytes between the database and the engine and records progress.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from kyodo.hoiku.io.source import InputFile
from kyodo.hoiku.model.errors import InputError, Problem, RuleError
from kyodo.hoiku.model.instance import Instance
from kyodo.web import jobs
from kyodo.web.hoiku.models import Decision, InputSet, LetterSetting, Round, Run, RunStatus

if TYPE_CHECKING:
    from kyodo.hoiku import Outcome, Rules
    from kyodo.hoiku.outputs.notices.letter import LetterSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UploadedFile:
    name: str
    data: bytes

    def as_input(self) -> InputFile:
        """The engine's view: the bytes as uploaded, under the file's safe name (no temporary file)."""
        return InputFile(safe_name(self.name), self.data)


def safe_name(name: str) -> str:
    """The file's base name without path or control characters (it is shown and used in messages)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f/]", "", base).strip() or "file"
    return base[:200]


def choice_limit(rules_name: str, fiscal_year: int) -> int | None:
    """The ward's maximum number of choices in that fiscal year (None: no rules, or no limit)."""
    if not rules_name:
        return None
    from kyodo.hoiku.rules import load_rules

    rules = load_rules(rules_name)
    return int(rules.choice_limit.at(fiscal_year)) if rules.choice_limit else None


def read_upload(
    round_: Round,
    children: UploadedFile,
    facilities: UploadedFile,
    combinations: UploadedFile | None = None,
) -> tuple[Instance | None, list[Problem]]:
    """Read and check the files as the engine will; every problem found, located by file, row and column.

    The engine tells the format from the content (an old .xls, a PDF, a renamed file each get their own
    message), so the file name's extension is not checked here. The bytes go to the engine as they are.
    """
    from kyodo.hoiku import read

    try:
        rules = round_rules(round_)
        instance = read(
            (children.as_input(), facilities.as_input()),
            rules,
            fiscal_year=round_.fiscal_year,
            combinations=combinations.as_input() if combinations is not None else None,
        )
        _check_scorable(round_, instance, rules)
    except InputError as exc:
        return None, list(exc.problems)
    except RuleError as exc:
        return None, [Problem(line) for line in str(exc).splitlines() if line.strip()]
    return instance, []


def round_rules_text(round_: Round) -> str:
    """The YAML of the round's rules: its version's text, or the shipped ward's as shipped ("" for none)."""
    from kyodo.hoiku.rules.versions import shipped_text

    if round_.rules_version_id is not None:
        return str(round_.rules_version.rules_yaml)
    return shipped_text(round_.rules_name) if round_.rules_name else ""


def _text_or_blank(round_: Round) -> str:
    """The round's rules text; blank for a shipped name that is gone, so that the run fails saying so."""
    try:
        return round_rules_text(round_)
    except RuleError:
        return ""


def _rules_of(text: str, version_name: str, rules_name: str) -> Rules | None:
    from kyodo.hoiku.rules.versions import rules_from_text

    name = version_name or rules_name
    return rules_from_text(text, name=name, file_name=version_name or f"{rules_name}.yaml") if text else None


def round_rules(round_: Round) -> Rules | None:
    """The Rules the round's runs use (a shipped ward's equal `load_rules(name)`, sha256 included)."""
    version = round_.rules_version.display_name if round_.rules_version_id is not None else ""
    return _rules_of(round_rules_text(round_), version, round_.rules_name)


def run_rules(run: Run) -> Rules | None:
    """The Rules of a run: from the text it stored when it started (runs stored before versions: by name)."""
    if not run.rules_text:
        from kyodo.hoiku import resolve_rules

        return resolve_rules(run.rules_name or None)
    version = run.rules_version.display_name if run.rules_version_id is not None else ""
    return _rules_of(run.rules_text, version, run.rules_name)


def _check_scorable(round_: Round, instance: Instance, rules: Any) -> None:
    """Score once now so that a missing fact is reported on the check page, not later in the run."""
    if instance.points_given:
        return
    if rules is None:
        raise RuleError("申込ファイルに指数が無いので、利用調整回に利用調整基準を指定してください")
    from kyodo.hoiku.engine.scoring import score_instance

    score_instance(instance, rules, round_.fiscal_year)


def store_upload(
    round_: Round,
    user: Any,
    children: UploadedFile,
    facilities: UploadedFile,
    instance: Instance,
    combinations: UploadedFile | None = None,
    *,
    origin: dict[str, Any] | None = None,
) -> InputSet:
    """Store the files that passed `read_upload`, with their applicants against places (kyodo.hoiku.tools.demand)
    and, for files the app made (a carried-over round, edited vacancies), how they were made."""
    from kyodo.hoiku.tools.demand import demand

    extra: dict[str, Any] = {}
    if combinations is not None:
        extra = {
            "combinations_name": safe_name(combinations.name),
            "combinations_data": combinations.data,
            "combinations_sha256": hashlib.sha256(combinations.data).hexdigest(),
        }
    input_set: InputSet = InputSet.objects.create(
        organisation_id=round_.organisation_id,
        round=round_,
        children_name=safe_name(children.name),
        children_data=children.data,
        children_sha256=hashlib.sha256(children.data).hexdigest(),
        facilities_name=safe_name(facilities.name),
        facilities_data=facilities.data,
        facilities_sha256=hashlib.sha256(facilities.data).hexdigest(),
        children_count=len(instance.children),
        facilities_count=len(instance.facilities),
        uploaded_by=user,
        demand=demand(instance).as_dict(),
        origin=origin or {},
        **extra,
    )
    return input_set


def active_decisions(round_: Round) -> list[Decision]:
    return list(round_.decisions.filter(revoked_at__isnull=True).select_related("created_by"))


def start_run(round_: Round, user: Any, *, reproduce: Run | None = None) -> Run:
    """Create a queued run (the current input and decisions, or exactly those of `reproduce`) and enqueue it."""
    from kyodo.web.hoiku.tasks import execute_run

    if reproduce is not None:
        input_set, decisions, seed = reproduce.input_set, reproduce.decisions, reproduce.seed
        rules_name, fiscal_year = reproduce.rules_name, reproduce.fiscal_year
        rules = {"rules_version_id": reproduce.rules_version_id, "rules_text": reproduce.rules_text}
    else:
        latest = round_.latest_input()
        if latest is None:
            raise ValueError("入力ファイルがまだアップロードされていません")
        input_set, seed = latest, round_.seed
        decisions = [d.as_engine_dict() for d in active_decisions(round_)]
        rules_name, fiscal_year = round_.rules_name, round_.fiscal_year
        rules = {"rules_version_id": round_.rules_version_id, "rules_text": _text_or_blank(round_)}
    for _attempt in range(5):
        try:
            with transaction.atomic():
                number = (round_.runs.aggregate(n=Max("number"))["n"] or 0) + 1
                run: Run = Run.objects.create(
                    organisation_id=round_.organisation_id, round=round_, input_set=input_set, number=number,
                    seed=seed, rules_name=rules_name, fiscal_year=fiscal_year, decisions=decisions,
                    reproduces=reproduce, created_by=user, step="実行を待っています", **rules, **jobs.heartbeat(),
                )
            break
        except IntegrityError:  # two runs started at once took the same number
            continue
    else:
        raise RuntimeError("実行番号を決められませんでした")
    jobs.remember_task(run, execute_run.enqueue(run.pk))
    return run


def _progress(run_id: int) -> Callable[..., None]:
    def report(percent: int, step: str, **fields: Any) -> None:
        # A bare UPDATE, committed at once, so that the page polling the run sees each step.
        # Each report is also the job's heartbeat (kyodo.web.jobs: a job without one for long has stalled).
        Run.objects.unscoped("worker reports its own job's progress").filter(pk=run_id).update(
            progress=percent, step=step, **jobs.heartbeat(), **fields
        )

    return report


def execute(run_id: int) -> None:
    """Run one queued run to the end, recording progress, results, or the reason it failed.

    The engine runs once (`kyodo.hoiku.run`); every stored document and row formats its Outcome."""
    from kyodo.web.hoiku import results

    report = _progress(run_id)
    run = Run.objects.unscoped("the worker acts for the user who queued the run").select_related(
        "input_set", "round", "rules_version__organisation"
    ).get(pk=run_id)
    report(5, "入力ファイルを読み込み、指数の計算と利用調整を行っています", status=RunStatus.RUNNING,
           started_at=timezone.now())
    try:
        outcome = run_engine(run)
        report(70, "結果を保存しています")
        with transaction.atomic():
            results.store(run, outcome)
        report(75, "Excel・CSV・JSON を作成しています")
        documents = _documents(outcome)
        report(80, "通知書(PDF)を作成しています", **documents)
        notices, appeals, note = _notices(outcome, letter_settings(run))
        report(90, "前回の実行との差分を求めています", notices_pdf=notices, appeals_pdf=appeals, documents_note=note,
               trial=outcome.trial.to_dict() if outcome.trial else None)
        base, changes = _diff_with_previous(run, outcome)
        report(100, "完了しました", status=RunStatus.DONE, diff_base=base, diff_changes=changes,
               finished_at=timezone.now())
    except InputError as exc:
        report(100, "失敗しました", status=RunStatus.FAILED, finished_at=timezone.now(),
               error="\n".join(str(p) for p in exc.problems))
    except RuleError as exc:
        report(100, "失敗しました", status=RunStatus.FAILED, finished_at=timezone.now(), error=str(exc))
    except Exception:
        log.exception("run %s failed", run_id)
        report(100, "失敗しました", status=RunStatus.FAILED, finished_at=timezone.now(),
               error="内部エラーで実行できませんでした。管理者に連絡してください。")
        raise


def letter_settings(run: Run) -> LetterSettings | None:
    """The run's organisation's 通知書の設定 (views_letters), or None when it has none."""
    setting = LetterSetting.objects.for_org(run.organisation_id).first()
    return setting.as_engine() if setting is not None else None


def _notices(outcome: Outcome, letter: LetterSettings | None = None) -> tuple[bytes | None, bytes | None, str]:
    """PDF notices and appeal sheets; without a Japanese font the run still finishes, and says so."""
    from django.conf import settings

    from kyodo.hoiku.outputs.notices import FontNotFound, appeal_sheets_bytes, notices_bytes
    from kyodo.hoiku.outputs.notices.letter import DRAFT_STAMP

    if not settings.HOIKU_WRITE_NOTICES:
        return None, None, "通知書(PDF)の作成は設定(KYODO_HOIKU_NOTICES=0)で止めています"
    try:
        # Made when the run finishes, before anyone could confirm it (確定): a draft on every page. The final
        # notices come from a confirmed run's ZIP (documents.build_archive).
        return (notices_bytes(outcome, letter=letter, stamp=DRAFT_STAMP),
                appeal_sheets_bytes(outcome, letter=letter, stamp=DRAFT_STAMP), "")
    except FontNotFound as exc:
        return None, None, f"通知書を作れませんでした: {exc}"[:200]


def _diff_with_previous(run: Run, outcome: Outcome) -> tuple[Run | None, list[dict[str, Any]]]:
    """The engine's diff against the round's previous finished run, read from the result JSON it stored
    (the previous run is not executed again)."""
    from kyodo.hoiku.explain.diff import Snapshot, diff_runs

    previous = (
        Run.objects.unscoped("the worker compares its own round's runs")
        .filter(round_id=run.round_id, status=RunStatus.DONE, number__lt=run.number)
        .exclude(result_json=None)
        .only("pk", "number", "result_json")
        .order_by("-number")
        .first()
    )
    if previous is None:
        return None, []
    before = Snapshot.from_json(json.loads(gzip.decompress(bytes(previous.result_json))))
    return previous, [
        {"child_id": c.child_id, "before": c.before, "after": c.after, "causes": [str(k) for k in c.causes],
         "text": c.text}
        for c in diff_runs(before, outcome)
    ]


def engine_inputs(input_set: InputSet) -> tuple[InputFile, InputFile, InputFile | None]:
    """The stored files as the engine reads them (bytes, under their names)."""
    combinations = None
    if input_set.combinations_name and input_set.combinations_data is not None:
        combinations = InputFile(input_set.combinations_name, bytes(input_set.combinations_data))
    return (
        InputFile(input_set.children_name, bytes(input_set.children_data)),
        InputFile(input_set.facilities_name, bytes(input_set.facilities_data)),
        combinations,
    )


def run_engine(run: Run) -> Outcome:
    from kyodo.hoiku import Decision as EngineDecision
    from kyodo.hoiku import run as run_round

    children, facilities, combinations = engine_inputs(run.input_set)
    decisions = [EngineDecision(**{k: v for k, v in d.items() if v is not None}) for d in run.decisions]
    return run_round(
        (children, facilities),
        run_rules(run),
        seed=run.seed,
        decisions=decisions,
        combinations=combinations,
        fiscal_year=run.fiscal_year,
    )


def _documents(outcome: Outcome) -> dict[str, bytes]:
    from kyodo.hoiku.outputs.result_json import json_bytes
    from kyodo.hoiku.outputs.results_csv import results_csv_bytes
    from kyodo.hoiku.outputs.workbook import workbook_bytes

    return {
        "workbook": workbook_bytes(outcome),
        "result_json": gzip.compress(json_bytes(outcome)),
        "results_csv": results_csv_bytes(outcome),
    }
