"""Sibling-aware deferred acceptance: a family applies for a whole combination at once.

Steps:
1. Every applicant is a unit: a single child (its options are its choices, one at a time) or a
   family (its options are its ranked combinations, see `kyodo.hoiku.family`).
2. A free unit proposes its next option. Each seat it needs accepts only if every member of the
   unit ranks within the seat's capacity among those holding it; then all members are accepted
   together and the lowest-ranked holders beyond capacity are rejected.
3. A rejected single child proposes its next choice. A family that loses one member's seat
   withdraws all its members (both together, or neither) and proposes its next combination.
4. A withdrawal gives up places. Every unit that failed earlier at such a seat is looked at
   again once nobody is free: if an option it ranks above what it holds now fits, it moves
   there, giving up its old places in turn. (Places are only ever given up this way, so a unit
   that is never looked at again cannot have a better option that fits.)
5. Stop when nobody is free and nobody is left to look at, or after a bounded number of proposals (with siblings a stable
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

# With siblings the moves can cycle (a stable allocation may not exist). A unit moves up at most
# this many times; what is left unstable then goes to the exact solver.
MAX_MOVES_UP = 4


@dataclass(frozen=True, slots=True)
class Unit:
    id: str
    children: tuple[str, ...]
    options: tuple[Combination, ...]
    must_place: bool  # holds a transfer child, whose current seat is guaranteed


@dataclass(frozen=True, slots=True)
class JointOutcome:
    assignment: dict[str, str | None]
    converged: bool  # False when the proposal limit stopped it
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
    limit = max_proposals if max_proposals is not None else 5 * sum(len(u.options) for u in units) + 1000

    holders: dict[Seat, list[tuple[int, str]]] = {}
    holding: dict[str, int | None] = {u.id: None for u in units}
    pointer: dict[str, int] = {u.id: 0 for u in units}
    rejected: dict[Seat, dict[str, Unit]] = {}
    free: deque[Unit] = deque(units)
    recheck: deque[Unit] = deque()
    queued: set[str] = set()
    moves: dict[str, int] = dict.fromkeys(holding, 0)
    proposals = 0

    needs: dict[tuple[str, int], dict[Seat, list[str]]] = {}

    def seats_of(u: Unit, j: int) -> dict[Seat, list[str]]:
        """The places option j of u needs, by seat (computed once per option)."""
        need = needs.get((u.id, j))
        if need is None:
            need = {}
            for cid, f in zip(u.children, u.options[j], strict=True):
                if f is not None:
                    need.setdefault((f, age[cid]), []).append(cid)
            needs[(u.id, j)] = need
        return need

    def fits(seat: Seat, members: list[str], own: set[str] | None = None) -> bool:
        """Every member ranks within the capacity among the holders (not counting `own` children)."""
        order = position.get(seat)
        places = cap.get(seat, 0)
        if order is None or any(m not in order for m in members):
            return False
        held = holders.get(seat, [])
        if not own and len(members) == 1:
            return bisect_left(held, (order[members[0]], "")) < places
        if own:
            held = [h for h in held if h[1] not in own]
        ranks = sorted(order[m] for m in members)
        return all(bisect_left(held, (r, "")) + k < places for k, r in enumerate(ranks))

    def freed(seat: Seat) -> None:
        """A place was given up: every unit that failed here earlier may now move up."""
        for u in rejected.get(seat, {}).values():
            if u.id not in queued:
                queued.add(u.id)
                recheck.append(u)

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
                freed(seat)

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

    def move_up(u: Unit) -> None:
        if moves[u.id] >= MAX_MOVES_UP:
            return  # cycling: leave the rest to the independent check and the exact solver
        upto = holding[u.id]
        own = set(u.children)
        for k in range(len(u.options) if upto is None else upto):
            need = seats_of(u, k)
            if all(fits(seat, members, own) for seat, members in need.items()):
                moves[u.id] += 1
                withdraw(u)
                pointer[u.id] = k + 1
                commit(u, k, need)
                return

    while free or recheck:
        if proposals > limit:
            return JointOutcome(_assignment(instance, units, holding), False, proposals)
        if not free:
            u = recheck.popleft()
            queued.discard(u.id)
            proposals += 1
            move_up(u)
            continue
        u = free.popleft()
        if holding[u.id] is not None:
            continue
        while pointer[u.id] < len(u.options):
            proposals += 1
            j = pointer[u.id]
            pointer[u.id] += 1
            need = seats_of(u, j)
            if not all(fits(seat, members) for seat, members in need.items()):
                for seat in need:
                    rejected.setdefault(seat, {})[u.id] = u
                continue
            commit(u, j, need)
            break
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
