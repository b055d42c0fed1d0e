"""Places shared across age classes at a facility (共有枠): hand-made cases, the check, brute force."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.hoiku.checks.check import blocking_pairs, check_allocation
from kyodo.hoiku.engine.deferred_acceptance import group_capacities, seat_capacities
from kyodo.hoiku.engine.family import families
from kyodo.hoiku.engine.joint import build_units
from kyodo.hoiku.engine.pipeline import _check, run_round
from kyodo.hoiku.engine.priority import build_priority
from kyodo.hoiku.engine.scoring import score_instance
from kyodo.hoiku.model.instance import Facility, Instance
from tests.hoiku import referee
from tests.hoiku.builders import child, facility, instance


def shared(f: Facility, **groups: int) -> Facility:
    """shared(facility("A", age1=2, age2=2), ages12=3): ages 1 and 2 share 3 places."""
    return replace(
        f, shared_capacity={tuple(int(a) for a in k.removeprefix("ages")): n for k, n in groups.items()}
    )


def allocate(inst: Instance) -> dict[str, str | None]:
    result = run_round(inst, rules=None, fiscal_year=2026, seed=1)
    assert result.violations == ()
    return dict(result.assignment)


def test_the_shared_limit_binds_across_ages_in_priority_order() -> None:
    inst = instance(
        [shared(facility("A", age1=2, age2=2), ages12=3)],
        [
            child("one_hi", ["A"], age=1, points=40),
            child("two_hi", ["A"], age=2, points=39),
            child("one_lo", ["A"], age=1, points=38),
            child("two_lo", ["A"], age=2, points=37),
        ],
    )
    assert allocate(inst) == {"one_hi": "A", "two_hi": "A", "one_lo": "A", "two_lo": None}


def test_the_age_class_limit_still_binds_inside_a_group() -> None:
    inst = instance(
        [shared(facility("A", age1=1, age2=3), ages12=3)],
        [
            child("a", ["A"], age=1, points=40),
            child("b", ["A"], age=1, points=39),
            child("c", ["A"], age=2, points=10),
        ],
    )
    assert allocate(inst) == {"a": "A", "b": None, "c": "A"}


def test_a_higher_priority_child_of_another_age_displaces_one_in_the_group() -> None:
    inst = instance(
        [shared(facility("A", age1=1, age2=1), ages12=1), facility("B", age1=1)],
        [child("low", ["A", "B"], age=1, points=30), child("high", ["A"], age=2, points=40)],
    )
    assert allocate(inst) == {"low": "B", "high": "A"}


def test_a_shared_place_freed_by_a_transfer_is_taken_by_another_age() -> None:
    # t holds its own age-2 seat at A (the group's only place) until the family F loses B and
    # gives up B's age-2 seat; t moves there, and n (age 1) takes the freed shared place at A.
    inst = instance(
        [
            shared(facility("A", age1=1, age2=0), ages12=0),
            facility("B", age2=1, age3=1),
        ],
        [
            child("f1", ["B"], age=2, points=50, household="F", sibling_pattern=1),
            child("f2", ["B"], age=3, points=50, household="F", sibling_pattern=1),
            child("t", ["B"], age=2, points=40, current="A"),
            child("n", ["A"], age=1, points=45),
            child("y", ["B"], age=3, points=60),
        ],
    )
    assert allocate(inst) == {"f1": None, "f2": None, "t": "B", "n": "A", "y": "B"}


def test_a_family_member_displacing_at_its_age_frees_the_group_place_for_its_sibling() -> None:
    # f0 displaces s at age 0; s leaves the group too, so f2 (ranked below s) fits in it.
    inst = instance(
        [shared(facility("A", age0=1, age2=1), ages012=2)],
        [
            child("s", ["A"], age=0, points=30),
            child("f0", ["A"], age=0, points=40, household="F", sibling_pattern=1),
            child("f2", ["A"], age=2, points=20, household="F", sibling_pattern=1),
        ],
    )
    assert allocate(inst) == {"s": None, "f0": "A", "f2": "A"}


def test_a_transfer_seat_counts_in_its_group() -> None:
    inst = instance(
        [shared(facility("A", age1=1, age2=1), ages12=1)],
        [child("t", [], age=2, points=10, current="A"), child("n", ["A"], age=1, points=50)],
    )
    assert group_capacities(inst) == {("A", (1, 2)): 2}
    assert allocate(inst) == {"t": "A", "n": "A"}


def test_the_check_finds_over_the_shared_limit_and_envy_through_the_group() -> None:
    inst = instance(
        [shared(facility("A", age1=2, age2=2), ages12=2)],
        [
            child("hi", ["A"], age=1, points=40),
            child("mid", ["A"], age=2, points=35),
            child("lo", ["A"], age=2, points=30),
        ],
    )
    priority = build_priority(inst, score_instance(inst, None, 2026), None, seed=1)
    over = check_allocation(inst, priority, {"hi": "A", "mid": "A", "lo": "A"})
    assert [v.kind for v in over] == ["capacity"]
    assert "共有枠" in over[0].message
    envy = blocking_pairs(check_allocation(inst, priority, {"hi": None, "mid": "A", "lo": "A"}))
    assert [(v.kind, v.child_id, v.other_child_id) for v in envy] == [("justified_envy", "hi", "lo")]


def test_a_child_below_everyone_in_a_full_group_does_not_block() -> None:
    inst = instance(
        [shared(facility("A", age1=2, age2=2), ages12=1)],
        [child("hi", ["A"], age=2, points=40), child("lo", ["A"], age=1, points=30)],
    )
    priority = build_priority(inst, score_instance(inst, None, 2026), None, seed=1)
    assert check_allocation(inst, priority, {"hi": "A", "lo": None}) == []


def test_the_group_order_agrees_with_each_age_order() -> None:
    inst = instance(
        [shared(facility("A", age1=2, age2=2, age3=1), ages12=3)],
        [child(f"c{i}", ["A"], age=1 + i % 3, points=30 + (i * 7) % 5) for i in range(9)],
    )
    priority = build_priority(inst, score_instance(inst, None, 2026), None, seed=3)
    group = priority.group_order[("A", (1, 2))]
    assert sorted(group) == sorted(c for a in (1, 2) for c in priority.order[("A", a)])
    for a in (1, 2):
        assert [c for c in group if inst.children[c].age_class == a] == list(priority.order[("A", a)])
    assert ("A", (3,)) not in priority.group_order


def test_a_child_fixed_by_staff_takes_a_shared_place() -> None:
    from kyodo.hoiku.engine.pipeline import Decision

    inst = instance(
        [shared(facility("A", age1=1, age2=1), ages12=1)],
        [child("fixed", ["A"], age=1, points=10), child("other", ["A"], age=2, points=50)],
    )
    result = run_round(inst, rules=None, fiscal_year=2026, seed=1, decisions=[Decision("fix", "fixed", "A")])
    assert result.assignment == {"fixed": "A", "other": None}


def test_overlapping_groups_are_refused() -> None:
    from kyodo.hoiku.model.errors import InputError

    inst = instance([shared(facility("A", age1=1, age2=1), ages12=1, ages23=1)], [child("c", ["A"])])
    with pytest.raises(InputError, match="重なっています"):
        run_round(inst, rules=None, fiscal_year=2026, seed=1)


@st.composite
def shared_instances(draw: st.DrawFn, *, siblings: bool) -> Instance:
    """Tiny rounds: 1-3 facilities, ages 0-2, some with a shared group, transfers, maybe families."""
    fids = ["A", "B", "C"][: draw(st.integers(1, 3))]
    facilities = []
    for f in fids:
        fac = facility(f, **{f"age{a}": draw(st.integers(0, 2)) for a in (0, 1, 2)})
        ages = draw(st.sampled_from([None, (0, 1), (1, 2), (0, 1, 2), (1,)]))
        if ages is not None:
            fac = replace(fac, shared_capacity={ages: draw(st.integers(0, 3))})
        facilities.append(fac)
    children = []
    for u in range(draw(st.integers(1, 5))):
        size = draw(st.sampled_from([1, 1, 2])) if siblings else 1
        pattern = draw(st.integers(1, 7))
        for k in range(size):
            choices = draw(st.lists(st.sampled_from(fids), min_size=1, max_size=2, unique=True))
            others = [f for f in fids if f not in choices]
            current = draw(st.sampled_from([None, None, *others])) if others and size == 1 else None
            children.append(
                child(
                    f"u{u}c{k}",
                    choices,
                    age=draw(st.integers(0, 2)),
                    points=draw(st.integers(36, 40)),
                    household=f"H{u}",
                    sibling_pattern=pattern if size > 1 else 7,
                    current=current,
                )
            )
    return instance(facilities, children)


def brute_force(inst: Instance, seed: int) -> tuple[bool, int | None]:
    """(a stable allocation exists, most children placed among stable ones), by enumeration, judged by the
    test's own referee (`tests/hoiku/referee.py`), never by the engine's checkers."""
    fams = families(inst)
    priority = build_priority(inst, score_instance(inst, None, 2026), None, seed)
    units = referee.units(inst, {h: (f.children, f.combinations) for h, f in fams.items()})
    best = None
    for pick in itertools.product(*[[None, *u.combinations] for u in units]):
        assignment: dict[str, str | None] = dict.fromkeys(inst.children)
        for u, combo in zip(units, pick, strict=True):
            if combo is not None:
                assignment.update(zip(u.children, combo, strict=True))
        if referee.over_capacity(inst, assignment) or referee.lost_own_seat(inst, assignment):
            continue
        if referee.stable(inst, priority, assignment, units):
            placed = sum(1 for f in assignment.values() if f is not None)
            best = placed if best is None else max(best, placed)
    return best is not None, best


def _blocking(violations: tuple) -> list:  # type: ignore[type-arg]
    return [v for v in violations if v.kind in ("blocking_coalition", "justified_envy", "wasted_seat")]


@settings(max_examples=150, deadline=None)
@given(shared_instances(siblings=False), st.integers(0, 100))
def test_without_families_the_result_is_stable_and_places_as_many_as_any_stable_one(
    inst: Instance, seed: int
) -> None:
    result = run_round(inst, rules=None, fiscal_year=2026, seed=seed)
    assert result.run is not None and result.run.method == "deferred_acceptance"
    assert [v for v in result.violations if v.kind != "outside_choices"] == []
    exists, most = brute_force(inst, seed)
    assert exists
    assert sum(1 for f in result.assignment.values() if f is not None) == most


@settings(max_examples=120, deadline=None)
@given(shared_instances(siblings=True))
def test_with_families_the_engine_agrees_with_brute_force(inst: Instance) -> None:
    exists, _ = brute_force(inst, 7)
    result = run_round(inst, rules=None, fiscal_year=2026, seed=7)
    blocking = _blocking(result.violations)
    assert [v for v in result.violations if v.kind == "capacity"] == []
    assert (not blocking) == exists
    # (With families, stable allocations may place different numbers of children, and a stable
    # fast result is kept as it is: see the known case below.)
    assert sorted(f.child_id for f in result.flags if f.kind == "blocking") == sorted(
        v.child_id for v in blocking
    )


@settings(max_examples=60, deadline=None)
@given(shared_instances(siblings=True))
def test_the_exact_model_counts_no_blocking_exactly_when_the_check_finds_none(inst: Instance) -> None:
    from kyodo.hoiku.engine.exact import solve_exact

    fams = families(inst)
    priority = build_priority(inst, score_instance(inst, None, 2026), None, 7)
    units = build_units(inst, fams)
    exact = solve_exact(
        inst, priority, units, seat_capacities(inst), hint=dict.fromkeys(inst.children), focus=None
    )
    assert exact is not None
    violations = _check(inst, priority, exact.assignment, fams, {})
    assert [v for v in violations if v.kind == "capacity"] == []
    assert (exact.blocking == 0) == (not blocking_pairs(violations))
    referee_units = referee.units(inst, {h: (f.children, f.combinations) for h, f in fams.items()})
    assert (exact.blocking == 0) == referee.stable(inst, priority, exact.assignment, referee_units)
    exists, _ = brute_force(inst, 7)
    assert (exact.blocking == 0) == exists


def test_with_families_the_engine_places_as_many_as_the_best_stable_allocation() -> None:
    inst = instance(
        [shared(facility("A", age0=0, age1=1, age2=1), ages01=1), facility("B", age1=1, age2=1)],
        [
            child("u0c0", ["A", "B"], age=1, points=36, household="H0", sibling_pattern=1),
            child("u0c1", ["A", "B"], age=2, points=36, household="H0", sibling_pattern=1),
            child("u1c0", ["A"], age=2, points=36, household="H1", sibling_pattern=1),
            child("u1c1", ["A"], age=1, points=36, household="H1", sibling_pattern=1),
        ],
    )
    result = run_round(inst, rules=None, fiscal_year=2026, seed=7)
    assert brute_force(inst, 7) == (True, 4)
    assert not _blocking(result.violations)
    assert sum(1 for f in result.assignment.values() if f is not None) == 4
