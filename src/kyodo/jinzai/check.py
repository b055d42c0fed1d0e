"""An independent check of a plan against the hard constraints. Returns what it found, not just True/False.

Written apart from both matchers on purpose: it recomputes every sum from the instance itself.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from kyodo.jinzai.feasibility import need, weekly_capacity
from kyodo.jinzai.model import Instance, Mode
from kyodo.jinzai.policy import Policy


@dataclass(frozen=True, slots=True)
class Violation:
    request_id: str | None
    specialist_id: str | None
    message: str


def violations(instance: Instance, assignment: Mapping[str, str]) -> list[Violation]:
    """Every broken hard constraint in `assignment` (request id → specialist id); empty when the plan is sound."""
    found: list[Violation] = []
    p = instance.policy
    load: dict[tuple[str, int], int] = defaultdict(int)
    cases: Counter[str] = Counter()
    known_requests = {r.id for r in instance.requests}
    for rid, sid in assignment.items():
        if rid not in known_requests or not instance.has_specialist(sid):
            found.append(Violation(rid, sid, "unknown request or specialist"))
            continue
        r, s = instance.request(rid), instance.specialist(sid)
        for skill, level in r.skills.items():
            if s.skills.get(skill, 0) < level:
                found.append(Violation(rid, sid, f"skill {skill} below {level}"))
        if r.mode not in s.modes:
            found.append(Violation(rid, sid, f"mode {r.mode} not offered"))
        if r.municipality in s.conflicts:
            found.append(Violation(rid, sid, "conflict of interest"))
        if sid in r.excluded:
            found.append(Violation(rid, sid, "specialist excluded from this request"))
        if r.hours(p) > program_cap_hours(p, r.mode):
            found.append(Violation(rid, sid, f"{r.hours(p)} hours over the program cap"))
        n = need(r, instance)
        for w in n.weeks:
            load[sid, w] += n.minutes_per_week
        cases[sid] += 1
    for (sid, w), minutes in sorted(load.items()):
        capacity = weekly_capacity(instance.specialist(sid), w)
        if minutes > capacity:
            found.append(Violation(None, sid, f"week {w}: {minutes} min planned, {capacity} available"))
    for sid, count in sorted(cases.items()):
        limit = instance.specialist(sid).max_cases
        if limit is not None and count > limit:
            found.append(Violation(None, sid, f"{count} cases, limit {limit}"))
    return found


def program_cap_hours(policy: Policy, mode: Mode) -> int:
    """The most one case may receive, in hours: ≤ N days on site, ≤ M hours online."""
    if mode is Mode.ONSITE:
        return policy.onsite_days_cap * policy.hours_per_day
    return policy.remote_hours_cap
