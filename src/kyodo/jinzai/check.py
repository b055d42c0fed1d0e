"""An independent check of a plan against the hard constraints. Returns what it found, not just True/False.

Written apart from both matchers and from `feasibility` on purpose: it recomputes every sum from the instance
itself, with its own code, so a mistake in what the optimiser believes "fits" cannot hide here too. The rules it
checks are the ones `feasibility` documents: a request's hours are spread evenly over the weeks (Monday to Sunday)
its period touches, rounded up to the minute; a specialist's week holds the hours offered minus the current load,
scaled by the weekdays (Monday to Friday) it is not absent.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from kyodo.jinzai.model import Instance, Mode, Request, Specialist
from kyodo.jinzai.policy import Policy


class ViolationKind(StrEnum):
    """Which hard constraint a plan breaks."""

    UNKNOWN = "unknown"  # a request or specialist not in the instance
    SKILL = "skill"  # a required skill below its level
    MODE = "mode"  # the specialist does not work in the request's mode
    CONFLICT = "conflict"  # conflict of interest with the municipality
    EXCLUDED = "excluded"  # the request excludes this specialist
    PROGRAM_CAP = "program_cap"  # the request asks more than one case may receive
    WEEKLY_HOURS = "weekly_hours"  # more minutes in a week than the specialist has left
    MAX_CASES = "max_cases"  # more requests than the specialist takes in one plan


@dataclass(frozen=True, slots=True)
class Violation:
    kind: ViolationKind
    request_id: str | None
    specialist_id: str | None
    message: str


def violations(instance: Instance, assignment: Mapping[str, str]) -> list[Violation]:
    """Every broken hard constraint in `assignment` (request id → specialist id); empty when the plan is sound."""
    found: list[Violation] = []
    p = instance.policy
    minutes: dict[tuple[str, date], int] = defaultdict(int)  # (specialist, Monday) → minutes planned
    cases: Counter[str] = Counter()
    known_requests = {r.id for r in instance.requests}
    for rid, sid in assignment.items():
        if rid not in known_requests or not instance.has_specialist(sid):
            found.append(Violation(ViolationKind.UNKNOWN, rid, sid, "unknown request or specialist"))
            continue
        r, s = instance.request(rid), instance.specialist(sid)
        found += _pair_violations(r, s, p)
        mondays = _mondays(r.start, r.end)
        for monday in mondays:
            minutes[sid, monday] += _minutes_per_week(r.hours(p), len(mondays))
        cases[sid] += 1
    for (sid, monday), planned in sorted(minutes.items()):
        available = _minutes_available(instance.specialist(sid), monday)
        if planned > available:
            found.append(
                Violation(
                    ViolationKind.WEEKLY_HOURS,
                    None,
                    sid,
                    f"week of {monday.isoformat()}: {planned} min planned, {available} available",
                )
            )
    for sid, count in sorted(cases.items()):
        limit = instance.specialist(sid).max_cases
        if limit is not None and count > limit:
            found.append(Violation(ViolationKind.MAX_CASES, None, sid, f"{count} cases, limit {limit}"))
    return found


def _pair_violations(r: Request, s: Specialist, p: Policy) -> list[Violation]:
    found: list[Violation] = []
    for skill, level in r.skills.items():
        if s.skills.get(skill, 0) < level:
            found.append(Violation(ViolationKind.SKILL, r.id, s.id, f"skill {skill} below {level}"))
    if r.mode not in s.modes:
        found.append(Violation(ViolationKind.MODE, r.id, s.id, f"mode {r.mode} not offered"))
    if r.municipality in s.conflicts:
        found.append(Violation(ViolationKind.CONFLICT, r.id, s.id, "conflict of interest"))
    if s.id in r.excluded:
        found.append(Violation(ViolationKind.EXCLUDED, r.id, s.id, "specialist excluded from this request"))
    if r.hours(p) > program_cap_hours(p, r.mode):
        found.append(
            Violation(ViolationKind.PROGRAM_CAP, r.id, s.id, f"{r.hours(p)} hours over the program cap")
        )
    return found


def _mondays(start: date, end: date) -> list[date]:
    """The Monday of every week that some day from start to end (inclusive) falls in."""
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return sorted({d - timedelta(days=d.weekday()) for d in days})


def _minutes_per_week(hours: int, weeks: int) -> int:
    total = hours * 60
    return total // weeks + (1 if total % weeks else 0)


def _minutes_available(s: Specialist, monday: date) -> int:
    hours_left = s.hours_per_week - s.current_load_hours
    if hours_left <= 0:
        return 0
    weekdays = [monday + timedelta(days=i) for i in range(5)]
    present = [d for d in weekdays if not any(first <= d <= last for first, last in s.absences)]
    return hours_left * 60 * len(present) // 5


def program_cap_hours(policy: Policy, mode: Mode) -> int:
    """The most one case may receive, in hours: ≤ N days on site, ≤ M hours online."""
    if mode is Mode.ONSITE:
        return policy.onsite_days_cap * policy.hours_per_day
    return policy.remote_hours_cap
