"""Independent check of an allocation. Shares no code with the allocator on purpose.

It recomputes capacities from the instance and reports, as Violations:
- capacity: more children placed at a facility and age class than it has places, or in age
  classes that share places (Facility.shared_capacity) than the group has;
- outside_choices: a child placed somewhere it did not ask for (and that is not its own seat);
- transfer_worse: a transfer applicant left without a seat, though its own seat is guaranteed;
- wasted_seat: a child prefers a facility that still has a free place in its age class (and in
  its shared group, where there is one);
- justified_envy: a child prefers a facility where it fits by displacing children of lower
  priority: fewer than the seat's places are taken by children ranked above it, and, in a shared
  group, fewer than the group's places by children ranked above it in the group's order.
The last two are the blocking pairs: an allocation with none of them is stable.
A child placed by a staff decision (施設を指定) holds its place outside the allocation: it is not checked for
blocking or for asking elsewhere, and no other child can displace it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kyodo.hoiku.model.instance import Child, Instance
from kyodo.hoiku.model.result import BLOCKING_KINDS, CheckKind, Priority, Violation

__all__ = ["BLOCKING_KINDS", "blocking_pairs", "check_allocation", "places_per_group", "places_per_seat", "positions"]

GroupKey = tuple[str, tuple[int, ...]]
Seat = tuple[str, int]


@dataclass(frozen=True, slots=True)
class _Placed:
    """Who holds which places, and the places and priority positions the checks compare them with."""

    places: Counter[Seat]
    taken: dict[Seat, list[str]]  # seat → children placed there
    group_places: Counter[GroupKey]
    group_of: dict[Seat, GroupKey]
    in_group: dict[GroupKey, list[str]]  # group → children placed at any of its seats
    place_of: dict[Seat, dict[str, int]]  # seat → child → 0-based position in its priority
    group_place_of: dict[GroupKey, dict[str, int]]


def check_allocation(
    instance: Instance,
    priority: Priority,
    assignment: Mapping[str, str | None],
    *,
    joint: frozenset[str] = frozenset(),
    held: frozenset[str] = frozenset(),
) -> list[Violation]:
    """All violations; children in `joint` (members of sibling families) are left to the family
    check for blocking, since a family member alone cannot block. Children in `held` were placed by staff:
    they ask for nothing more and rank ahead of everyone at their seats.

    Steps: who holds which places; capacity per seat and per shared group; per child, a place outside
    its choices or a lost transfer seat, then a blocking pair at each choice it ranks above what it got."""
    placed = _placed(instance, priority, assignment, held)
    found = _capacity_violations(placed)
    for cid, child in instance.children.items():
        if cid in held:
            continue  # where staff put it: neither a defect nor a child that could block
        got = assignment.get(cid)
        found += _placement_violations(cid, child, got)
        if cid in joint:
            continue
        wanted = list(child.choices)
        better = wanted if got is None or got not in wanted else wanted[: wanted.index(got)]
        for facility_id in better:
            violation = _blocking_at(instance, placed, cid, child, facility_id)
            if violation is not None:
                found.append(violation)
    return found


def _placed(
    instance: Instance, priority: Priority, assignment: Mapping[str, str | None], held: frozenset[str]
) -> _Placed:
    """Who holds what; a child held by staff is left out of the priority orders, so that it ranks ahead."""
    taken: dict[Seat, list[str]] = {}
    for cid, facility_id in assignment.items():
        if facility_id is not None:
            taken.setdefault((facility_id, instance.children[cid].age_class), []).append(cid)
    group_places = places_per_group(instance)
    group_of = {(g[0], a): g for g in group_places for a in g[1]}
    in_group: dict[GroupKey, list[str]] = {}
    for seat, children in taken.items():
        if seat in group_of:
            in_group.setdefault(group_of[seat], []).extend(children)
    return _Placed(
        places=places_per_seat(instance),
        taken=taken,
        group_places=group_places,
        group_of=group_of,
        in_group=in_group,
        place_of={seat: positions(order, held) for seat, order in priority.order.items()},
        group_place_of={g: positions(order, held) for g, order in priority.group_order.items()},
    )


def positions(order: Sequence[str], held: frozenset[str]) -> dict[str, int]:
    """Each child's 0-based place in a priority order, leaving out the children held by staff."""
    return {cid: i for i, cid in enumerate(order) if cid not in held}


def _capacity_violations(placed: _Placed) -> list[Violation]:
    found: list[Violation] = []
    for (facility_id, age), children in sorted(placed.taken.items()):
        limit = placed.places[(facility_id, age)]
        if len(children) > limit:
            found.append(
                Violation(
                    CheckKind.CAPACITY,
                    f"{CheckKind.CAPACITY.label}: {facility_id} {age}歳 定員{limit}人に{len(children)}人",
                    facility_id=facility_id,
                    age_class=age,
                )
            )
    for (facility_id, ages), children in sorted(placed.in_group.items()):
        limit = placed.group_places[(facility_id, ages)]
        if len(children) > limit:
            label = "・".join(str(a) for a in ages)
            found.append(
                Violation(
                    CheckKind.CAPACITY,
                    f"{CheckKind.CAPACITY.label}: {facility_id} {label}歳の共有枠 {limit}人に{len(children)}人",
                    facility_id=facility_id,
                )
            )
    return found


def _placement_violations(cid: str, child: Child, got: str | None) -> list[Violation]:
    """Placed where it did not ask (and not at its own seat); a transfer applicant left without a seat."""
    found: list[Violation] = []
    own = child.current_facility
    if got is not None and got not in child.choices and got != own:
        found.append(
            Violation(
                CheckKind.OUTSIDE_CHOICES, f"児童{cid}が希望していない{got}に割り当てられています", cid, got
            )
        )
    if own is not None and got is None:
        found.append(
            Violation(
                CheckKind.TRANSFER_WORSE, f"転園申込の児童{cid}が在園施設{own}の席を失っています", cid, own
            )
        )
    return found


def _blocking_at(
    instance: Instance, placed: _Placed, cid: str, child: Child, facility_id: str
) -> Violation | None:
    """A wasted seat or justified envy at a choice the child ranks above what it got, or None."""
    seat = (facility_id, child.age_class)
    holders = placed.taken.get(seat, [])
    group = placed.group_of.get(seat)
    sharing = placed.in_group.get(group, []) if group is not None else []
    room_here = len(holders) < placed.places[seat]
    if room_here and (group is None or len(sharing) < placed.group_places[group]):
        return Violation(
            CheckKind.WASTED_SEAT,
            f"児童{cid}は{facility_id}({child.age_class}歳)を希望し空きがあるのに入れていません",
            cid,
            facility_id,
            child.age_class,
        )
    order = placed.place_of.get(seat, {})
    mine = order.get(cid)
    if mine is None:
        return None
    # A holder missing from the order counts as ranked above (it cannot be displaced).
    lower = [other for other in holders if order.get(other, -1) > mine]
    if len(holders) - len(lower) >= placed.places[seat]:
        return None
    if group is not None:
        group_order = placed.group_place_of.get(group, {})
        group_mine = group_order.get(cid)
        if group_mine is None:
            return None
        lower_in_group = [o for o in sharing if group_order.get(o, -1) > group_mine]
        if len(sharing) - len(lower_in_group) >= placed.group_places[group]:
            return None
        if room_here:  # only the shared limit is full: the child displaces one of the group
            lower = lower_in_group
            order = group_order
    worst = max(lower, key=lambda other: order[other])
    return Violation(
        CheckKind.JUSTIFIED_ENVY,
        f"児童{cid}より優先順位の低い児童{worst}が{facility_id}({child.age_class}歳)に内定しています"
        if not (group is not None and room_here)
        else f"児童{cid}より優先順位の低い児童{worst}が{facility_id}の共有枠"
        f"({instance.children[worst].age_class}歳)に内定しています",
        cid,
        facility_id,
        child.age_class,
        worst,
    )


def places_per_seat(instance: Instance) -> Counter[Seat]:
    """Places at each facility and age class: vacancies plus the seats transfer applicants hold."""
    places: Counter[Seat] = Counter()
    for facility in instance.facilities.values():
        for age, vacancies in facility.vacancies.items():
            places[(facility.id, age)] += vacancies
    for child in instance.children.values():
        if child.current_facility is not None:
            places[(child.current_facility, child.age_class)] += 1
    return places


def places_per_group(instance: Instance) -> Counter[GroupKey]:
    """Shared places per group of age classes at a facility, plus the seats transfer applicants in
    those age classes hold (a transfer child's own seat counts in its group like any holder)."""
    places: Counter[GroupKey] = Counter()
    for facility in instance.facilities.values():
        for ages, shared in facility.shared_capacity.items():
            places[(facility.id, tuple(ages))] += shared
    for child in instance.children.values():
        if child.current_facility is not None:
            for ages in instance.facilities[child.current_facility].shared_capacity:
                if child.age_class in ages:
                    places[(child.current_facility, tuple(ages))] += 1
    return places


def blocking_pairs(violations: list[Violation]) -> list[Violation]:
    """The violations that make an allocation unstable (for single children and for families)."""
    return [v for v in violations if v.kind.blocking]
