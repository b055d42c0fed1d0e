"""The web app's calls into the nursery engine: check an upload, start a run, run it (in a worker).

No allocation logic lives here: `kyodo.hoiku` reads, scores, allocates and checks. This module
moves bytes between the database and the engine and records progress.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from kyodo.hoiku.model.errors import InputError, Problem, RuleError
from kyodo.hoiku.model.instance import Instance
from kyodo.web import jobs
from kyodo.web.hoiku.models import Decision, InputSet, Round, Run, RunStatus

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class UploadedFile:
    name: str
    data: bytes


def safe_name(name: str) -> str:
    """The file's base name without path or control characters (it is shown and used in messages)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f/]", "", base).strip() or "file"
    return base[:200]


def choice_limit(rules_name: str, fiscal_year: int) -> int | None:
    if not rules_name:
        return None
    from kyodo.hoiku.rules import load_rules

    rules = load_rules(rules_name)
    return int(rules.choice_limit.at(fiscal_year)) if rules.choice_limit else None


def _write_inputs(directory: Path, children: UploadedFile, facilities: UploadedFile) -> tuple[Path, Path]:
    # Each file in its own folder so that two uploads with the same name do not collide.
    paths = []
    for role, upload in (("children", children), ("facilities", facilities)):
        folder = directory / role
        folder.mkdir()
        path = folder / safe_name(upload.name)
        path.write_bytes(upload.data)
        paths.append(path)
    return paths[0], paths[1]


def read_upload(round_: Round, children: UploadedFile, facilities: UploadedFile) -> tuple[Instance | None, list[Problem]]:
    """Read and check the two files as the engine will; every problem found, located by file, row and column.

    The engine tells the format from the content (an old .xls, a PDF, a renamed file each get their own
    message), so the file name's extension is not checked here.
    """
    from kyodo.hoiku.io import read_instance

    try:
        limit = choice_limit(round_.rules_name, round_.fiscal_year)
        with tempfile.TemporaryDirectory(prefix="kyodo-upload-") as tmp:
            children_path, facilities_path = _write_inputs(Path(tmp), children, facilities)
            instance = read_instance(
                children_path, facilities_path, fiscal_year=round_.fiscal_year, choice_limit=limit
            )
        _check_scorable(round_, instance)
    except InputError as exc:
        return None, list(exc.problems)
    except RuleError as exc:
        return None, [Problem(line) for line in str(exc).splitlines() if line.strip()]
    return instance, []


def _check_scorable(round_: Round, instance: Instance) -> None:
    """Score once now so that a missing fact is reported on the check page, not later in the run."""
    if instance.points_given:
        return
    if not round_.rules_name:
        raise RuleError("申込ファイルに指数が無いので、利用調整回に利用調整基準を指定してください")
    from kyodo.hoiku.engine.scoring import score_instance
    from kyodo.hoiku.rules import load_rules

    score_instance(instance, load_rules(round_.rules_name), round_.fiscal_year)


def store_upload(round_: Round, user: Any, children: UploadedFile, facilities: UploadedFile, instance: Instance) -> InputSet:
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
    else:
        latest = round_.latest_input()
        if latest is None:
            raise ValueError("入力ファイルがまだアップロードされていません")
        input_set, seed = latest, round_.seed
        decisions = [d.as_engine_dict() for d in active_decisions(round_)]
        rules_name, fiscal_year = round_.rules_name, round_.fiscal_year
    for _attempt in range(5):
        try:
            with transaction.atomic():
                number = (round_.runs.aggregate(n=Max("number"))["n"] or 0) + 1
                run: Run = Run.objects.create(
                    organisation_id=round_.organisation_id, round=round_, input_set=input_set, number=number,
                    seed=seed, rules_name=rules_name, fiscal_year=fiscal_year, decisions=decisions,
                    reproduces=reproduce, created_by=user, step="実行を待っています", **jobs.heartbeat(),
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
    """Run one queued run to the end, recording progress, results, or the reason it failed."""
    from kyodo.web.hoiku import results

    report = _progress(run_id)
    run = Run.objects.unscoped("the worker acts for the user who queued the run").select_related(
        "input_set", "round"
    ).get(pk=run_id)
    report(5, "入力ファイルを読み込んでいます", status=RunStatus.RUNNING, started_at=timezone.now())
    try:
        result = _run_engine(run, report)
        report(70, "結果を保存しています")
        with transaction.atomic():
            results.store(run, result)
        report(75, "Excel と JSON を作成しています")
        workbook, result_json = _documents(result)
        report(80, "通知書(PDF)を作成しています", workbook=workbook, result_json=result_json)
        notices, appeals, note = _notices(result)
        report(90, "前回の実行との差分を求めています", notices_pdf=notices, appeals_pdf=appeals, documents_note=note)
        base, changes = _diff_with_previous(run, result)
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


def _notices(result: Any) -> tuple[bytes | None, bytes | None, str]:
    """PDF notices and appeal sheets; without a Japanese font the run still finishes, and says so."""
    from django.conf import settings

    from kyodo.hoiku.outputs.notices import FontNotFound, write_appeal_sheets, write_notices

    if not settings.HOIKU_WRITE_NOTICES:
        return None, None, "通知書(PDF)の作成は設定(KYODO_HOIKU_NOTICES=0)で止めています"
    try:
        with tempfile.TemporaryDirectory(prefix="kyodo-pdf-") as tmp:
            notices, appeals = Path(tmp) / "notices.pdf", Path(tmp) / "appeals.pdf"
            write_notices(result, notices)
            write_appeal_sheets(result, appeals)
            return notices.read_bytes(), appeals.read_bytes(), ""
    except FontNotFound as exc:
        return None, None, f"通知書を作れませんでした: {exc}"[:200]


def _diff_with_previous(run: Run, result: Any) -> tuple[Run | None, list[dict[str, Any]]]:
    """The engine's diff against the round's previous finished run, which is run again from what it stored."""
    from kyodo.hoiku.explain.diff import diff_runs

    previous = (
        Run.objects.unscoped("the worker compares its own round's runs")
        .filter(round_id=run.round_id, status=RunStatus.DONE, number__lt=run.number)
        .select_related("input_set")
        .order_by("-number")
        .first()
    )
    if previous is None:
        return None, []
    before = _run_engine(previous, lambda *a, **k: None)
    return previous, [
        {"child_id": c.child_id, "before": c.before, "after": c.after, "causes": list(c.causes), "text": c.text}
        for c in diff_runs(before, result)
    ]


def _run_engine(run: Run, report: Callable[..., None]) -> Any:
    from kyodo.hoiku.engine.pipeline import Decision as EngineDecision
    from kyodo.hoiku.engine.pipeline import run_round
    from kyodo.hoiku.io import read_instance

    inputs = run.input_set
    with tempfile.TemporaryDirectory(prefix="kyodo-run-") as tmp:
        children_path, facilities_path = _write_inputs(
            Path(tmp),
            UploadedFile(inputs.children_name, bytes(inputs.children_data)),
            UploadedFile(inputs.facilities_name, bytes(inputs.facilities_data)),
        )
        instance = read_instance(
            children_path, facilities_path, fiscal_year=run.fiscal_year,
            choice_limit=choice_limit(run.rules_name, run.fiscal_year),
        )
    report(30, "指数の計算と利用調整を行っています")
    decisions = [EngineDecision(**{k: v for k, v in d.items() if v is not None}) for d in run.decisions]
    return run_round(
        instance,
        rules=run.rules_name or None,
        fiscal_year=run.fiscal_year,
        seed=run.seed,
        decisions=decisions,
        inputs_sha256={inputs.children_name: inputs.children_sha256, inputs.facilities_name: inputs.facilities_sha256},
    )


def _documents(result: Any) -> tuple[bytes, bytes]:
    from kyodo.hoiku.outputs.workbook import write_json, write_workbook

    with tempfile.TemporaryDirectory(prefix="kyodo-out-") as tmp:
        workbook_path, json_path = Path(tmp) / "result.xlsx", Path(tmp) / "result.json"
        write_workbook(result, workbook_path)
        write_json(result, json_path)
        return workbook_path.read_bytes(), gzip.compress(json_path.read_bytes())
