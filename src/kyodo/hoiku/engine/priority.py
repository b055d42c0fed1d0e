"""Strict priority of applicants at each facility and age class.

Order at a seat (facility, age class), best first:
1. a transfer applicant's own current seat is guaranteed (転園元の席は保障);
2. points at that facility (total plus that facility's own items), higher first;
3. the rules' tie-break chain, criterion by criterion, each in its direction;
4. a seeded lottery (one number per child, drawn once per run); the seed is recorded and a
   child whose place was settled by the lottery is flagged for staff review.

Where age classes share places at a facility (Facility.shared_capacity), the applicants of all
those seats are also put in one order (Priority.group_order), by the same keys: they do not
depend on the age class, so a child's place relative to another of its own age is the same in
both orders. A transfer applicant's own seat is guaranteed in the group too (it ranks first).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.model.instance import CHILD_FACTS, HOUSEHOLD_FACTS, Child, Household, Instance
from kyodo.hoiku.model.result import Group, Priority, Score, Seat
from kyodo.hoiku.rules import Rules, TieBreak

CHOICE_RANK = "choice_rank"


def lottery_numbers(child_ids: list[str], seed: int) -> dict[str, int]:
    """One lottery number per child, from the seed alone (independent of input order)."""
    ordered = sorted(child_ids)
    random.Random(seed).shuffle(ordered)
    return {cid: n for n, cid in enumerate(ordered)}


def build_priority(
    instance: Instance,
    scores: Mapping[str, Score],
    rules: Rules | None,
    seed: int,
    fiscal_year: int | None = None,
) -> Priority:
    """`fiscal_year` picks the rules' tie-break chain (wards change it some years); default the instance's."""
    year = fiscal_year if fiscal_year is not None else instance.fiscal_year
    chain: tuple[TieBreak, ...] = rules.tie_break_at(year) if rules is not None else ()
    lottery = lottery_numbers(list(instance.children), seed)
    entries: dict[Seat, list[tuple[tuple[int, ...], str]]] = {}
    guaranteed: set[tuple[Seat, str]] = set()
    problems: list[str] = []
    rank_slot = next((i for i, t in enumerate(chain) if t.key == CHOICE_RANK), None)
    rank_sign = 1 if rank_slot is None or chain[rank_slot].direction == "lower" else -1
    for cid, child in instance.children.items():
        score = scores[cid]
        household = instance.households.get(child.household_id)
        try:
            fixed = tuple(_value(t, child, household, score) for t in chain)
        except RuleError as exc:
            problems.append(str(exc))
            continue
        total, extra, own, number = score.total, score.facility_items, child.current_facility, lottery[cid]
        places = child.choices
        if own is not None and own not in places:
            places = (*places, own)  # (a current facility among the choices is flagged, not doubled)
        for rank, facility_id in enumerate(places):
            seat = (facility_id, child.age_class)
            is_own_seat = facility_id == own
            if is_own_seat:
                guaranteed.add((seat, cid))
            values = fixed
            if rank_slot is not None:
                values = (*fixed[:rank_slot], rank_sign * rank, *fixed[rank_slot + 1 :])
            points = total + sum(i.points for i in extra[facility_id]) if facility_id in extra else total
            key = (0 if is_own_seat else 1, -points, *values, number)
            entries.setdefault(seat, []).append((key, cid))
    if problems:
        raise RuleError(
            "\n".join(problems[:30]) + (f"\nほか{len(problems) - 30}件" if len(problems) > 30 else "")
        )

    names = ["guaranteed", "points", *(t.key for t in chain), "lottery"]
    order: dict[Seat, tuple[str, ...]] = {}
    decided_by: dict[tuple[Seat, str], str] = {}
    lottery_ties: set[str] = set()
    for seat, items in entries.items():
        items.sort()
        order[seat] = tuple(cid for _, cid in items)
        for (above, above_id), (key, cid) in itertools.pairwise(items):
            first_difference = 0  # keys differ at least in the lottery number
            while above[first_difference] == key[first_difference]:
                first_difference += 1
            decided_by[(seat, cid)] = names[first_difference]
            if names[first_difference] == "lottery":
                lottery_ties.update((above_id, cid))
    group_order: dict[Group, tuple[str, ...]] = {}
    for facility in instance.facilities.values():
        for ages in facility.shared_capacity:
            merged = sorted(item for a in ages for item in entries.get((facility.id, a), ()))
            group_order[(facility.id, tuple(ages))] = tuple(cid for _, cid in merged)
    return Priority(
        order=order,
        decided_by=decided_by,
        lottery_ties=frozenset(lottery_ties),
        guaranteed=frozenset(guaranteed),
        group_order=group_order,
    )


def _value(t: TieBreak, child: Child, household: Household | None, score: Score) -> int:
    """A tie-break criterion as an integer where smaller comes first."""
    if t.key == CHOICE_RANK:
        return 0  # filled in per facility
    raw: object
    if t.key == "base_points":
        raw = score.base
    elif t.key == "adjustment_points":
        raw = score.adjustment
    elif t.key == "lower_guardian_points":
        raw = score.lower_guardian
    elif t.key == "birth_date":
        if child.birth_date is None:
            raise RuleError(f"児童{child.id}: 生年月日がありません(同点時の優先順位「{t.label}」に必要)")
        raw = child.birth_date.toordinal()
    elif t.key == "single_parent" and household is not None:
        raw = household.single_parent
    else:
        facts = household.facts if (t.key in HOUSEHOLD_FACTS and household is not None) else child.facts
        raw = facts.get(t.key)
        if raw is None:
            label = HOUSEHOLD_FACTS.get(t.key) or CHILD_FACTS.get(t.key, t.key)
            raise RuleError(f"児童{child.id}: 「{label}」がありません(同点時の優先順位「{t.label}」に必要)")
    if not isinstance(raw, int):
        raise RuleError(f"児童{child.id}: 「{t.label}」の値「{raw}」が数値ではありません")
    value = int(raw)
    return -value if t.direction == "higher" else value
