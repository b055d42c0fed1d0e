"""Independent check of an allocation. Shares no code with the allocator on purpose.

It recomputes capacities from the instance and reports, as Violations:
- capacity: more children placed at a facility and age class than it has places;
- outside_choices: a child placed somewhere it did not ask for (and that is not its own seat);
- transfer_worse: a transfer applicant left without a seat, though its own seat is guaranteed;
- wasted_seat: a child prefers a facility that still has a free place in its age class;
- justified_envy: a child prefers a facility where a child of lower priority got a place.
The last two are the blocking pairs: an allocation with none of them is stable.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from kyodo.hoiku.model import Instance
from kyodo.hoiku.result import CHECK_KINDS, Priority, Violation


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
                    "capacity",
                    f"{CHECK_KINDS['capacity']}: {facility_id} {age}歳 定員{places[(facility_id, age)]}人に{len(children)}人",
                    facility_id=facility_id,
                    age_class=age,
                )
            )

    place_of: dict[tuple[str, int], dict[str, int]] = {
        seat: {cid: i for i, cid in enumerate(order)} for seat, order in priority.order.items()
    }
    for cid, child in instance.children.items():
        got = assignment.get(cid)
        wanted = list(child.choices)
        own = child.current_facility
        if got is not None and got not in wanted and got != own:
            found.append(
                Violation(
                    "outside_choices", f"児童{cid}が希望していない{got}に割り当てられています", cid, got
                )
            )
        if own is not None and got is None:
            found.append(
                Violation("transfer_worse", f"転園申込の児童{cid}が在園施設{own}の席を失っています", cid, own)
            )
        if cid in joint:
            continue
        better = wanted if got is None or got not in wanted else wanted[: wanted.index(got)]
        for facility_id in better:
            seat = (facility_id, child.age_class)
            holders = taken.get(seat, [])
            if len(holders) < places[seat]:
                found.append(
                    Violation(
                        "wasted_seat",
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
            lower = [other for other in holders if order.get(other, -1) > mine]
            if lower:
                worst = max(lower, key=lambda other: order[other])
                found.append(
                    Violation(
                        "justified_envy",
                        f"児童{cid}より優先順位の低い児童{worst}が{facility_id}({child.age_class}歳)に内定しています",
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


def blocking_pairs(violations: list[Violation]) -> list[Violation]:
    """The violations that make an allocation unstable (for single children and for families)."""
    return [v for v in violations if v.kind in BLOCKING_KINDS]


BLOCKING_KINDS = frozenset({"wasted_seat", "justified_envy", "blocking_coalition"})
