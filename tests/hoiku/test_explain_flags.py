"""Review flags (要確認): each kind on a hand-made round, and the lottery flag's claim at the cut-off."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.hoiku.checks.review import lottery_flags, suspect_data
from kyodo.hoiku.engine.deferred_acceptance import deferred_acceptance
from kyodo.hoiku.engine.pipeline import run_round
from kyodo.hoiku.engine.priority import build_priority
from kyodo.hoiku.engine.scoring import score_instance
from kyodo.hoiku.model.instance import Guardian, Household, Instance, Reason
from kyodo.hoiku.model.result import FlagKind, Priority, Result, Seat
from kyodo.hoiku.rules import parse_rules
from tests.hoiku.builders import FULL_TIME, child, facility, instance


def run(inst: Any, **kwargs: Any) -> Result:
    return run_round(
        inst, rules=kwargs.pop("rules", None), fiscal_year=2026, seed=kwargs.pop("seed", 5), **kwargs
    )


def flagged(result: Result, kind: str) -> set[str]:
    return {f.child_id for f in result.flags if f.kind == kind}


def test_a_lottery_that_split_one_place_flags_every_tied_child_even_the_one_not_next_to_the_winner() -> None:
    # Three children tied exactly, one place: whoever drew first got it. The second and the third
    # lost to the lottery alike, though the lottery between the second and the third decided nothing.
    inst = instance([facility("A", age1=1)], [child(c, ["A"], points=40) for c in ("c1", "c2", "c3")])
    result = run(inst)
    assert sum(1 for f in result.assignment.values() if f) == 1
    assert flagged(result, FlagKind.LOTTERY_TIE) == {"c1", "c2", "c3"}
    winner = next(c for c, f in result.assignment.items() if f)
    assert "内定しました" in next(f.message for f in result.flags if f.child_id == winner)


def test_a_lottery_between_children_who_all_got_the_seat_is_not_flagged() -> None:
    inst = instance([facility("A", age1=2)], [child("c1", ["A"], points=40), child("c2", ["A"], points=40)])
    result = run(inst)
    assert result.priority.lottery_ties == {"c1", "c2"}
    assert flagged(result, FlagKind.LOTTERY_TIE) == set()


def test_a_lottery_between_children_who_both_missed_the_seat_is_not_flagged() -> None:
    inst = instance(
        [facility("A", age1=1)],
        [child("top", ["A"], points=44), child("c1", ["A"], points=40), child("c2", ["A"], points=40)],
    )
    result = run(inst)
    assert result.assignment == {"top": "A", "c1": None, "c2": None}
    assert result.priority.lottery_ties == {"c1", "c2"}
    assert flagged(result, FlagKind.LOTTERY_TIE) == set()


def test_a_lottery_loser_who_got_a_choice_it_ranks_higher_is_not_flagged() -> None:
    # Both tie at B; the one behind at B got A, its first choice, so the lottery at B changed nothing.
    inst = instance(
        [facility("A", age1=1), facility("B", age1=1)],
        [child("c1", ["B"], points=40), child("c2", ["A", "B"], points=40)],
    )
    for seed in range(4):
        result = run(inst, seed=seed)
        assert result.assignment == {"c1": "B", "c2": "A"}
        assert flagged(result, FlagKind.LOTTERY_TIE) == set()


def test_implausible_hours_and_days_are_flagged_as_suspect_data() -> None:
    typo = Guardian(Reason.EMPLOYMENT, days_per_month=20, hours_per_day=80)
    days = Guardian(Reason.EMPLOYMENT, days_per_month=31, hours_per_day=8)
    homes = {"Hc1": Household("Hc1", (typo, FULL_TIME)), "Hc2": Household("Hc2", (FULL_TIME, days))}
    inst = instance(
        [facility("A", age1=2)], [child("c1", ["A"], points=40), child("c2", ["A"], points=40)], homes
    )
    result = run(inst)
    messages = {f.child_id: f.message for f in result.flags if f.kind == FlagKind.SUSPECT_DATA}
    assert "80時間" in messages["c1"] and "31日" in messages["c2"]


def test_a_wrong_age_class_is_flagged() -> None:
    inst = instance(
        [facility("B", age1=1)],
        [
            child("c2", ["B"], points=40, birth_date=date(2023, 5, 1)),  # 2 years old on 2026-04-01
            child("c3", ["B"], points=30, birth_date=date(2024, 5, 1)),  # age class 1: fine
        ],
    )
    result = run(inst)
    assert flagged(result, FlagKind.SUSPECT_DATA) == {"c2"}
    assert "2歳児と一致しません" in result.flags[0].message


def test_a_transfer_whose_current_facility_is_among_its_choices_is_suspect() -> None:
    # The readers refuse such a row; data built otherwise (the web, a script) is checked here.
    inst = instance([facility("A", age1=1), facility("B", age1=1)], [child("t1", ["A", "B"], current="A")])
    (message,) = suspect_data(inst, inst.children["t1"], 2026)
    assert "在園中のAが希望施設に含まれています" in message


def test_more_choices_than_the_ward_allows_are_flagged() -> None:
    rules = parse_rules(
        {"municipality": "テスト区", "household": {}, "base": {"none": {"points": 0}}, "choice_limit": 2},
        name="test",
        file_name="test.yaml",
    )
    inst = instance(
        [facility(f, age1=1) for f in "ABC"],
        [child("c1", ["A", "B", "C"], points=40), child("c2", ["A"], points=40)],
    )
    result = run(inst, rules=rules)
    assert flagged(result, FlagKind.CHOICES_OVER_LIMIT) == {"c1"}


def test_a_sibling_coalition_the_solver_cannot_remove_is_flagged() -> None:
    # No stable allocation exists (Roth's couples example): the twins want A and B together,
    # A ranks twin 1 above the single child, B ranks the single child above twin 2.
    inst = instance(
        [facility("A", age1=1), facility("B", age1=1)],
        [
            child("t1", ["A"], points=40, household="HT", sibling_pattern=4),
            child("t2", ["B"], points=30, household="HT", sibling_pattern=4),
            child("s", ["A", "B"], points=35),
        ],
    )
    result = run_round(inst, rules=None, fiscal_year=2026, seed=1, exact_time_limit=2.0)
    assert result.violations
    assert flagged(result, FlagKind.BLOCKING)


@st.composite
def tied_rounds(draw: st.DrawFn) -> Instance:
    """Single applicants, few places, points from two values: many exact ties broken by the lottery."""
    names = ["A", "B", "C"][: draw(st.integers(1, 3))]
    facilities = [facility(f, age1=draw(st.integers(1, 2))) for f in names]
    kids = []
    for n in range(draw(st.integers(2, 7))):
        choices = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
        kids.append(child(f"c{n}", choices, points=draw(st.sampled_from([38, 40]))))
    return instance(facilities, kids)


def _reordered(
    inst: Instance, priority: Priority, seat: Seat, start: int, group: list[str]
) -> dict[str, str | None]:
    """Offers by deferred acceptance with the children from `start` at `seat` drawn in the order `group`."""
    order = priority.order[seat]
    changed = (*order[:start], *group, *order[start + len(group) :])
    return deferred_acceptance(inst, Priority({**priority.order, seat: changed}, priority.decided_by))


@settings(max_examples=150, deadline=None)
@given(inst=tied_rounds(), seed=st.integers(0, 1000), data=st.data())
def test_a_lottery_group_is_flagged_exactly_when_reordering_it_can_change_an_offer(
    inst: Instance, seed: int, data: st.DataObject
) -> None:
    scores = score_instance(inst, None, 2026)
    priority = build_priority(inst, scores, None, seed)
    offers = deferred_acceptance(inst, priority)
    for seat, order in priority.order.items():
        groups: list[list[str]] = []
        for cid in order:
            if groups and priority.decided_by.get((seat, cid)) == "lottery":
                groups[-1].append(cid)
            else:
                groups.append([cid])
        for group in (g for g in groups if len(g) > 1):
            start = order.index(group[0])

            at_seat = lottery_flags(inst, replace(priority, order={seat: order}), offers)
            flagged = {f.child_id for f in at_seat} & set(group)
            if not flagged:
                # Any other lottery draw within the group gives the same offers.
                assert _reordered(inst, priority, seat, start, data.draw(st.permutations(group))) == offers
            else:
                # The lowest child that wanted the seat, drawn first instead, changes the offers.
                lowest = max((c for c in flagged if offers[c] != seat[0]), key=group.index)
                assert (
                    _reordered(inst, priority, seat, start, [lowest, *(c for c in group if c != lowest)])
                    != offers
                )
