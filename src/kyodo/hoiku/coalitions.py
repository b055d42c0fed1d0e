"""Independent check for sibling families: blocking coalitions (Sun et al.'s definition).

A family blocks with a combination it ranks above what it got when every member of that
combination fits at its facility and age class: by a free place, or by displacing a child of
lower priority there. The family's own current places count as free (it would leave them), and
a member staying at its current facility always fits (its seat is guaranteed).
Shares no code with the allocator.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from kyodo.hoiku.check import places_per_seat
from kyodo.hoiku.family import Family
from kyodo.hoiku.model import Instance
from kyodo.hoiku.result import Priority, Violation

Seat = tuple[str, int]


def check_families(
    instance: Instance,
    priority: Priority,
    assignment: Mapping[str, str | None],
    families: Mapping[str, Family],
) -> list[Violation]:
    found: list[Violation] = []
    capacity = places_per_seat(instance)
    place_of = {seat: {cid: i for i, cid in enumerate(order)} for seat, order in priority.order.items()}
    occupants: dict[Seat, list[str]] = {}
    for cid, facility_id in assignment.items():
        if facility_id is not None:
            occupants.setdefault((facility_id, instance.children[cid].age_class), []).append(cid)

    for hid, fam in families.items():
        got = tuple(assignment.get(cid) for cid in fam.children)
        current = tuple(instance.children[cid].current_facility for cid in fam.children)
        rank = fam.rank_of(got)
        if rank is None:
            if any(f is not None and f != cur for f, cur in zip(got, current, strict=True)):
                found.append(
                    Violation(
                        "family_split",
                        f"世帯{hid}の結果({_show(fam.children, got)})は家族が受け入れる組み合わせにありません",
                        fam.children[0],
                    )
                )
            rank = len(fam.combinations)
        members = set(fam.children)
        for better in fam.combinations[:rank]:
            if _fits(instance, fam, better, current, members, occupants, place_of, capacity):
                found.append(
                    Violation(
                        "blocking_coalition",
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
) -> bool:
    wanted: dict[Seat, list[str]] = {}
    for cid, f, cur in zip(fam.children, combination, current, strict=True):
        if f is None or f == cur:
            continue  # not admitted, or kept at its guaranteed seat
        wanted.setdefault((f, instance.children[cid].age_class), []).append(cid)
    for seat, kids in wanted.items():
        order = place_of.get(seat, {})
        if any(k not in order for k in kids):
            return False
        others = Counter(order.get(o, len(order)) for o in occupants.get(seat, []) if o not in members)
        ahead_sorted = sorted(others.elements())
        for n, k in enumerate(sorted(kids, key=lambda c: order[c])):
            ahead = sum(1 for p in ahead_sorted if p < order[k])
            if ahead + n + 1 > capacity.get(seat, 0):
                return False
    return True


def _show(children: tuple[str, ...], combination: tuple[str | None, ...]) -> str:
    return "、".join(f"{c}→{f or '保留'}" for c, f in zip(children, combination, strict=True))
