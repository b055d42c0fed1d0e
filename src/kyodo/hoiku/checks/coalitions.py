"""Independent check for sibling families: blocking coalitions (Sun et al.'s definition).

A family blocks with a combination it ranks above what it got when every member of that
combination fits at its facility and age class: by a free place, or by displacing a child of
lower priority there. The family's own current places count as free (it would leave them), and
a member staying at its current facility always fits (its seat is guaranteed).
Where age classes share places at a facility (Facility.shared_capacity), each new member must
also fit in the group: fewer than the group's places are taken by others ranked above it in the
group's order, counting the family's own members of the combination that rank above it there
(a member staying at its own seat in the group ranks first and holds one of its places) and not
counting others the members displace at their own age classes (they leave the group too).
A child placed by a staff decision (`held`) cannot be displaced: it ranks ahead of every member.
Shares no code with the allocator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from kyodo.hoiku.checks.check import places_per_group, places_per_seat, positions
from kyodo.hoiku.engine.family import Family
from kyodo.hoiku.model.instance import Instance
from kyodo.hoiku.model.result import CheckKind, Priority, Violation

Seat = tuple[str, int]
GroupKey = tuple[str, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class _Shared:
    """Places shared across age classes: limits, orders and who holds them."""

    places: Mapping[GroupKey, int]
    group_of: Mapping[Seat, GroupKey]
    place_of: Mapping[GroupKey, Mapping[str, int]]
    occupants: Mapping[GroupKey, list[str]]


def check_families(
    instance: Instance,
    priority: Priority,
    assignment: Mapping[str, str | None],
    families: Mapping[str, Family],
    held: frozenset[str] = frozenset(),
) -> list[Violation]:
    found: list[Violation] = []
    capacity = places_per_seat(instance)
    # A holder missing from an order ranks ahead: children held by staff are left out of the orders.
    place_of = {seat: positions(order, held) for seat, order in priority.order.items()}
    occupants: dict[Seat, list[str]] = {}
    for cid, facility_id in assignment.items():
        if facility_id is not None:
            occupants.setdefault((facility_id, instance.children[cid].age_class), []).append(cid)
    group_places = places_per_group(instance)
    group_of = {(g[0], a): g for g in group_places for a in g[1]}
    group_occupants: dict[GroupKey, list[str]] = {}
    for seat, kids in occupants.items():
        if seat in group_of:
            group_occupants.setdefault(group_of[seat], []).extend(kids)
    shared = _Shared(
        group_places,
        group_of,
        {g: positions(order, held) for g, order in priority.group_order.items()},
        group_occupants,
    )

    for hid, fam in families.items():
        got = tuple(assignment.get(cid) for cid in fam.children)
        current = tuple(instance.children[cid].current_facility for cid in fam.children)
        rank = fam.rank_of(got)
        if rank is None:
            if any(f is not None and f != cur for f, cur in zip(got, current, strict=True)):
                found.append(
                    Violation(
                        CheckKind.FAMILY_SPLIT,
                        f"世帯{hid}の結果({_show(fam.children, got)})は家族が受け入れる組み合わせにありません",
                        fam.children[0],
                    )
                )
            rank = len(fam.combinations)
        members = set(fam.children)
        for better in fam.combinations[:rank]:
            if _fits(instance, fam, better, current, members, occupants, place_of, capacity, shared):
                found.append(
                    Violation(
                        CheckKind.BLOCKING_COALITION,
                        f"世帯{hid}は({_show(fam.children, better)})を今の結果({_show(fam.children, got)})より望み、"
                        "全員が空き、または優先順位の低い児童に代わって入れます",
                        fam.children[0],
                        next((f for f in better if f is not None), None),
                    )
                )
                break
    return found


def _fits(
    instance: Instance,
    fam: Family,
    combination: tuple[str | None, ...],
    current: tuple[str | None, ...],
    members: set[str],
    occupants: Mapping[Seat, list[str]],
    place_of: Mapping[Seat, Mapping[str, int]],
    capacity: Mapping[Seat, int],
    shared: _Shared,
) -> bool:
    wanted: dict[Seat, list[str]] = {}
    kept: Counter[Seat] = Counter()  # members staying at their own (guaranteed) seat
    in_group: dict[GroupKey, list[tuple[str, bool, Seat]]] = {}  # (member, new, seat) per group
    for cid, f, cur in zip(fam.children, combination, current, strict=True):
        if f is None:
            continue
        seat = (f, instance.children[cid].age_class)
        if seat in shared.group_of:
            in_group.setdefault(shared.group_of[seat], []).append((cid, f != cur, seat))
        if f == cur:
            kept[seat] += 1  # fits by its guarantee, and still takes its place from a sibling
            continue
        wanted.setdefault(seat, []).append(cid)
    for group, kids_in in in_group.items():
        order = shared.place_of.get(group, {})
        if any(k not in order for k, _, _ in kids_in):
            return False
        # Others that the members displace at their own age classes leave the group too.
        displaced: set[str] = set()
        for seat, count in Counter(seat for _, _, seat in kids_in).items():
            seat_order = place_of.get(seat, {})
            staying = sorted(
                (o for o in occupants.get(seat, []) if o not in members), key=lambda o: seat_order.get(o, -1)
            )
            displaced.update(staying[max(0, capacity.get(seat, 0) - count) :])
        ahead_sorted = sorted(
            order.get(o, -1)
            for o in shared.occupants.get(group, [])
            if o not in members and o not in displaced
        )
        ranked = sorted(kids_in, key=lambda item: order[item[0]])
        for n, (k, new, _) in enumerate(ranked):
            if not new:
                continue  # its own seat, guaranteed
            ahead = sum(1 for p in ahead_sorted if p < order[k])
            if ahead + n + 1 > shared.places.get(group, 0):
                return False
    for seat, kids in wanted.items():
        order = place_of.get(seat, {})
        if any(k not in order for k in kids):
            return False
        # A holder missing from the seat's order (placed there by staff) ranks ahead: it cannot be displaced.
        others = Counter(order.get(o, -1) for o in occupants.get(seat, []) if o not in members)
        ahead_sorted = sorted(others.elements())
        for n, k in enumerate(sorted(kids, key=lambda c: order[c])):
            ahead = sum(1 for p in ahead_sorted if p < order[k])
            if ahead + kept[seat] + n + 1 > capacity.get(seat, 0):
                return False
    return True


def _show(children: tuple[str, ...], combination: tuple[str | None, ...]) -> str:
    return "、".join(f"{c}→{f or '保留'}" for c, f in zip(children, combination, strict=True))
