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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from kyodo.hoiku.model.instance import Instance
from kyodo.hoiku.model.result import BLOCKING_KINDS, CheckKind, Priority, Violation

__all__ = ["BLOCKING_KINDS", "blocking_pairs", "check_allocation", "places_per_group", "places_per_seat"]

GroupKey = tuple[str, tuple[int, ...]]


def check_allocation(
    instance: Instance,
    priority: Priority,
    assignment: Mapping[str, str | None],
    *,
    joint: frozenset[str] = frozenset(),
) -> list[Violation]:
    """All violations; children in `joint` (members of sibling families) are left to the family
    check for blocking, since a family member alone cannot block."""
    found: list[Violation] = []
    places = places_per_seat(instance)

    taken: dict[tuple[str, int], list[str]] = {}
    for cid, facility_id in assignment.items():
        if facility_id is not None:
            taken.setdefault((facility_id, instance.children[cid].age_class), []).append(cid)

    for (facility_id, age), children in sorted(taken.items()):
        if len(children) > places[(facility_id, age)]:
            found.append(
                Violation(
                    CheckKind.CAPACITY,
                    f"{CheckKind.CAPACITY.label}: {facility_id} {age}歳 定員{places[(facility_id, age)]}人に{len(children)}人",
                    facility_id=facility_id,
                    age_class=age,
                )
            )

    group_places = places_per_group(instance)
    group_of = {(g[0], a): g for g in group_places for a in g[1]}
    in_group: dict[GroupKey, list[str]] = {}
    for seat, children in taken.items():
        if seat in group_of:
            in_group.setdefault(group_of[seat], []).extend(children)
    for (facility_id, ages), children in sorted(in_group.items()):
        limit = group_places[(facility_id, ages)]
        if len(children) > limit:
            label = "・".join(str(a) for a in ages)
            found.append(
                Violation(
                    CheckKind.CAPACITY,
                    f"{CheckKind.CAPACITY.label}: {facility_id} {label}歳の共有枠 {limit}人に{len(children)}人",
                    facility_id=facility_id,
                )
            )

    place_of: dict[tuple[str, int], dict[str, int]] = {
        seat: {cid: i for i, cid in enumerate(order)} for seat, order in priority.order.items()
    }
    group_place_of = {g: {cid: i for i, cid in enumerate(order)} for g, order in priority.group_order.items()}
    for cid, child in instance.children.items():
        got = assignment.get(cid)
        wanted = list(child.choices)
        own = child.current_facility
        if got is not None and got not in wanted and got != own:
            found.append(
                Violation(
                    CheckKind.OUTSIDE_CHOICES,
                    f"児童{cid}が希望していない{got}に割り当てられています",
                    cid,
                    got,
                )
            )
        if own is not None and got is None:
            found.append(
                Violation(
                    CheckKind.TRANSFER_WORSE,
                    f"転園申込の児童{cid}が在園施設{own}の席を失っています",
                    cid,
                    own,
                )
            )
        if cid in joint:
            continue
        better = wanted if got is None or got not in wanted else wanted[: wanted.index(got)]
        for facility_id in better:
            seat = (facility_id, child.age_class)
            holders = taken.get(seat, [])
            group = group_of.get(seat)
            sharing = in_group.get(group, []) if group is not None else []
            room_here = len(holders) < places[seat]
            if room_here and (group is None or len(sharing) < group_places[group]):
                found.append(
                    Violation(
                        CheckKind.WASTED_SEAT,
                        f"児童{cid}は{facility_id}({child.age_class}歳)を希望し空きがあるのに入れていません",
                        cid,
                        facility_id,
                        child.age_class,
                    )
                )
                continue
            order = place_of.get(seat, {})
            mine = order.get(cid)
            if mine is None:
                continue
            # A holder missing from the order counts as ranked above (it cannot be displaced).
            lower = [other for other in holders if order.get(other, -1) > mine]
            if len(holders) - len(lower) >= places[seat]:
                continue
            if group is not None:
                group_order = group_place_of.get(group, {})
                group_mine = group_order.get(cid)
                if group_mine is None:
                    continue
                lower_in_group = [o for o in sharing if group_order.get(o, -1) > group_mine]
                if len(sharing) - len(lower_in_group) >= group_places[group]:
                    continue
                if room_here:  # only the shared limit is full: the child displaces one of the group
                    lower = lower_in_group
                    order = group_order
            worst = max(lower, key=lambda other: order[other])
            found.append(
                Violation(
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
            )
    return found


def places_per_seat(instance: Instance) -> Counter[tuple[str, int]]:
    """Places at each facility and age class: vacancies plus the seats transfer applicants hold."""
    places: Counter[tuple[str, int]] = Counter()
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


