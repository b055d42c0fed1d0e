"""Sibling-aware deferred acceptance: a family applies for a whole combination at once.

Steps:
1. Every applicant is a unit: a single child (its options are its choices, one at a time) or a
   family (its options are its ranked combinations, see `kyodo.hoiku.family`).
2. A free unit proposes its next option. Each seat it needs accepts only if every member of the
   unit ranks within the seat's capacity among those holding it; then all members are accepted
   together and the lowest-ranked holders beyond capacity are rejected.
3. A rejected single child proposes its next choice. A family that loses one member's seat
   withdraws all its members (both together, or neither) and proposes its next combination.
4. A withdrawal frees places. The units that earlier failed at such a seat and would rather be
   there than where they are get it, best-ranked first, as long as a place is left and all the
   seats their option needs accept them; each leaves its old places, which frees those in turn.
5. When nobody is free, sweep once over all units: one that now fits with an option it ranks
   higher moves there, and the steps above continue from the places it frees.
6. Stop when a sweep moves nobody, or after a bounded number of proposals (with siblings a stable
   allocation may not exist, and the process can cycle). The caller checks the result
   independently and hands any remaining blocking coalitions to the exact solver.
Without families this is exactly child-proposing deferred acceptance.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from kyodo.hoiku.allocate import preference_lists, seat_capacities
from kyodo.hoiku.family import Combination, Family
from kyodo.hoiku.model import Instance
from kyodo.hoiku.result import Priority, Seat


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    children: tuple[str, ...]
    options: tuple[Combination, ...]
    must_place: bool  # holds a transfer child, whose current seat is guaranteed


@dataclass(frozen=True, slots=True)
class JointOutcome:
    assignment: dict[str, str | None]
    converged: bool
    proposals: int


def build_units(
    instance: Instance, fams: Mapping[str, Family], preferences: Mapping[str, tuple[str, ...]] | None = None
) -> list[Unit]:
    """Families as one unit each, every other child as a unit of its own, in input order."""
    prefs = preference_lists(instance) if preferences is None else preferences
    in_family = {cid: hid for hid, fam in fams.items() for cid in fam.children}
    units: list[Unit] = []
    seen: set[str] = set()
    for cid, child in instance.children.items():
        hid = in_family.get(cid)
        if hid is None:
            units.append(Unit(cid, (cid,), tuple((f,) for f in prefs[cid]), child.is_transfer))
        elif hid not in seen:
            seen.add(hid)
            fam = fams[hid]
            must = any(instance.children[c].is_transfer for c in fam.children)
            units.append(Unit(f"世帯{hid}", fam.children, fam.combinations, must))
    return units


def joint_deferred_acceptance(
    instance: Instance,
    priority: Priority,
    units: list[Unit],
    *,
    capacity: Mapping[Seat, int] | None = None,
    max_proposals: int | None = None,
) -> JointOutcome:
    cap = seat_capacities(instance) if capacity is None else capacity
    age = {cid: c.age_class for cid, c in instance.children.items()}
    position = {seat: {cid: i for i, cid in enumerate(order)} for seat, order in priority.order.items()}
    unit_of = {cid: u for u in units for cid in u.children}
    limit = max_proposals if max_proposals is not None else 20 * sum(len(u.options) for u in units) + 1000

    holders: dict[Seat, list[tuple[int, str]]] = {}
    holding: dict[str, int | None] = {u.id: None for u in units}
    pointer: dict[str, int] = {u.id: 0 for u in units}
    rejected: dict[Seat, dict[str, Unit]] = {}
    freed: deque[Seat] = deque()
    free: deque[Unit] = deque(units)
    proposals = 0
    sweep = quiet = 0

    def seats_of(u: Unit, j: int) -> dict[Seat, list[str]]:
        need: dict[Seat, list[str]] = {}
        for cid, f in zip(u.children, u.options[j], strict=True):
            if f is not None:
                need.setdefault((f, age[cid]), []).append(cid)
        return need

    def fits(seat: Seat, members: list[str], own: set[str] | None = None) -> bool:
        """Every member ranks within the capacity among the holders (not counting `own` children)."""
        order = position.get(seat)
        places = cap.get(seat, 0)
        if order is None or any(m not in order for m in members):
            return False
        held = holders.get(seat, [])
        if own:
            held = [h for h in held if h[1] not in own]
        ranks = sorted(order[m] for m in members)
        return all(bisect_left(held, (r, "")) + k < places for k, r in enumerate(ranks))

    def withdraw(u: Unit, keep_out: str | None = None) -> None:
        j = holding[u.id]
        if j is None:
            return
        holding[u.id] = None
        for seat, members in seats_of(u, j).items():
            held = holders[seat]
            for m in members:
                if m == keep_out:
                    continue
                held.remove((position[seat][m], m))
                freed.append(seat)

    def commit(u: Unit, j: int, need: dict[Seat, list[str]]) -> None:
        holding[u.id] = j
        for seat, members in need.items():
            held = holders.setdefault(seat, [])
            for m in members:
                insort(held, (position[seat][m], m))
            while len(held) > cap.get(seat, 0):
                _, out = held.pop()
                loser = unit_of[out]
                withdraw(loser, keep_out=out)
                rejected.setdefault(seat, {})[loser.id] = loser
                free.append(loser)

    def reopen(seat: Seat) -> None:
        """Offer a freed place to the units that failed there, best-ranked first, while it lasts."""
        waiting = rejected.get(seat)
        if not waiting:
            return
        candidates: list[tuple[int, str, Unit]] = []
        for u in waiting.values():
            ranks = [position[seat][m] for m in u.children if m in position.get(seat, {})]
            if ranks:
                candidates.append((min(ranks), u.id, u))
        for _, _, u in sorted(candidates):
            if len(holders.get(seat, [])) >= cap.get(seat, 0):
                break
            upto = holding[u.id]
            own = set(u.children)
            for k in range(len(u.options) if upto is None else upto):
                need = seats_of(u, k)
                if seat in need and all(fits(s, members, own) for s, members in need.items()):
                    del waiting[u.id]
                    withdraw(u)
                    pointer[u.id] = k + 1
                    commit(u, k, need)
                    break

    while free or freed:
        while freed:
            reopen(freed.popleft())
        if not free:
            break
        u = free.popleft()
        if holding[u.id] is not None:
            continue
        while pointer[u.id] < len(u.options):
            proposals += 1
            if proposals > limit:
                return JointOutcome(_assignment(instance, units, holding), False, proposals)
            j = pointer[u.id]
            pointer[u.id] += 1
            need = seats_of(u, j)
            if not all(fits(seat, members) for seat, members in need.items()):
                for seat in need:
                    rejected.setdefault(seat, {})[u.id] = u
                continue
            commit(u, j, need)
            break
        if not free and not freed:
            # Sweep: a unit that would now fit with an option it ranks higher moves there; its old
            # places free up and the loop above settles the consequences before the sweep goes on.
            # Ends after a full pass over all units in which nobody moved.
            while quiet < len(units) and not free and not freed:
                u = units[sweep % len(units)]
                sweep += 1
                quiet += 1
                upto = holding[u.id]
                own = set(u.children)
                for k in range(len(u.options) if upto is None else upto):
                    need = seats_of(u, k)
                    if all(fits(seat, members, own) for seat, members in need.items()):
                        proposals += 1
                        quiet = 0
                        withdraw(u)
                        pointer[u.id] = k + 1
                        commit(u, k, need)
                        break
            if proposals > limit:
                return JointOutcome(_assignment(instance, units, holding), False, proposals)
    return JointOutcome(_assignment(instance, units, holding), True, proposals)


def _assignment(
    instance: Instance, units: list[Unit], holding: Mapping[str, int | None]
) -> dict[str, str | None]:
    out: dict[str, str | None] = dict.fromkeys(instance.children)
    for u in units:
        j = holding[u.id]
        if j is not None:
            for cid, f in zip(u.children, u.options[j], strict=True):
                out[cid] = f
    return out
