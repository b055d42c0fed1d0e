"""An Instance checks itself when it is built: each rule raises kyodo.problems.InputError in Japanese."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kyodo.hoiku.model.instance import Child, Facility, Household, Instance, restricted
from kyodo.problems import InputError
from tests.hoiku.builders import child, facility, instance


def _raises(match: str, build: object) -> None:
    with pytest.raises(InputError, match=match):
        build()  # type: ignore[operator]


def test_a_well_formed_instance_builds() -> None:
    inst = instance([facility("A", age1=1)], [child("c1", ["A"], points=40)])
    assert list(inst.children) == ["c1"]


def test_it_rejects_a_choice_that_names_no_facility() -> None:
    _raises(
        "第2希望「Z」が施設一覧にありません",
        lambda: instance([facility("A", age1=1)], [child("c1", ["A", "Z"])]),
    )


def test_it_rejects_a_duplicate_child() -> None:
    a = facility("A", age1=1)
    c = child("c1", ["A"])
    homes = {c.household_id: Household(c.household_id)}
    _raises("児童番号「c1」が重複", lambda: Instance({"A": a}, homes, {"c1": c, "x": c}))


def test_it_rejects_a_children_key_that_is_not_the_childs_id() -> None:
    c = child("c1", ["A"])
    homes = {c.household_id: Household(c.household_id)}
    _raises(
        "番号「x」と児童番号「c1」が一致しません",
        lambda: Instance({"A": facility("A", age1=1)}, homes, {"x": c}),
    )


def test_it_rejects_a_choice_listed_twice() -> None:
    _raises(
        re.escape("施設「A」が2回あります(第1希望と第3希望)"),
        lambda: instance([facility("A", age1=1), facility("B", age1=1)], [child("c1", ["A", "B", "A"])]),
    )


def test_it_rejects_an_age_class_outside_0_to_5() -> None:
    _raises("年齢クラス6歳は範囲外", lambda: instance([facility("A", age1=1)], [child("c1", [], age=6)]))


def test_it_rejects_an_age_class_the_chosen_facility_does_not_take() -> None:
    small = facility("S", age0=2, age1=1, age2=1)  # 小規模保育: ages 0-2 only
    _raises(
        r"児童c1\(3歳児\)の第1希望「S」は3歳児を受け入れていません\(受入: 0・1・2歳児\)",
        lambda: instance([small], [child("c1", ["S"], age=3)]),
    )


def test_an_age_class_with_shared_places_counts_as_taken() -> None:
    shared = Facility("S", "S園", vacancies={1: 1}, shared_capacity={(1, 2): 2})
    inst = instance([shared], [child("c1", ["S"], age=2)])
    assert inst.children["c1"].age_class == 2


def test_it_rejects_an_unknown_current_facility() -> None:
    _raises(
        "在園施設「Z」が施設一覧にありません",
        lambda: instance([facility("A", age1=1)], [child("c1", ["A"], current="Z")]),
    )


def test_it_rejects_a_child_whose_household_is_missing() -> None:
    c = Child("c1", "H9", 1, ("A",))
    _raises("世帯「H9」が世帯一覧にありません", lambda: Instance({"A": facility("A", age1=1)}, {}, {"c1": c}))


def test_it_rejects_negative_vacancies() -> None:
    _raises("1歳児の募集人数が負です", lambda: instance([facility("A", age1=-1)], [child("c1", ["A"])]))


def test_it_rejects_a_facility_key_that_is_not_its_id() -> None:
    c = child("c1", [])
    homes = {c.household_id: Household(c.household_id)}
    _raises(
        "施設一覧の番号「B」と施設の番号「A」が一致しません",
        lambda: Instance({"B": facility("A")}, homes, {"c1": c}),
    )


def test_it_rejects_a_sibling_combination_naming_an_unknown_child() -> None:
    inst = instance([facility("A", age1=1)], [child("c1", ["A"], household="H")])
    _raises(
        "きょうだいの組み合わせ.*児童c9が申込にありません",
        lambda: replace(inst, family_children={"H": ("c1", "c9")}, family_combinations={"H": (("A", None),)}),
    )


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InputError) as caught:
        instance([facility("A", age1=1)], [child("c1", ["Z"]), child("c2", ["A", "A"])])
    assert len(caught.value.problems) == 2


def test_the_engine_never_sees_an_unknown_facility() -> None:
    """The issue's case: such a child used to pass straight through run_round with no error."""
    from kyodo.hoiku.engine.pipeline import run_round

    with pytest.raises(InputError, match="施設一覧にありません"):
        run_round(
            instance([facility("A", age1=1)], [child("c1", ["NOPE"], points=40)]),
            rules=None,
            fiscal_year=2026,
            seed=1,
        )


def test_a_restricted_instance_may_only_leave_children_or_choices_out() -> None:
    inst = instance(
        [facility("A", age1=1), facility("B", age1=1)], [child("c1", ["A"]), child("c2", ["A", "B"])]
    )
    fewer = restricted(inst, {"c2": replace(inst.children["c2"], choices=("B",))})
    assert list(fewer.children) == ["c2"] and fewer.facilities is inst.facilities
    with pytest.raises(ValueError, match="c1"):
        restricted(inst, {"c1": replace(inst.children["c1"], choices=("A", "B"))})
    with pytest.raises(ValueError, match="c1"):
        restricted(inst, {"c1": replace(inst.children["c1"], age_class=2)})
