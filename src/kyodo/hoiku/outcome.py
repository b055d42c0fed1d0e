"""The outcome of one round: the result with everything computed from it, once, for every output to format.

    outcome = kyodo.hoiku.run((children, facilities), "koto", seed=1, fiscal_year=2026)
    outcome.summary.counts[Status.OFFERED]      # 内定 (also 転園内定, 在園継続, 保留: one Status each)
    outcome.explanations["c17"].lines()          # reasons for notices
    outcome.cutoffs[("F001", 1)].label           # 最低指数 / 空有 / ―

The CLI summary, the workbook, the results CSV, the JSON, the PDF notices, the cut-off chart and the web
pages read these; none of them counts, explains or looks rules up again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from kyodo.hoiku.explain.cutoffs import CutoffCell
from kyodo.hoiku.explain.reasons import Explainer, Explanation
from kyodo.hoiku.model.instance import AGE_CLASSES, Instance
from kyodo.hoiku.model.result import (
    CheckKind,
    Flag,
    FlagKind,
    Priority,
    Result,
    RunRecord,
    Score,
    Seat,
    Status,
    Violation,
    status_of,
)
from kyodo.hoiku.rules import Rules
from kyodo.hoiku.rules.loader import TRIAL_STAMP

Counts = Mapping[Status, int]


def _counts(statuses: Counter[Status]) -> Counts:
    """Every Status, zero included, in declaration order."""
    return MappingProxyType({s: statuses[s] for s in Status})


@dataclass(frozen=True, slots=True)
class AgeSummary:
    """One age class: applicants by Status, transfer applicants, vacancies and what is left of them.

    Vacancies left = vacancies + seats freed by transfer applicants who moved − new seats (内定 + 転園内定).
    """

    age_class: int
    applicants: int
    counts: Counts
    transfer_applicants: int
    vacancies: int
    vacancies_left: int


@dataclass(frozen=True, slots=True)
class SeatSummary:
    """One facility and age class: who was placed there by Status, and its cut-off cell."""

    facility_id: str
    name: str
    kind: str
    age_class: int
    vacancies: int
    applicants: int  # children who listed it (the priority order's length)
    counts: Counts  # children placed here, by Status (保留 is always 0)
    cutoff: CutoffCell

    @property
    def new_seats(self) -> int:
        return self.counts[Status.OFFERED] + self.counts[Status.TRANSFERRED]


@dataclass(frozen=True, slots=True)
class Summary:
    """The one set of counts every output shows."""

    children: int
    facilities: int
    counts: Counts
    by_age: tuple[AgeSummary, ...]
    by_seat: tuple[SeatSummary, ...]
    flags: Mapping[FlagKind, int]
    violations: Mapping[CheckKind, int]

    @property
    def vacancies(self) -> int:
        return sum(a.vacancies for a in self.by_age)

    @property
    def vacancies_left(self) -> int:
        return sum(a.vacancies_left for a in self.by_age)

    @property
    def violation_count(self) -> int:
        return sum(self.violations.values())

    @property
    def blocking(self) -> int:
        """Blocking pairs and coalitions (wasted_seat, justified_envy, blocking_coalition)."""
        return sum(n for kind, n in self.violations.items() if kind.blocking)

    @property
    def flag_count(self) -> int:
        return sum(self.flags.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: statuses and kinds by their values, every count as it is here."""
        return {
            "children": self.children,
            "facilities": self.facilities,
            "counts": {str(s): n for s, n in self.counts.items()},
            "vacancies": self.vacancies,
            "vacancies_left": self.vacancies_left,
            "blocking": self.blocking,
            "by_age": [
                {
                    "age_class": a.age_class,
                    "applicants": a.applicants,
                    "counts": {str(s): n for s, n in a.counts.items()},
                    "transfer_applicants": a.transfer_applicants,
                    "vacancies": a.vacancies,
                    "vacancies_left": a.vacancies_left,
                }
                for a in self.by_age
            ],
            "by_facility": [
                {
                    "facility_id": s.facility_id,
                    "name": s.name,
                    "kind": s.kind,
                    "age_class": s.age_class,
                    "vacancies": s.vacancies,
                    "applicants": s.applicants,
                    "counts": {str(k): n for k, n in s.counts.items()},
                    "new_seats": s.new_seats,
                    "cutoff": s.cutoff.points,
                    "cutoff_label": s.cutoff.label,
                    "vacancies_left": s.cutoff.vacancies_left,
                }
                for s in self.by_seat
            ],
            "flags": {str(k): n for k, n in self.flags.items()},
            "violations": {str(k): n for k, n in self.violations.items()},
        }


@dataclass(frozen=True, slots=True)
class Trial:
    """A run that used rules values not 確認済み: every document for residents and staff says 「試行・未確定」."""

    values: tuple[tuple[str, str], ...]  # (Rules.values() key, description), the unconfirmed values used
    stamp: str = TRIAL_STAMP

    def to_dict(self) -> dict[str, Any]:
        return {"stamp": self.stamp, "values": [{"value": k, "label": label} for k, label in self.values]}


def trial_of(result: Result, rules: Rules | None) -> Trial | None:
    """The unconfirmed values this run actually used: the scores' items, how guardians combine, the choice
    limit, and the tie-break criteria that decided an order. None when every one is 確認済み (or no rules)."""
    if rules is None or result.instance.points_given:
        return None
    used: set[str] = {"household"}
    for score in result.scores.values():
        used.update(i.value for i in score.items if i.value)
        for items in score.facility_items.values():
            used.update(i.value for i in items if i.value)
    if rules.choice_limit is not None:
        used.add("choice_limit")
    year = result.run.fiscal_year if result.run is not None else result.instance.fiscal_year
    deciding = set(result.priority.decided_by.values())
    used.update(
        rules.tie_break_where(year, i) for i, t in enumerate(rules.tie_break_at(year)) if t.key in deciding
    )
    values = tuple((k, label) for k, label, p in rules.described_values() if k in used and not p.confirmed)
    return Trial(values) if values else None


@dataclass(frozen=True, slots=True)
class Outcome:
    """A round's Result with the Rules it ran under and everything derived from it (see the module docstring)."""

    result: Result
    rules: Rules | None
    statuses: Mapping[str, Status]  # child id → Status, in input order
    explanations: Mapping[str, Explanation]
    cutoffs: Mapping[Seat, CutoffCell]
    waitlist: Mapping[tuple[str, str], int]  # (child, facility) → 1-based place among those not offered it
    offers: Mapping[str, Mapping[int, tuple[str, ...]]]  # facility → age → children placed, priority order
    summary: Summary
    trial: Trial | None = None  # set when the run used a rules value not 確認済み (see trial_of)

    @property
    def instance(self) -> Instance:
        return self.result.instance

    @property
    def assignment(self) -> Mapping[str, str | None]:
        return self.result.assignment

    @property
    def scores(self) -> Mapping[str, Score]:
        return self.result.scores

    @property
    def priority(self) -> Priority:
        return self.result.priority

    @property
    def flags(self) -> tuple[Flag, ...]:
        return self.result.flags

    @property
    def violations(self) -> tuple[Violation, ...]:
        return self.result.violations

    @property
    def run(self) -> RunRecord | None:
        return self.result.run

    def children_with(self, *statuses: Status) -> list[str]:
        """Child ids (input order) whose Status is one of `statuses`."""
        wanted = set(statuses)
        return [cid for cid, s in self.statuses.items() if s in wanted]


def build_outcome(
    result: Result, rules: Rules | None, *, without_adjustments: Mapping[str, str | None] | None = None
) -> Outcome:
    """Explain, cut off and count a Result once. `rules`: the Rules object the round ran under (its labels);
    `without_adjustments`: where each child would be without the staff's fixes and exclusions (None: there were
    none), so that a child who lost a place to them is told a staff adjustment decided it."""
    instance = result.instance
    statuses = {cid: status_of(c, result.assignment.get(cid)) for cid, c in instance.children.items()}
    explainer = Explainer(result, rules, without_adjustments=without_adjustments)
    explanations = {cid: explainer.explain(cid) for cid in instance.children}
    offers = _offers(result)
    summary = _summarise(result, statuses, explainer.cutoffs, offers)
    return Outcome(
        result=result,
        rules=rules,
        statuses=MappingProxyType(statuses),
        explanations=MappingProxyType(explanations),
        cutoffs=MappingProxyType(explainer.cutoffs),
        waitlist=MappingProxyType(explainer.waitlist),
        offers=MappingProxyType(offers),
        summary=summary,
        trial=trial_of(result, rules),
    )


def _offers(result: Result) -> dict[str, dict[int, tuple[str, ...]]]:
    assigned: dict[tuple[str, int], set[str]] = {}
    for cid, fid in result.assignment.items():
        child = result.instance.children.get(cid)
        if fid is not None and child is not None:
            assigned.setdefault((fid, child.age_class), set()).add(cid)
    offers: dict[str, dict[int, tuple[str, ...]]] = {}
    for (fid, age), members in sorted(assigned.items()):
        ordered = [cid for cid in result.priority.order.get((fid, age), ()) if cid in members]
        # Anyone placed but absent from the priority (a staff decision, say) is listed last, not lost.
        ordered += sorted(members.difference(ordered))
        offers.setdefault(fid, {})[age] = tuple(ordered)
    return offers


def _summarise(
    result: Result,
    statuses: Mapping[str, Status],
    cutoffs: Mapping[Seat, CutoffCell],
    offers: Mapping[str, Mapping[int, tuple[str, ...]]],
) -> Summary:
    instance = result.instance
    by_age: dict[int, Counter[Status]] = {age: Counter() for age in AGE_CLASSES}
    transfers: Counter[int] = Counter()
    freed: Counter[int] = Counter()
    for cid, child in instance.children.items():
        status = statuses[cid]
        by_age[child.age_class][status] += 1
        if child.is_transfer:
            transfers[child.age_class] += 1
        if status == Status.TRANSFERRED:
            freed[child.age_class] += 1
    vacancies: Counter[int] = Counter()
    seats: list[SeatSummary] = []
    for fid, facility in instance.facilities.items():
        for age in AGE_CLASSES:
            vacancies[age] += facility.vacancy(age)
            cell = cutoffs.get((fid, age))
            if cell is None:
                continue
            placed = Counter(statuses[c] for c in offers.get(fid, {}).get(age, ()))
            applicants = len(result.priority.order.get((fid, age), ()))
            seats.append(
                SeatSummary(
                    fid,
                    facility.name,
                    facility.kind,
                    age,
                    facility.vacancy(age),
                    applicants,
                    _counts(placed),
                    cell,
                )
            )
    ages = tuple(
        AgeSummary(
            age,
            sum(by_age[age].values()),
            _counts(by_age[age]),
            transfers[age],
            vacancies[age],
            vacancies[age] + freed[age] - by_age[age][Status.OFFERED] - by_age[age][Status.TRANSFERRED],
        )
        for age in AGE_CLASSES
    )
    flags = Counter(f.kind for f in result.flags)
    violations = Counter(v.kind for v in result.violations)
    return Summary(
        children=len(instance.children),
        facilities=len(instance.facilities),
        counts=_counts(Counter(statuses.values())),
        by_age=ages,
        by_seat=tuple(seats),
        flags=MappingProxyType({k: flags[k] for k in FlagKind if flags[k]}),
        violations=MappingProxyType({k: violations[k] for k in CheckKind if violations[k]}),
    )
