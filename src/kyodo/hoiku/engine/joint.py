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
    """Steps 1-5 of the module docstring; the state and each step live in `_JointRound`."""
    cap = seat_capacities(instance) if capacity is None else capacity
    group_cap = group_capacities(instance) if group_capacity is None else group_capacity
    missing = [g for g in group_cap if g not in priority.group_order]
    if missing:
        raise ValueError(f"priority has no order for the shared places {missing[:3]}")
    limit = max_proposals if max_proposals is not None else 5 * sum(len(u.options) for u in units) + 1000
    return _JointRound(instance, priority, units, cap, group_cap, limit).run()


Need = tuple[dict[Seat, list[str]], dict[Group, list[str]]]


class _JointRound:
    """One run of the joint deferred acceptance: the data, who holds which places, and the steps."""

    def __init__(
        self,
        instance: Instance,
        priority: Priority,
        units: list[Unit],
        cap: Mapping[Seat, int],
        group_cap: Mapping[Group, int],
        limit: int,
    ) -> None:
        # --- data ---
        self.instance, self.units, self.cap, self.group_cap, self.limit = (
            instance,
            units,
            cap,
            group_cap,
            limit,
        )
        self.age = {cid: c.age_class for cid, c in instance.children.items()}
        self.position = {
            seat: {cid: i for i, cid in enumerate(order)} for seat, order in priority.order.items()
        }
        self.group_of: dict[Seat, Group] = {(g[0], a): g for g in group_cap for a in g[1]}
        self.group_seats = {g: [(g[0], a) for a in g[1]] for g in group_cap}
        self.group_position = {
            g: {cid: i for i, cid in enumerate(priority.group_order[g])} for g in group_cap
        }
        self.unit_of = {cid: u for u in units for cid in u.children}
        # --- state ---
        self.holders: dict[Seat, list[tuple[int, str]]] = {}
        self.group_holders: dict[Group, list[tuple[int, str]]] = {g: [] for g in group_cap}
        self.holding: dict[str, int | None] = {u.id: None for u in units}
        self.pointer: dict[str, int] = {u.id: 0 for u in units}
        self.rejected: dict[Seat, dict[str, Unit]] = {}
        self.free: deque[Unit] = deque(units)
        self.recheck: deque[Unit] = deque()
        self.queued: set[str] = set()
        self.moves: dict[str, int] = dict.fromkeys(self.holding, 0)
        self.proposals = 0
        self.needs: dict[tuple[str, int], Need] = {}

    def run(self) -> JointOutcome:
        """Free units propose (step 2-3); once nobody is free, units that may move up do (step 4)."""
        while self.free or self.recheck:
            if self.proposals > self.limit:
                return JointOutcome(
                    _assignment(self.instance, self.units, self.holding), False, self.proposals
                )
            if not self.free:
                u = self.recheck.popleft()
                self.queued.discard(u.id)
                self.proposals += 1
                self.move_up(u)
                continue
            u = self.free.popleft()
            if self.holding[u.id] is not None:
                continue
            while self.pointer[u.id] < len(u.options):
                self.proposals += 1
                j = self.pointer[u.id]
                self.pointer[u.id] += 1
                need = self.seats_of(u, j)
                if not self.fits_option(need):
                    for seat in need[0]:
                        self.rejected.setdefault(seat, {})[u.id] = u
                    continue
                self.commit(u, j, need)
                break
        return JointOutcome(_assignment(self.instance, self.units, self.holding), True, self.proposals)

    def seats_of(self, u: Unit, j: int) -> Need:
        """The places option j of u needs, by seat and by shared group (computed once per option)."""
        need = self.needs.get((u.id, j))
        if need is None:
            by_seat: dict[Seat, list[str]] = {}
            by_group: dict[Group, list[str]] = {}
            for cid, f in zip(u.children, u.options[j], strict=True):
                if f is not None:
                    seat = (f, self.age[cid])
                    by_seat.setdefault(seat, []).append(cid)
                    if seat in self.group_of:
                        by_group.setdefault(self.group_of[seat], []).append(cid)
            need = self.needs[(u.id, j)] = (by_seat, by_group)
        return need

    @staticmethod
    def within(held: list[tuple[int, str]], places: int, ranks: list[int]) -> bool:
        """Every rank (sorted) is within `places` among `held` and the ranks before it."""
        return all(bisect_left(held, (r, "")) + k < places for k, r in enumerate(ranks))

    def fits(self, seat: Seat, members: list[str], own: set[str] | None = None) -> bool:
        """Every member ranks within the capacity among the holders (not counting `own` children)."""
        order = self.position.get(seat)
        if order is None:
            return False
        places = self.cap.get(seat, 0)
        held = self.holders.get(seat, [])
        if not own and len(members) == 1:  # the common case, without a generator
            rank = order.get(members[0])
            return rank is not None and bisect_left(held, (rank, "")) < places
        if any(m not in order for m in members):
            return False
        if own:
            held = [h for h in held if h[1] not in own]
        return self.within(held, places, sorted(order[m] for m in members))

    def fits_group(
        self, group: Group, members: list[str], by_seat: dict[Seat, list[str]], own: set[str] | None = None
    ) -> bool:
        """The same for a group of age classes sharing places, in the group's order. Holders that
        the members displace at their own age classes give up their shared places too."""
        order = self.group_position[group]
        if any(m not in order for m in members):
            return False
        held = self.group_holders[group]
        if own:
            held = [h for h in held if h[1] not in own]
        if len(members) > 1:  # a single member displaces only children ranked below it
            out: set[str] = set()
            for seat, at_seat in by_seat.items():
                if self.group_of.get(seat) == group:
                    kept = [h for h in self.holders.get(seat, []) if not own or h[1] not in own]
                    out.update(cid for _, cid in kept[max(0, self.cap.get(seat, 0) - len(at_seat)) :])
            if out:
                held = [h for h in held if h[1] not in out]
        return self.within(held, self.group_cap[group], sorted(order[m] for m in members))

    def fits_option(self, need: Need, own: set[str] | None = None) -> bool:
        by_seat, by_group = need
        for seat, members in by_seat.items():
            if not self.fits(seat, members, own):
                return False
        # Loops, not all(<generator>): this runs for every proposal.
        for group, members in by_group.items():  # noqa: SIM110
            if not self.fits_group(group, members, by_seat, own):
                return False
        return True

    def freed(self, seat: Seat) -> None:
        """A place was given up: every unit that failed here earlier may now move up."""
        for u in self.rejected.get(seat, {}).values():
            if u.id not in self.queued:
                self.queued.add(u.id)
                self.recheck.append(u)

    def release(self, seat: Seat) -> None:
        """A place at the seat was given up, and so one of its group's shared places: units that
        failed at any seat of the group may now fit."""
        self.freed(seat)
        group = self.group_of.get(seat)
        if group is not None:
            for other in self.group_seats[group]:
                if other != seat:
                    self.freed(other)

    def withdraw(self, u: Unit, keep_out: str | None = None) -> None:
        j = self.holding[u.id]
        if j is None:
            return
        self.holding[u.id] = None
        for seat, members in self.seats_of(u, j)[0].items():
            held = self.holders[seat]
            group = self.group_of.get(seat)
            for m in members:
                if m == keep_out:
                    continue
                held.remove((self.position[seat][m], m))
                if group is not None:
                    self.group_holders[group].remove((self.group_position[group][m], m))
                self.release(seat)

    def evict(self, out: str, seat: Seat) -> None:
        loser = self.unit_of[out]
        self.withdraw(loser, keep_out=out)
        self.rejected.setdefault(seat, {})[loser.id] = loser
        self.free.append(loser)

    def commit(self, u: Unit, j: int, need: Need) -> None:
        """Take the places; then reject the worst holders while a seat, and after that while a
        group, is over its capacity (members fit, so they are never among the rejected)."""
        self.holding[u.id] = j
        by_seat, by_group = need
        for seat, members in by_seat.items():
            held = self.holders.setdefault(seat, [])
            for m in members:
                insort(held, (self.position[seat][m], m))
            group = self.group_of.get(seat)
            if group is not None:
                for m in members:
                    insort(self.group_holders[group], (self.group_position[group][m], m))
        for seat in by_seat:
            held = self.holders[seat]
            group = self.group_of.get(seat)
            while len(held) > self.cap.get(seat, 0):
                _, out = held.pop()
                if group is not None:
                    self.group_holders[group].remove((self.group_position[group][out], out))
                self.evict(out, seat)
        for group in by_group:
            shared = self.group_holders[group]
            while len(shared) > self.group_cap[group]:
                _, out = shared.pop()
                seat = (group[0], self.age[out])
                self.holders[seat].remove((self.position[seat][out], out))
                self.evict(out, seat)
                self.release(seat)  # the evicted child's own age class now has a place free

    def move_up(self, u: Unit) -> None:
        if self.moves[u.id] >= MAX_MOVES_UP:
            return  # cycling: leave the rest to the independent check and the exact solver
        upto = self.holding[u.id]
        own = set(u.children)
        for k in range(len(u.options) if upto is None else upto):
            need = self.seats_of(u, k)
            if self.fits_option(need, own):
                self.moves[u.id] += 1
                self.withdraw(u)
                self.pointer[u.id] = k + 1
                self.commit(u, k, need)
                return


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
