"""Who could serve which request, and how much of a specialist's week a request takes.

Time is counted in weeks (Monday to Sunday) and minutes. A request's hours are spread evenly over the weeks its period
touches (rounded up to the minute): a planning approximation, stated so a coordinator knows what "fits" means. A
specialist's weekly capacity is the hours offered minus the current load, scaled down by absent weekdays.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from kyodo.jinzai.model import Instance, Request, Specialist

WORKDAYS_PER_WEEK = 5


def week_of(day: date) -> int:
    """The week a day falls in, as the ordinal of its Monday."""
    return day.toordinal() - day.weekday()


def weeks_between(start: date, end: date) -> tuple[int, ...]:
    return tuple(range(week_of(start), week_of(end) + 1, 7))


def week_start(week: int) -> date:
    return date.fromordinal(week)


@dataclass(frozen=True, slots=True)
class Need:
    """What one request takes from whoever serves it."""

    weeks: tuple[int, ...]
    minutes_per_week: int
    total_hours: int


def need(request: Request, instance: Instance) -> Need:
    weeks = weeks_between(request.start, request.end)
    total_minutes = request.hours(instance.policy) * 60
    return Need(weeks, -(-total_minutes // len(weeks)), request.hours(instance.policy))


def weekly_capacity(specialist: Specialist, week: int) -> int:
    """Minutes the specialist can give this plan in the week, before any assignment of this plan."""
    free_hours = max(0, specialist.hours_per_week - specialist.current_load_hours)
    monday = week_start(week)
    workdays = [monday + timedelta(days=i) for i in range(WORKDAYS_PER_WEEK)]
    present = sum(1 for d in workdays if not any(a <= d <= b for a, b in specialist.absences))
    return free_hours * 60 * present // WORKDAYS_PER_WEEK


def has_skills(specialist: Specialist, request: Request) -> bool:
    return all(specialist.skills.get(skill, 0) >= level for skill, level in request.skills.items())


@dataclass(frozen=True, slots=True)
class Analysis:
    """For each request, the specialists left after each filter, in the order reasons are given."""

    needs: dict[str, Need]
    capacity: dict[tuple[str, int], int]  # (specialist, week) → minutes, for every week some request touches
    skilled: dict[str, tuple[str, ...]]
    mode_ok: dict[str, tuple[str, ...]]
    no_conflict: dict[str, tuple[str, ...]]
    not_excluded: dict[str, tuple[str, ...]]  # … and not excluded from this request (`Request.excluded`)
    candidates: dict[str, tuple[str, ...]]  # … and with enough time in every week of the period


def analyse(instance: Instance) -> Analysis:
    needs = {r.id: need(r, instance) for r in instance.requests}
    all_weeks = sorted({w for n in needs.values() for w in n.weeks})
    capacity = {(s.id, w): weekly_capacity(s, w) for s in instance.specialists for w in all_weeks}
    skilled: dict[str, tuple[str, ...]] = {}
    mode_ok: dict[str, tuple[str, ...]] = {}
    no_conflict: dict[str, tuple[str, ...]] = {}
    not_excluded: dict[str, tuple[str, ...]] = {}
    candidates: dict[str, tuple[str, ...]] = {}
    # Who holds each skill at each level or above: intersecting these sets is much faster than testing every pair.
    order = {s.id: i for i, s in enumerate(instance.specialists)}
    holders: dict[tuple[str, int], set[str]] = defaultdict(set)
    for s in instance.specialists:
        for skill, level in s.skills.items():
            for lv in range(1, level + 1):
                holders[skill, lv].add(s.id)
    for r in instance.requests:
        n = needs[r.id]
        sets = [holders.get((skill, level), set()) for skill, level in r.skills.items()]
        found = set.intersection(*sets) if sets else set(order)
        skilled[r.id] = tuple(sorted(found, key=order.__getitem__))
        mode_ok[r.id] = tuple(s for s in skilled[r.id] if r.mode in instance.specialist(s).modes)
        no_conflict[r.id] = tuple(s for s in mode_ok[r.id] if r.municipality not in instance.specialist(s).conflicts)
        not_excluded[r.id] = tuple(s for s in no_conflict[r.id] if s not in r.excluded)
        candidates[r.id] = tuple(
            s
            for s in not_excluded[r.id]
            if instance.specialist(s).max_cases != 0
            and all(capacity[s, w] >= n.minutes_per_week for w in n.weeks)
        )
    return Analysis(needs, capacity, skilled, mode_ok, no_conflict, not_excluded, candidates)


class Ledger:
    """Remaining capacity while assignments are added one by one (greedy, the fill pass, reasons)."""

    def __init__(self, instance: Instance, analysis: Analysis) -> None:
        self._instance = instance
        self._analysis = analysis
        self.remaining = dict(analysis.capacity)
        self.cases = {s.id: 0 for s in instance.specialists}

    def fits(self, request_id: str, specialist_id: str) -> bool:
        if specialist_id not in self._analysis.candidates[request_id]:
            return False
        limit = self._instance.specialist(specialist_id).max_cases
        if limit is not None and self.cases[specialist_id] >= limit:
            return False
        n = self._analysis.needs[request_id]
        return all(self.remaining[specialist_id, w] >= n.minutes_per_week for w in n.weeks)

    def add(self, request_id: str, specialist_id: str) -> None:
        n = self._analysis.needs[request_id]
        for w in n.weeks:
            self.remaining[specialist_id, w] -= n.minutes_per_week
        self.cases[specialist_id] += 1


def place_confirmed(instance: Instance, analysis: Analysis, confirmed: dict[str, str]) -> Ledger:
    """A ledger holding the confirmed assignments; PlanError (Japanese) if any of them no longer fits."""
    from kyodo.jinzai.errors import PlanError

    ledger = Ledger(instance, analysis)
    for request_id, specialist_id in sorted(confirmed.items()):
        if request_id not in analysis.needs:
            raise PlanError(f"確定済みの割当の依頼「{request_id}」が依頼一覧にありません。")
        if not instance.has_specialist(specialist_id):
            raise PlanError(f"確定済みの割当(依頼「{request_id}」)の人材「{specialist_id}」が人材一覧にありません。")
        if not ledger.fits(request_id, specialist_id):
            raise PlanError(
                f"確定済みの割当(依頼「{request_id}」→人材「{specialist_id}」)は、いまの条件(スキル・対応形態・"
                "利益相反・除外・稼働時間・上限件数)では成り立ちません。解除して再計画してください。"
            )
        ledger.add(request_id, specialist_id)
    return ledger
