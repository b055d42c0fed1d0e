"""Sibling-aware deferred acceptance: a family applies for a whole combination at once.

Steps:
1. Every applicant is a unit: a single child (its options are its choices, one at a time) or a
   family (its options are its ranked combinations, see `kyodo.hoiku.engine.family`).
2. A free unit proposes its next option. Each seat it needs accepts only if every member of the
   unit ranks within the seat's capacity among those holding it; where age classes share places
   at a facility (Facility.shared_capacity), every member must also rank within the group's
   limit among the group's holders, in the group's one order across ages (not counting holders
   that the unit's members displace at their own age classes). Then all members are
   accepted together, and the lowest-ranked holders are rejected: at each seat while it is over
   its capacity, then in each group while it is over its limit (the orders agree, so displacing a
   lower-ranked child frees a place at both levels).
3. A rejected single child proposes its next choice. A family that loses one member's seat
   withdraws all its members (both together, or neither) and proposes its next combination.
4. A withdrawal gives up places. Every unit that failed earlier at such a seat, or at any seat
   of the seat's shared group (a shared place is free again), is looked at again once nobody is free: if an option it ranks above what it holds now fits, it moves
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

from kyodo.hoiku.engine.deferred_acceptance import group_capacities, preference_lists, seat_capacities
from kyodo.hoiku.engine.family import Combination, Family
from kyodo.hoiku.model.instance import Instance
from kyodo.hoiku.model.result import Group, Priority, Seat

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
    group_capacity: Mapping[Group, int] | None = None,
    max_proposals: int | None = None,
) -> JointOutcome:
    cap = seat_capacities(instance) if capacity is None else capacity
    group_cap = group_capacities(instance) if group_capacity is None else group_capacity
    missing = [g for g in group_cap if g not in priority.group_order]
    if missing:
        raise ValueError(f"priority has no order for the shared places {missing[:3]}")
    age = {cid: c.age_class for cid, c in instance.children.items()}
    position = {seat: {cid: i for i, cid in enumerate(order)} for seat, order in priority.order.items()}
    group_of: dict[Seat, Group] = {(g[0], a): g for g in group_cap for a in g[1]}
    group_seats = {g: [(g[0], a) for a in g[1]] for g in group_cap}
    group_position = {g: {cid: i for i, cid in enumerate(priority.group_order[g])} for g in group_cap}
    unit_of = {cid: u for u in units for cid in u.children}
    limit = max_proposals if max_proposals is not None else 5 * sum(len(u.options) for u in units) + 1000

    holders: dict[Seat, list[tuple[int, str]]] = {}
    group_holders: dict[Group, list[tuple[int, str]]] = {g: [] for g in group_cap}
    holding: dict[str, int | None] = {u.id: None for u in units}
    pointer: dict[str, int] = {u.id: 0 for u in units}
    rejected: dict[Seat, dict[str, Unit]] = {}
    free: deque[Unit] = deque(units)
    recheck: deque[Unit] = deque()
    queued: set[str] = set()
    moves: dict[str, int] = dict.fromkeys(holding, 0)
    proposals = 0

    Need = tuple[dict[Seat, list[str]], dict[Group, list[str]]]
    needs: dict[tuple[str, int], Need] = {}

    def seats_of(u: Unit, j: int) -> Need:
        """The places option j of u needs, by seat and by shared group (computed once per option)."""
        need = needs.get((u.id, j))
        if need is None:
            by_seat: dict[Seat, list[str]] = {}
            by_group: dict[Group, list[str]] = {}
            for cid, f in zip(u.children, u.options[j], strict=True):
                if f is not None:
                    seat = (f, age[cid])
                    by_seat.setdefault(seat, []).append(cid)
                    if seat in group_of:
                        by_group.setdefault(group_of[seat], []).append(cid)
            need = needs[(u.id, j)] = (by_seat, by_group)
        return need

    def within(held: list[tuple[int, str]], places: int, ranks: list[int]) -> bool:
        """Every rank (sorted) is within `places` among `held` and the ranks before it."""
        return all(bisect_left(held, (r, "")) + k < places for k, r in enumerate(ranks))

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
        return within(held, places, sorted(order[m] for m in members))

    def fits_group(
        group: Group, members: list[str], by_seat: dict[Seat, list[str]], own: set[str] | None = None
    ) -> bool:
        """The same for a group of age classes sharing places, in the group's order. Holders that
        the members displace at their own age classes give up their shared places too."""
        order = group_position[group]
        if any(m not in order for m in members):
            return False
        held = group_holders[group]
        if own:
            held = [h for h in held if h[1] not in own]
        if len(members) > 1:  # a single member displaces only children ranked below it
            out: set[str] = set()
            for seat, at_seat in by_seat.items():
                if group_of.get(seat) == group:
                    kept = [h for h in holders.get(seat, []) if not own or h[1] not in own]
                    out.update(cid for _, cid in kept[max(0, cap.get(seat, 0) - len(at_seat)) :])
            if out:
                held = [h for h in held if h[1] not in out]
        return within(held, group_cap[group], sorted(order[m] for m in members))

    def fits_option(need: Need, own: set[str] | None = None) -> bool:
        by_seat, by_group = need
        return all(fits(seat, members, own) for seat, members in by_seat.items()) and all(
            fits_group(group, members, by_seat, own) for group, members in by_group.items()
        )

    def freed(seat: Seat) -> None:
        """A place was given up: every unit that failed here earlier may now move up."""
        for u in rejected.get(seat, {}).values():
            if u.id not in queued:
                queued.add(u.id)
                recheck.append(u)

    def release(seat: Seat) -> None:
        """A place at the seat was given up, and so one of its group's shared places: units that
        failed at any seat of the group may now fit."""
        freed(seat)
        group = group_of.get(seat)
        if group is not None:
            for other in group_seats[group]:
                if other != seat:
                    freed(other)

    def withdraw(u: Unit, keep_out: str | None = None) -> None:
        j = holding[u.id]
        if j is None:
            return
        holding[u.id] = None
        for seat, members in seats_of(u, j)[0].items():
            held = holders[seat]
            group = group_of.get(seat)
            for m in members:
                if m == keep_out:
                    continue
                held.remove((position[seat][m], m))
                if group is not None:
                    group_holders[group].remove((group_position[group][m], m))
                release(seat)

    def evict(out: str, seat: Seat) -> None:
        loser = unit_of[out]
        withdraw(loser, keep_out=out)
        rejected.setdefault(seat, {})[loser.id] = loser
        free.append(loser)

    def commit(u: Unit, j: int, need: Need) -> None:
        """Take the places; then reject the worst holders while a seat, and after that while a
        group, is over its capacity (members fit, so they are never among the rejected)."""
        holding[u.id] = j
        by_seat, by_group = need
        for seat, members in by_seat.items():
            held = holders.setdefault(seat, [])
            for m in members:
                insort(held, (position[seat][m], m))
            group = group_of.get(seat)
            if group is not None:
                for m in members:
                    insort(group_holders[group], (group_position[group][m], m))
        for seat in by_seat:
            held = holders[seat]
            group = group_of.get(seat)
            while len(held) > cap.get(seat, 0):
                _, out = held.pop()
                if group is not None:
                    group_holders[group].remove((group_position[group][out], out))
                evict(out, seat)
        for group in by_group:
            shared = group_holders[group]
            while len(shared) > group_cap[group]:
                _, out = shared.pop()
                seat = (group[0], age[out])
                holders[seat].remove((position[seat][out], out))
                evict(out, seat)
                release(seat)  # the evicted child's own age class now has a place free

    def move_up(u: Unit) -> None:
        if moves[u.id] >= MAX_MOVES_UP:
            return  # cycling: leave the rest to the independent check and the exact solver
        upto = holding[u.id]
        own = set(u.children)
        for k in range(len(u.options) if upto is None else upto):
            need = seats_of(u, k)
            if fits_option(need, own):
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
            if not fits_option(need):
                for seat in need[0]:
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
