"""Allocation: hand-made cases, transfers, and agreement with the `matching` library."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from kyodo.hoiku.checks.check import blocking_pairs, check_allocation
from kyodo.hoiku.engine.deferred_acceptance import deferred_acceptance, preference_lists, seat_capacities
from kyodo.hoiku.engine.pipeline import run_round
from kyodo.hoiku.engine.priority import build_priority
from kyodo.hoiku.engine.scoring import score_instance
from kyodo.hoiku.model.instance import Instance
from tests.hoiku.builders import child, facility, instance


def allocate(inst: Instance, seed: int = 1) -> dict[str, str | None]:
    return dict(run_round(inst, rules=None, fiscal_year=2026, seed=seed).assignment)


def test_it_gives_the_seat_to_the_higher_score() -> None:
    inst = instance([facility("A", age1=1)], [child("c1", ["A"], points=38), child("c2", ["A"], points=40)])
    assert allocate(inst) == {"c1": None, "c2": "A"}


def test_it_places_a_child_at_its_best_choice_with_room() -> None:
    inst = instance(
        [facility("A", age1=1), facility("B", age1=1)],
        [child("c1", ["A", "B"], points=38), child("c2", ["A", "B"], points=40)],
    )
    assert allocate(inst) == {"c1": "B", "c2": "A"}


def test_it_keeps_age_classes_apart() -> None:
    inst = instance(
        [facility("A", age0=1, age1=0)],
        [child("baby", ["A"], age=0, points=30), child("toddler", ["A"], age=1, points=40)],
    )
    assert allocate(inst) == {"baby": "A", "toddler": None}


def test_a_transfer_keeps_its_own_seat_when_nothing_better_is_free() -> None:
    inst = instance(
        [facility("A", age2=0), facility("B", age2=0)],
        [child("t", ["B"], age=2, points=30, current="A"), child("n", ["A"], age=2, points=40)],
    )
    assert allocate(inst) == {"t": "A", "n": None}


def test_a_seat_freed_by_a_transfer_goes_to_the_next_child() -> None:
    inst = instance(
        [facility("A", age2=0), facility("B", age2=1)],
        [child("t", ["B"], age=2, points=40, current="A"), child("n", ["A"], age=2, points=30)],
    )
    assert allocate(inst) == {"t": "B", "n": "A"}


def test_chains_of_transfers_resolve() -> None:
    # t1 moves A→B only if t2 leaves B for C, which has one free place.
    inst = instance(
        [facility("A", age3=0), facility("B", age3=0), facility("C", age3=1)],
        [
            child("t1", ["B"], age=3, points=40, current="A"),
            child("t2", ["C"], age=3, points=40, current="B"),
            child("n", ["A"], age=3, points=20),
        ],
    )
    assert allocate(inst) == {"t1": "B", "t2": "C", "n": "A"}


def test_the_check_finds_a_wasted_seat_and_justified_envy() -> None:
    inst = instance(
        [facility("A", age1=1), facility("B", age1=1)],
        [child("hi", ["A"], points=40), child("lo", ["A"], points=30), child("x", ["B"], points=10)],
    )
    scores = score_instance(inst, None, 2026)
    priority = build_priority(inst, scores, None, seed=1)
    bad = {"hi": None, "lo": "A", "x": None}
    kinds = sorted(v.kind for v in check_allocation(inst, priority, bad))
    assert kinds == ["justified_envy", "wasted_seat"]


def test_the_check_finds_over_capacity_and_places_outside_choices() -> None:
    inst = instance(
        [facility("A", age1=1), facility("B", age1=1)],
        [child("a", ["A"], points=1), child("b", ["A"], points=2)],
    )
    scores = score_instance(inst, None, 2026)
    priority = build_priority(inst, scores, None, seed=1)
    kinds = sorted(v.kind for v in check_allocation(inst, priority, {"a": "A", "b": "A"}))
    assert "capacity" in kinds
    kinds = [v.kind for v in check_allocation(inst, priority, {"a": "B", "b": "A"})]
    assert "outside_choices" in kinds


@st.composite
def random_instances(draw: st.DrawFn) -> Instance:
    n_facilities = draw(st.integers(1, 5))
    fids = [f"F{i}" for i in range(n_facilities)]
    facilities = [facility(f, **{f"age{a}": draw(st.integers(0, 2)) for a in (0, 1)}) for f in fids]
    children = []
    for i in range(draw(st.integers(1, 14))):
        choices = draw(st.lists(st.sampled_from(fids), min_size=1, max_size=n_facilities, unique=True))
        current = draw(st.sampled_from([None, *[f for f in fids if f not in choices]]))
        children.append(
            child(
                f"c{i}",
                choices,
                age=draw(st.integers(0, 1)),
                points=draw(st.integers(30, 34)),
                current=current,
            )
        )
    return instance(facilities, children)


def resident_optimal(inst: Instance, seed: int) -> dict[str, str | None]:
    """The `matching` library's resident-optimal solution under the same strict priorities."""
    scores = score_instance(inst, None, 2026)
    priority = build_priority(inst, scores, None, seed)
    capacity = seat_capacities(inst)
    prefs = preference_lists(inst)
    seat_name = {seat: f"{seat[0]}|{seat[1]}" for seat in priority.order}
    resident_prefs = {
        cid: [
            seat_name[(f, inst.children[cid].age_class)]
            for f in prefs[cid]
            if capacity.get((f, inst.children[cid].age_class), 0) > 0
        ]
        for cid in inst.children
    }
    applied = {s for names in resident_prefs.values() for s in names}
    hospital_prefs = {
        seat_name[s]: [c for c in order if seat_name[s] in resident_prefs[c]]
        for s, order in priority.order.items()
        if seat_name[s] in applied
    }
    capacities = {seat_name[s]: capacity[s] for s in priority.order if seat_name[s] in applied}
    out: dict[str, str | None] = dict.fromkeys(inst.children)
    residents = {c: p for c, p in resident_prefs.items() if p}
    if residents:
        game = HospitalResident.create_from_dictionaries(residents, hospital_prefs, capacities)
        for hospital, matched in game.solve(optimal="resident").items():
            for resident in matched:
                out[resident.name] = hospital.name.split("|")[0]
    return out


@settings(max_examples=150, deadline=None)
@given(random_instances(), st.integers(0, 1000))
def test_it_equals_the_resident_optimal_solution_and_is_stable(inst: Instance, seed: int) -> None:
    scores = score_instance(inst, None, 2026)
    priority = build_priority(inst, scores, None, seed)
    ours = deferred_acceptance(inst, priority)
    assert ours == resident_optimal(inst, seed)
    violations = check_allocation(inst, priority, ours)
    assert blocking_pairs(violations) == []
    assert violations == []


def test_overlapping_shared_places_are_refused_with_a_message() -> None:
    import dataclasses

    import pytest

    from kyodo.hoiku.model.errors import InputError

    shared = dataclasses.replace(facility("A", age1=2, age2=2), shared_capacity={(1, 2): 3, (2, 3): 2})
    inst = instance([shared], [child("c", ["A"], points=40)])
    with pytest.raises(InputError, match="共有枠"):
        run_round(inst, rules=None, fiscal_year=2026, seed=1)


def test_a_transfer_whose_current_facility_is_among_its_choices_keeps_its_seat() -> None:
    inst = instance(
        [facility("A", age2=0), facility("B", age2=0)],
        [child("t", ["B", "A"], age=2, points=30, current="A"), child("n", ["A"], age=2, points=40)],
    )
    result = run_round(inst, rules=None, fiscal_year=2026, seed=1)
    assert result.assignment == {"t": "A", "n": None}
    assert any(f.child_id == "t" and f.kind == "suspect_data" for f in result.flags)
