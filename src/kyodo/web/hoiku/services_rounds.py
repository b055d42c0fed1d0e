"""Rounds through the year: the next round from a finished run, edited vacancies, a child's history.

The engine builds the next round's Instance (kyodo.hoiku.tools.carry_over) and writes it as files
(kyodo.hoiku.io.round_files); here those files are stored as the new round's InputSet, as if uploaded, so that
running, results and reproducing need nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.db import transaction

from kyodo.hoiku.io.source import InputFile
from kyodo.hoiku.model.errors import InputError, Problem, RuleError
from kyodo.hoiku.model.instance import AGE_CLASSES, Facility, Instance
from kyodo.hoiku.model.result import Status
from kyodo.hoiku.tools.carry_over import CarryOver, Placement, carry_over, class_problems
from kyodo.web.hoiku import services
from kyodo.web.hoiku.models import InputSet, Phase, Round, Run, RunChild, RunStatus

if TYPE_CHECKING:
    from kyodo.hoiku import Rules

MAX_HISTORY = 24  # rounds shown on a child's page (two years of monthly rounds)


def stored_instance(input_set: InputSet, rules: Rules | None, fiscal_year: int) -> Instance:
    """The Instance of stored files, read as a run reads them. Raises InputError or RuleError."""
    from kyodo.hoiku import read

    children, facilities, combinations = services.engine_inputs(input_set)
    return read((children, facilities), rules, fiscal_year=fiscal_year, combinations=combinations)


def placements(run: Run) -> dict[str, Placement]:
    """Each child's result in a finished run, as stored with it (the Outcome's statuses and seats)."""
    rows = RunChild.objects.for_org(run.organisation_id).filter(run=run).values_list(
        "child_id", "facility_id", "explanation__status"  # not the whole explanation of every child
    )
    return {cid: Placement(Status(status), facility or None) for cid, facility, status in rows}


def latest_done_run(round_: Round) -> Run | None:
    run: Run | None = (round_.runs.filter(status=RunStatus.DONE).defer(*Run.STORED_FILES, "summary", "record",
                                                                     "diff_changes").order_by("-number").first())
    return run


@dataclass(frozen=True, slots=True)
class NextRound:
    """What the next-round form gives: the round's name, and the files and lists that change the applications."""

    title: str
    phase: str
    seed: int
    withdrawals: tuple[str, ...] = ()
    transfers: tuple[str, ...] = ()
    added: InputFile | None = None  # new applications (a children file)
    facilities: InputFile | None = None  # the month's vacancies (a facilities file); None: what is left
    months: int = 0  # added to the 待機月数 of the households carried over


def create_next_round(previous: Run, user: Any, form: NextRound) -> tuple[Round | None, list[Problem]]:
    """The next round and its input files, or every problem found (then nothing is stored)."""
    old = previous.round
    round_ = Round(
        organisation_id=old.organisation_id, title=form.title, fiscal_year=previous.fiscal_year, phase=form.phase,
        rules_name=previous.rules_name, rules_version_id=previous.rules_version_id, seed=form.seed, created_by=user,
        previous_run=previous,
    )
    try:
        result = _carried(previous, form)
    except InputError as exc:
        return None, list(exc.problems)
    except RuleError as exc:
        return None, [Problem(line) for line in str(exc).splitlines() if line.strip()]
    children, facilities, combinations = _files(result.instance, round_)
    instance, problems = services.read_upload(round_, children, facilities, combinations)
    if problems or instance is None:
        return None, problems
    origin = {
        "kind": "carry_over", "run": previous.pk, "carried": len(result.carried), "continuing": len(result.continuing),
        "dropped": len(result.dropped), "withdrawn": len(result.withdrawn), "added": len(result.added),
        "replaced": len(result.replaced), "families": len(result.families), "months": form.months,
        "vacancies_file": form.facilities.name if form.facilities else "",
        "added_file": form.added.name if form.added else "",
    }
    with transaction.atomic():
        round_.save()
        services.store_upload(round_, user, children, facilities, instance, combinations, origin=origin)
    return round_, []


def carried_text(origin: Mapping[str, Any]) -> str:
    """What a carried-over round was made of, in one sentence (the message on creating it and its page)."""
    if origin.get("kind") != "carry_over":
        return ""
    text = (f"引き継ぎ {origin['carried']} 人・内定後の転園希望 {origin['continuing']} 人・"
            f"新しい申込 {origin['added']} 人(変更 {origin['replaced']} 人)・取り下げ {origin['withdrawn']} 人・"
            f"引き継がなかった内定 {origin['dropped']} 人")
    if origin.get("families"):
        text += f"・希望の組み合わせを引き継いだきょうだい {origin['families']} 世帯"
    if origin.get("months"):
        text += f"・引き継いだ世帯の待機月数に {origin['months']} か月を加算"
    return text + "。"


def _carried(previous: Run, form: NextRound) -> CarryOver:
    from kyodo.hoiku import read
    from kyodo.hoiku.io.round_files import read_facilities_file

    rules = services.run_rules(previous)  # the rules the previous run used, as it stored them
    before = stored_instance(previous.input_set, rules, previous.fiscal_year)
    facilities = read_facilities_file(form.facilities) if form.facilities is not None else None
    added = None
    if form.added is not None:
        # Read against the facility list the new round will have; places are checked again in the whole round.
        _, listed = services.engine_inputs(previous.input_set)[:2]
        added = read((form.added, form.facilities or listed), rules, fiscal_year=previous.fiscal_year)
    return carry_over(before, placements(previous), facilities=facilities, withdrawals=form.withdrawals,
                      transfers=form.transfers, added=added, months=form.months)


def _files(
    instance: Instance, round_: Round
) -> tuple[services.UploadedFile, services.UploadedFile, services.UploadedFile | None]:
    """The next round's children and facilities files, and its combination file when a family's ranking is kept."""
    from kyodo.hoiku.io.combinations import combinations_csv
    from kyodo.hoiku.io.round_files import instance_files

    stem = services.safe_name(f"{round_.fiscal_year}_{round_.phase}_{round_.title}")[:150]
    children, facilities = instance_files(instance, stem)
    ranked = combinations_csv(instance)
    return (services.UploadedFile(children.name, children.data),
            services.UploadedFile(facilities.name, facilities.data),
            services.UploadedFile(f"{stem}_combinations.csv", ranked) if ranked is not None else None)


def stored_demand(round_: Round, input_set: InputSet) -> dict[str, Any]:
    """The input set's applicants against places; computed and kept the first time for files stored before
    it was (empty when the files no longer read under the round's rules)."""
    from kyodo.hoiku.tools.demand import demand

    if not input_set.demand:
        try:
            instance = stored_instance(input_set, services.round_rules(round_), round_.fiscal_year)
        except (InputError, RuleError):
            return {}
        input_set.demand = demand(instance).as_dict()
        input_set.save(update_fields=["demand"])
    return input_set.demand  # type: ignore[no-any-return]


def current_facilities(input_set: InputSet) -> dict[str, Facility]:
    """The facilities (with their vacancies) of stored files."""
    from kyodo.hoiku.io.round_files import read_facilities_file

    return read_facilities_file(services.engine_inputs(input_set)[1])


def edit_vacancies(
    round_: Round, user: Any, vacancies: Mapping[str, Mapping[int, int | None]]
) -> tuple[InputSet | None, list[Problem]]:
    """A new input set: the latest children file as it is, the facilities with these vacancies (None: the facility
    has no such age class). Checked as an upload is; nothing is stored on a problem."""
    from kyodo.hoiku.io.round_files import instance_files

    latest = round_.latest_input()
    if latest is None:
        return None, [Problem("先に申込と施設のファイルをアップロードしてください")]
    try:
        instance = stored_instance(latest, services.round_rules(round_), round_.fiscal_year)
        edited = {
            fid: replace(f, vacancies={a: n for a in AGE_CLASSES if (n := vacancies.get(fid, {}).get(a)) is not None})
            for fid, f in instance.facilities.items()
        }
        if problems := class_problems(instance.children.values(), edited):
            return None, problems
        changed = replace(instance, facilities=edited)
    except InputError as exc:
        return None, list(exc.problems)
    children, _ = services.engine_inputs(latest)[:2]
    _, facilities = instance_files(changed, services.safe_name(f"{round_.fiscal_year}_{round_.title}_空き定員"))
    given = services.UploadedFile(children.name, children.data)
    made = services.UploadedFile(facilities.name, facilities.data)
    combinations = None
    if latest.combinations_name and latest.combinations_data is not None:
        combinations = services.UploadedFile(latest.combinations_name, bytes(latest.combinations_data))
    checked, problems = services.read_upload(round_, given, made, combinations)
    if problems or checked is None:
        return None, problems
    origin = {"kind": "vacancies", "from": latest.pk}
    return services.store_upload(round_, user, given, made, checked, combinations, origin=origin), []


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    round: Round
    run: Run | None  # the round's latest finished run (None: not run yet)
    status_label: str  # 内定 / 転園内定 / 在園継続 / 保留, or what the round says (未実行, 申込なし)
    facility_id: str
    facility_name: str


def child_history(
    round_: Round, child_id: str, known: Mapping[int, tuple[RunChild, Mapping[str, str]]] | None = None
) -> list[HistoryEntry]:
    """The child's result in every round linked to this one (earlier rounds it came from, later ones carried
    on from it), oldest first; empty when no round is linked (a history of one round is only the page itself).
    `known`: run id → (the child's row, facility names) the caller already read."""
    chain = [round_]
    while chain[0].previous_run_id is not None and len(chain) < MAX_HISTORY:
        chain.insert(0, chain[0].previous_run.round)  # type: ignore[union-attr]
    while len(chain) < MAX_HISTORY:
        later = Round.objects.for_org(round_.organisation_id).filter(previous_run__round=chain[-1]).order_by("id")
        following = later.first()
        if following is None:
            break
        chain.append(following)
    if len(chain) == 1:
        return []
    return [_entry(r, child_id, known or {}) for r in chain]


def _entry(round_: Round, child_id: str, known: Mapping[int, tuple[RunChild, Mapping[str, str]]]) -> HistoryEntry:
    run = latest_done_run(round_)
    if run is None:
        return HistoryEntry(round_, None, "未実行", "", "")
    if run.pk in known:
        row, names = known[run.pk]
    else:
        found = RunChild.objects.for_org(round_.organisation_id).filter(run=run, child_id=child_id).only(
            "facility_id", "current_facility", "explanation").first()
        if found is None:
            return HistoryEntry(round_, run, "申込なし", "", "")
        row, names = found, {f["id"]: f["name"] for f in run.summary.get("facility_table", [])}
    facility = row.facility_id if Status(row.explanation["status"]).new_seat else row.current_facility
    return HistoryEntry(round_, run, row.explanation.get("status_label", ""), facility, names.get(facility, ""))


def next_title(round_: Round) -> str:
    """A default name for the next round: 二次 after a first round, else the round's name with 「次回」."""
    return f"{round_.title} 二次" if round_.phase == Phase.FIRST else f"{round_.title} 次回"
