"""What both allocators share: who may be seated at all, the orders they use, and turning seats into a `Plan`.

- Eligible: prerequisites completed, and the best-ordered of any nominations of one staff member for one course
  (one seat per staff member per course); the others are unseated with `Reason.PREREQUISITES` / `Reason.DUPLICATE`.
- A municipality's own order (`member_key`): nominees waitlisted last time first, then the municipality's rank
  (団体内順位), then submission time, then the lottery ticket.
- The lottery is `random.Random(seed)`: a ticket for every nomination and a draw order for the municipalities, both
  from the sorted ids, so the same inputs and seed give the same tickets.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from kyodo.kenshu.model import (
    Assignment,
    Fairness,
    Instance,
    MunicipalShare,
    Nomination,
    Plan,
    Reason,
    Unseated,
)

MemberKey = tuple[bool, int, datetime, int]


@dataclass(frozen=True, slots=True)
class Lottery:
    tickets: Mapping[str, int]  # nomination id → ticket (0 = drawn first)
    municipal_draw: Mapping[str, int]  # municipality code → place in the draw

    @classmethod
    def draw(cls, instance: Instance, seed: int) -> Lottery:
        rng = random.Random(seed)
        ids = sorted(n.id for n in instance.nominations)
        rng.shuffle(ids)
        codes = sorted({n.municipality for n in instance.nominations})
        rng.shuffle(codes)
        return cls({nid: i for i, nid in enumerate(ids)}, {c: i for i, c in enumerate(codes)})


def member_key(n: Nomination, lottery: Lottery) -> MemberKey:
    return (not n.waitlisted_before, n.rank, n.submitted_at, lottery.tickets[n.id])


@dataclass(frozen=True, slots=True)
class Eligibility:
    eligible: tuple[Nomination, ...]  # in member order within each municipality
    excluded: Mapping[str, Reason]  # nomination id → PREREQUISITES or DUPLICATE


def eligibility(instance: Instance, lottery: Lottery) -> Eligibility:
    excluded: dict[str, Reason] = {}
    kept: dict[tuple[str, str, str], Nomination] = {}
    ordered = sorted(instance.nominations, key=lambda n: (n.municipality, member_key(n, lottery)))
    for n in ordered:
        course = instance.courses[n.course_id]
        if not set(course.prerequisites) <= n.completed:
            excluded[n.id] = Reason.PREREQUISITES
        elif (n.municipality, n.staff_id, n.course_id) in kept:
            excluded[n.id] = Reason.DUPLICATE
        else:
            kept[(n.municipality, n.staff_id, n.course_id)] = n
    return Eligibility(tuple(n for n in ordered if n.id not in excluded), excluded)


def capped_or_full(instance: Instance, n: Nomination, taken: Mapping[str, int],
                   own: Mapping[tuple[str, str], int]) -> Reason:
    """Why an eligible nominee is unseated: a listed session with room where the municipality is at its cap, else
    every listed session is full. `taken`: seats taken per session; `own`: per (municipality, session)."""
    sessions = instance.session_map
    for sid in n.sessions:
        s = sessions[sid]
        cap = s.municipal_cap
        if taken.get(sid, 0) < s.capacity and cap is not None and own.get((n.municipality, sid), 0) >= cap:
            return Reason.MUNICIPAL_CAP
    return Reason.FULL


def seat_counts(instance: Instance, seats: Mapping[str, str]) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    nominations = instance.nomination_map
    taken: dict[str, int] = defaultdict(int)
    own: dict[tuple[str, str], int] = defaultdict(int)
    for nid, sid in seats.items():
        taken[sid] += 1
        own[(nominations[nid].municipality, sid)] += 1
    return taken, own


def measure(instance: Instance, elig: Eligibility, seats: Mapping[str, str]) -> Fairness:
    nominated: dict[str, int] = defaultdict(int)
    seated: dict[str, int] = defaultdict(int)
    for n in elig.eligible:
        nominated[n.municipality] += 1
        if n.id in seats:
            seated[n.municipality] += 1
    shares = tuple(MunicipalShare(m, nominated[m], seated[m]) for m in sorted(nominated))
    values = [s.share for s in shares]
    square = sum(v * v for v in values)
    jain = (sum(values) ** 2) / (len(values) * square) if square else 1.0
    return Fairness(
        shares=shares,
        worst_share=min(values, default=1.0),
        without_seat=tuple(s.municipality for s in shares if s.seats == 0),
        jain=jain,
    )


def build_plan(
    instance: Instance,
    *,
    method: str,
    seed: int,
    elig: Eligibility,
    seats: Mapping[str, str],
    waitlist_key: Callable[[Nomination, int], tuple[object, ...]],
    notes: Iterable[str] = (),
) -> Plan:
    """The plan from final seats. `waitlist_key(n, i)` orders a session's waitlist, `i` being n's place among its
    own municipality's nominees waiting for that session (0 = first)."""
    waiting: dict[str, list[Nomination]] = defaultdict(list)
    for n in elig.eligible:  # already in member order within each municipality
        if n.id not in seats:
            for sid in n.sessions:
                waiting[sid].append(n)
    waitlists: dict[str, tuple[str, ...]] = {}
    for sid in sorted(waiting):
        place: dict[str, int] = defaultdict(int)
        keyed = []
        for n in waiting[sid]:
            keyed.append((waitlist_key(n, place[n.municipality]), n.id))
            place[n.municipality] += 1
        waitlists[sid] = tuple(nid for _, nid in sorted(keyed))
    position = {(sid, nid): i for sid, ids in waitlists.items() for i, nid in enumerate(ids, start=1)}
    unseated = []
    taken, own = seat_counts(instance, seats)
    for n in sorted(instance.nominations, key=lambda n: n.id):
        if n.id in seats:
            continue
        reason = elig.excluded.get(n.id) or capped_or_full(instance, n, taken, own)
        places = tuple((sid, position[(sid, n.id)]) for sid in n.sessions if (sid, n.id) in position)
        unseated.append(Unseated(n.id, reason, places))
    assignments = tuple(Assignment(nid, sid) for nid, sid in sorted(seats.items(), key=lambda p: (p[1], p[0])))
    return Plan(
        method=method, seed=seed, assignments=assignments, waitlists=waitlists, unseated=tuple(unseated),
        fairness=measure(instance, elig, seats), notes=tuple(notes),
    )
