"""The next round from a finished one: who is carried, from which seat, with which places (tools.carry_over)."""

from __future__ import annotations

import pytest

from kyodo.hoiku import read, run_instance
from kyodo.hoiku.io.round_files import instance_files
from kyodo.hoiku.model.result import Status
from kyodo.hoiku.tools.carry_over import Placement, carry_over, placements_of, remaining_places
from kyodo.problems import InputError

from .builders import child, facility, instance

OFFERED, TRANSFERRED, STAYS, WAITING = Status.OFFERED, Status.TRANSFERRED, Status.STAYS, Status.WAITLISTED


def _round():
    return instance(
        [facility("A", age1=2), facility("B", age1=1), facility("C", age1=1)],
        [
            child("w", ["A", "B"], points=10),  # 保留
            child("p", ["A", "B"], points=50),  # 内定 at A, its first choice
            child("q", ["A", "B", "C"], points=40, household="Hs"),  # 内定 at C, its third choice
            child("s", ["A"], points=5, household="Hs"),  # 保留, sibling of q
            child("t", ["B"], points=30, current="C"),  # 転園内定: moved from C to B
            child("k", ["A"], points=1, current="B"),  # 在園継続 at B
        ],
    )


PLACED = {
    "w": Placement(WAITING), "p": Placement(OFFERED, "A"), "q": Placement(OFFERED, "C"),
    "s": Placement(WAITING), "t": Placement(TRANSFERRED, "B"), "k": Placement(STAYS, "B"),
}


def test_waiting_children_and_transfers_that_stayed_are_carried_with_their_applications():
    previous = _round()
    result = carry_over(previous, PLACED)
    assert set(result.instance.children) == {"w", "s", "k"}
    assert result.carried == ("w", "s", "k") and set(result.dropped) == {"p", "q", "t"}
    assert result.instance.children["w"].choices == ("A", "B")
    assert result.instance.children["k"].current_facility == "B"
    assert set(result.instance.households) == {"Hw", "Hs", "Hk"}


def test_a_placed_sibling_is_now_enrolled_where_it_was_placed():
    assert carry_over(_round(), PLACED).instance.children["s"].sibling_facilities == ("C",)


def test_a_placed_child_that_applies_to_transfer_starts_from_its_new_seat():
    result = carry_over(_round(), PLACED, transfers=["q"])
    q = result.instance.children["q"]
    assert (q.current_facility, q.choices) == ("C", ("A", "B")) and result.continuing == ("q",)


def test_the_places_left_are_the_vacancies_less_new_seats_plus_seats_transfers_left():
    places = remaining_places(_round(), PLACED)
    # A: 2 - p; B: 1 - t; C: 1 - q + t (t left C)
    assert {f: p.vacancies[1] for f, p in places.items()} == {"A": 1, "B": 0, "C": 1}


def test_given_vacancies_replace_what_was_left():
    given = {f.id: f for f in (facility("A", age1=5), facility("B", age1=0), facility("C", age1=0))}
    assert carry_over(_round(), PLACED, facilities=given).instance.facilities["A"].vacancies == {1: 5}


def test_withdrawals_are_removed_and_new_applications_added_or_replacing():
    added = instance(
        [facility("A", age1=1), facility("B", age1=1), facility("C", age1=1)],
        [child("n", ["C"], points=3), child("w", ["B"], points=12)],
    )
    result = carry_over(_round(), PLACED, withdrawals=["s"], added=added)
    assert set(result.instance.children) == {"w", "k", "n"}
    assert result.instance.children["w"].choices == ("B",)  # the changed application
    assert (result.added, result.replaced, result.withdrawn) == (("n",), ("w",), ("s",))


@pytest.mark.parametrize(
    ("withdrawals", "transfers", "message"),
    [
        (["zz"], [], "児童番号「zz」は前回の申込にありません"),
        ([], ["w"], "前回保留で、内定していません"),
        ([], ["p"], "第1希望に内定したので"),
        (["q"], ["q"], "取り下げにも書かれています"),
    ],
)
def test_listed_children_that_cannot_be_used_are_refused(withdrawals, transfers, message):
    with pytest.raises(InputError) as caught:
        carry_over(_round(), PLACED, withdrawals=withdrawals, transfers=transfers)
    assert any(message in p.message for p in caught.value.problems)


def test_a_blanked_class_that_children_choose_is_one_problem():
    given = {f.id: f for f in (facility("A", age2=1), facility("B", age1=0), facility("C", age1=0))}
    with pytest.raises(InputError) as caught:
        carry_over(_round(), PLACED, facilities=given)
    [problem] = caught.value.problems
    assert "A保育園(A)の1歳児が空欄" in problem.message and "3人が希望しています(児童番号 w、s、k)" in problem.message


def test_a_generated_round_carries_over_through_files_and_runs_again():
    from kyodo.hoiku.tools.generate import generate_ward

    ward = generate_ward(children=60, facilities=6, seed=3, fiscal_year=2026, sibling_share=0.2, max_choices=4)
    outcome = run_instance(ward, "koto", seed=1, fiscal_year=2026)
    result = carry_over(ward, placements_of(outcome.statuses, outcome.assignment))
    assert set(result.carried) == set(outcome.children_with(WAITING, STAYS))
    files = instance_files(result.instance, "next")
    back = read(files, None, fiscal_year=2026)
    assert back.children == result.instance.children and back.facilities == result.instance.facilities
    second = run_instance(back, "koto", seed=1, fiscal_year=2026)
    new_seats = sum(1 for s in second.statuses.values() if s.new_seat)
    assert new_seats <= sum(sum(f.vacancies.values()) for f in back.facilities.values()) + len(
        outcome.children_with(STAYS)
    )


def _families_round():
    """Two families that ranked their own combinations: F (both waiting) and G (one placed, one waiting)."""
    from dataclasses import replace

    inst = instance(
        [facility("A", age1=2, age3=2), facility("B", age1=2, age3=2), facility("C", age1=1, age3=1)],
        [
            child("f3", ["A", "B", "C"], age=3, points=20, household="F", sibling_pattern=1),
            child("f1", ["A", "B", "C"], age=1, points=20, household="F", sibling_pattern=1),
            child("g3", ["A"], age=3, points=20, household="G", sibling_pattern=1),
            child("g1", ["A"], age=1, points=20, household="G", sibling_pattern=1),
        ],
    )
    return replace(
        inst,
        family_combinations={"F": (("C", "C"), ("B", "B"), ("A", None)), "G": (("A", "A"),)},
        family_children={"F": ("f1", "f3"), "G": ("g1", "g3")},
    )


FAMILIES_PLACED = {"f3": Placement(WAITING), "f1": Placement(WAITING), "g3": Placement(OFFERED, "A"),
                   "g1": Placement(WAITING)}


def test_a_family_carried_whole_keeps_its_ranked_combinations():
    result = carry_over(_families_round(), FAMILIES_PLACED)
    assert result.families == ("F",)  # G's ranking no longer applies: one of its two children was placed
    assert result.instance.family_combinations == {"F": (("C", "C"), ("B", "B"), ("A", None))}
    assert result.instance.family_children == {"F": ("f1", "f3")}


def test_combinations_naming_a_facility_the_round_no_longer_has_are_left_out():
    given = {f.id: f for f in (facility("A", age1=1, age3=1), facility("B", age1=1, age3=1),
                               facility("C", age1=1, age3=1))}
    without_c = {k: v for k, v in given.items() if k != "C"}
    kept = carry_over(_families_round(), FAMILIES_PLACED, facilities=given, withdrawals=["g1"])
    assert kept.instance.family_combinations["F"] == (("C", "C"), ("B", "B"), ("A", None))
    # Without C (the children no longer choose it), the combinations at C go and the rest keep their order.
    from dataclasses import replace

    prev = _families_round()
    prev = replace(prev, children={**prev.children, **{k: replace(prev.children[k], choices=("A", "B"))
                                                          for k in ("f1", "f3")}})
    result = carry_over(prev, FAMILIES_PLACED, facilities=without_c, withdrawals=["g1"])
    assert result.instance.family_combinations == {"F": (("B", "B"), ("A", None))}


def test_a_family_whose_application_changed_or_grew_is_ranked_by_its_pattern_again():
    added = instance(
        [facility("A", age1=1, age3=1), facility("B", age1=1, age3=1), facility("C", age1=1, age3=1)],
        [child("f1", ["B"], age=1, points=20, household="F", sibling_pattern=1)],
    )
    assert carry_over(_families_round(), FAMILIES_PLACED, added=added).families == ()
    sibling = instance(
        [facility("A", age1=1, age3=1), facility("B", age1=1, age3=1), facility("C", age1=1, age3=1)],
        [child("f0", ["B"], age=1, points=20, household="F", sibling_pattern=1)],
    )
    result = carry_over(_families_round(), FAMILIES_PLACED, added=sibling)
    assert result.families == () and result.instance.family_combinations == {}


def test_the_carried_ranking_is_written_and_read_back_with_the_round_files():
    from kyodo.hoiku.engine.family import families
    from kyodo.hoiku.io.combinations import combinations_csv

    result = carry_over(_families_round(), FAMILIES_PLACED)
    children, facilities = instance_files(result.instance, "next")
    data = combinations_csv(result.instance)
    assert data is not None
    back = read((children, facilities), None, fiscal_year=2026, combinations=("next_combinations.csv", data))
    assert back.family_combinations == result.instance.family_combinations
    assert families(back)["F"].combinations == (("C", "C"), ("B", "B"), ("A", None))


def test_months_are_added_to_the_waiting_months_of_carried_households_only():
    from dataclasses import replace

    from kyodo.hoiku.model.instance import Household

    prev = _round()
    homes = {hid: replace(h, facts={**h.facts, "waiting_months": 3}) for hid, h in prev.households.items()}
    homes["Hk"] = Household("Hk", prev.households["Hk"].guardians)  # states no waiting months
    prev = replace(prev, households=homes)
    added = instance(
        [facility("A", age1=1), facility("B", age1=1), facility("C", age1=1)],
        [child("w", ["B"], points=12)],
        households={"Hw": replace(homes["Hw"], facts={"waiting_months": 0})},
    )
    result = carry_over(prev, PLACED, months=2, added=added)
    waited = {hid: h.facts.get("waiting_months") for hid, h in result.instance.households.items()}
    assert waited == {"Hs": 5, "Hk": None, "Hw": 0}  # Hw's new application states its own
    assert carry_over(prev, PLACED).instance.households["Hs"].facts["waiting_months"] == 3
    with pytest.raises(ValueError):
        carry_over(prev, PLACED, months=-1)
