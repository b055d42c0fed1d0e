"""A second, deliberately simple referee for hoiku allocations, written only for the tests.

It imports nothing from the engine's checks (`kyodo.hoiku.checks`) or allocator: only the plain model and the
priority orders, which are inputs here. Where the engine's checkers count who ranks above whom, this one acts the
move out: put the unit (a single child, or a sibling family) at the combination it would rather have, then let
every seat, and after it every shared group, keep its best children up to its places. The unit blocks when all of
its newly placed members are kept. Slow and obvious on purpose.

Model (the one `kyodo.hoiku.checks` documents):
- places at a seat = vacancies + one for each transfer applicant whose current seat it is; a shared group
  (Facility.shared_capacity) has its places plus one for each transfer applicant whose seat lies in it;
- a child back at (or staying at) its own current seat is guaranteed: it ranks above everyone there;
- a child ranks by the seat's order, in a group by the group's order; one missing from an order (placed where it
  did not apply) cannot be displaced;
- a single child would rather have any choice before the one it got (all of them if it got none, or something
  it did not choose); a family any combination it ranks before the one it got (all, if it got none of them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kyodo.hoiku.model.instance import Instance
from kyodo.hoiku.model.result import Priority

Assignment = Mapping[str, str | None]
Combination = tuple[str | None, ...]


@dataclass(frozen=True)
class Unit:
    """Who moves together (one child, or a family oldest first) and what it accepts, best first."""

    key: str  # the child id of a single child, the household id of a family
    children: tuple[str, ...]
    combinations: tuple[Combination, ...]


def units(
    inst: Instance, family_combinations: Mapping[str, tuple[tuple[str, ...], tuple[Combination, ...]]]
) -> list[Unit]:
    """Families as given (household → (children, combinations)); every other child on its own, accepting its
    choices and then its own current seat."""
    in_family = {c for children, _ in family_combinations.values() for c in children}
    found = [Unit(h, children, combos) for h, (children, combos) in sorted(family_combinations.items())]
    for cid, child in sorted(inst.children.items()):
        if cid not in in_family:
            own = (child.current_facility,) if child.current_facility is not None else ()
            found.append(Unit(cid, (cid,), tuple((f,) for f in (*child.choices, *own))))
    return found


def seat_places(inst: Instance) -> Counter[tuple[str, int]]:
    places: Counter[tuple[str, int]] = Counter()
    for f in inst.facilities.values():
        for age, n in f.vacancies.items():
            places[(f.id, age)] += n
    for c in inst.children.values():
        if c.current_facility is not None:
            places[(c.current_facility, c.age_class)] += 1
    return places


def group_places(inst: Instance) -> dict[tuple[str, tuple[int, ...]], int]:
    places = {}
    for f in inst.facilities.values():
        for ages, n in f.shared_capacity.items():
            own = sum(1 for c in inst.children.values() if c.current_facility == f.id and c.age_class in ages)
            places[(f.id, tuple(ages))] = n + own
    return places


def over_capacity(inst: Instance, assignment: Assignment) -> bool:
    """More children at some seat, or in some shared group, than it has places."""
    at = Counter((f, inst.children[c].age_class) for c, f in assignment.items() if f is not None)
    if any(n > seat_places(inst)[seat] for seat, n in at.items()):
        return True
    return any(sum(at[(fid, a)] for a in ages) > n for (fid, ages), n in group_places(inst).items())


def lost_own_seat(inst: Instance, assignment: Assignment) -> list[str]:
    """Transfer applicants left with nothing, though their own seat is guaranteed."""
    return [
        c
        for c, child in sorted(inst.children.items())
        if child.current_facility and assignment.get(c) is None
    ]


def blocking_units(
    inst: Instance, priority: Priority, assignment: Assignment, all_units: Sequence[Unit]
) -> set[str]:
    """Keys of the units that would rather have a combination at which all of their new members are kept."""
    return {
        u.key
        for u in all_units
        if any(_kept(inst, priority, assignment, u, combo) for combo in _better(assignment, u))
    }


def stable(inst: Instance, priority: Priority, assignment: Assignment, all_units: Sequence[Unit]) -> bool:
    return not blocking_units(inst, priority, assignment, all_units)


def _better(assignment: Assignment, unit: Unit) -> tuple[Combination, ...]:
    got = tuple(assignment.get(c) for c in unit.children)
    if got in unit.combinations:
        return unit.combinations[: unit.combinations.index(got)]
    return unit.combinations


def _kept(inst: Instance, priority: Priority, assignment: Assignment, unit: Unit, combo: Combination) -> bool:
    moved = dict(zip(unit.children, combo, strict=True))
    where = {c: moved.get(c, f) if c in moved else f for c, f in assignment.items()}
    new = {c for c, f in moved.items() if f is not None and f != inst.children[c].current_facility}

    def rank(order: Sequence[str], c: str) -> int:
        if where[c] == inst.children[c].current_facility:
            return -2  # its own seat: guaranteed
        return order.index(c) if c in order else -1  # missing from the order: cannot be displaced

    places = seat_places(inst)
    leaving: set[str] = set()
    for seat in {(f, inst.children[c].age_class) for c, f in where.items() if f is not None}:
        here = [c for c, f in where.items() if f is not None and (f, inst.children[c].age_class) == seat]
        order = priority.order.get(seat, ())
        here.sort(key=lambda c: rank(order, c))
        leaving.update(here[places[seat] :])
    if leaving & new:
        return False
    for (fid, ages), n in group_places(inst).items():
        here = [
            c
            for c, f in where.items()
            if f == fid and inst.children[c].age_class in ages and c not in leaving
        ]
        order = priority.group_order.get((fid, ages), ())
        here.sort(key=lambda c: rank(order, c))
        if set(here[n:]) & new:
            return False
    return True
