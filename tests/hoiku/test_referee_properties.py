"""The hoiku checkers against referees that share no code with them: the simple referee in `tests/hoiku/referee.py`
on every allocation of small random rounds (shared places, transfers, families), and, within its model (no shared
places), ChilmAI's own blocking-coalition check (`chilmai…helper_functions.check_bp`)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import replace

from chilmai.algorithm.cp_use_transfer.helper_functions import check_bp
from chilmai.constants import UNMATCHED_DAYCARE_ID
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.hoiku.checks.check import check_allocation
from kyodo.hoiku.checks.coalitions import check_families
from kyodo.hoiku.engine.family import Family, families
from kyodo.hoiku.engine.pipeline import run_round
from kyodo.hoiku.engine.priority import build_priority
from kyodo.hoiku.engine.scoring import score_instance
from kyodo.hoiku.model.instance import Instance
from kyodo.hoiku.model.result import Priority
from tests.hoiku import referee
from tests.hoiku.builders import child, facility, instance

BLOCKING = ("wasted_seat", "justified_envy", "blocking_coalition")


@st.composite
def rounds(draw: st.DrawFn, *, shared_places: bool = True, transfers: bool = True) -> Instance:
    """1-3 facilities, ages 0-2, 2-4 units (a child alone or two siblings), maybe shared places and transfers."""
    fids = ["A", "B", "C"][: draw(st.integers(1, 3))]
    facilities = []
    for f in fids:
        fac = facility(f, **{f"age{a}": draw(st.integers(0, 2)) for a in (0, 1, 2)})
        ages = draw(st.sampled_from([None, (0, 1), (1, 2), (0, 1, 2)])) if shared_places else None
        if ages is not None:
            fac = replace(fac, shared_capacity={ages: draw(st.integers(0, 3))})
        facilities.append(fac)
    children = []
    for u in range(draw(st.integers(2, 4))):
        size = draw(st.sampled_from([1, 1, 2]))
        pattern = draw(st.integers(1, 7))
        for k in range(size):
            choices = draw(st.lists(st.sampled_from(fids), min_size=1, max_size=2, unique=True))
            others = [f for f in fids if f not in choices]
            current = draw(st.sampled_from([None, None, *others])) if transfers and others else None
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


def setup(inst: Instance, seed: int = 7) -> tuple[Priority, dict[str, Family], list[referee.Unit]]:
    fams = families(inst)
    priority = build_priority(inst, score_instance(inst, None, 2026), None, seed)
    units = referee.units(inst, {h: (f.children, f.combinations) for h, f in fams.items()})
    return priority, fams, units


def engine_verdict(
    inst: Instance, priority: Priority, assignment: Mapping[str, str | None], fams: Mapping[str, Family]
):  # type: ignore[no-untyped-def]
    """(blocking unit keys, over capacity, children losing their own seat) by the engine's two checkers."""
    members = frozenset(c for f in fams.values() for c in f.children)
    found = check_allocation(inst, priority, assignment, joint=members) + check_families(
        inst, priority, assignment, fams
    )
    household = {c: h for h, f in fams.items() for c in f.children}
    blocking = {
        household.get(v.child_id, v.child_id) for v in found if str(v.kind) in BLOCKING and v.child_id
    }
    over = any(str(v.kind) == "capacity" for v in found)
    lost = sorted(v.child_id for v in found if str(v.kind) == "transfer_worse" and v.child_id)
    return blocking, over, lost


def allocations(inst: Instance) -> list[dict[str, str | None]]:
    """Every way to give each child nothing, one of its choices, or its own seat (families may be split)."""
    ids = sorted(inst.children)
    options = [
        [None, *inst.children[c].choices, *filter(None, [inst.children[c].current_facility])] for c in ids
    ]
    return [dict(zip(ids, pick, strict=True)) for pick in itertools.product(*options)]


@settings(max_examples=80, deadline=None)
@given(rounds())
def test_the_checkers_agree_with_the_referee_on_every_allocation(inst: Instance) -> None:
    priority, fams, units = setup(inst)
    for assignment in allocations(inst)[:400]:
        blocking, over, lost = engine_verdict(inst, priority, assignment, fams)
        assert over == referee.over_capacity(inst, assignment), assignment
        assert lost == referee.lost_own_seat(inst, assignment), assignment
        # Blocking is defined on allocations that respect the places and every transfer applicant's own seat.
        if not over and not lost:
            assert blocking == referee.blocking_units(inst, priority, assignment, units), assignment


def brute_force(inst: Instance, priority: Priority, units: list[referee.Unit]) -> int | None:
    """Most children placed among the referee's stable allocations (each unit at an accepted combination, or
    nothing), or None when none is stable."""
    best = None
    for assignment in unit_allocations(inst, units):
        if referee.over_capacity(inst, assignment) or referee.lost_own_seat(inst, assignment):
            continue
        if referee.stable(inst, priority, assignment, units):
            placed = sum(1 for f in assignment.values() if f is not None)
            best = placed if best is None else max(best, placed)
    return best


@settings(max_examples=60, deadline=None)
@given(rounds())
def test_the_engine_finds_a_stable_allocation_exactly_when_the_referee_finds_one(inst: Instance) -> None:
    priority, fams, units = setup(inst)
    result = run_round(inst, rules=None, fiscal_year=2026, seed=7)
    most = brute_force(inst, priority, units)
    assert not referee.over_capacity(inst, result.assignment)
    assert not referee.lost_own_seat(inst, result.assignment)
    stable = referee.stable(inst, priority, result.assignment, units)
    assert stable == (most is not None)
    # The engine's own verdict on its result is the referee's, unit by unit.
    assert engine_verdict(inst, priority, result.assignment, fams)[0] == referee.blocking_units(
        inst, priority, result.assignment, units
    )
    if not fams:
        assert sum(1 for f in result.assignment.values() if f is not None) == most


# --- ChilmAI's check as an oracle ----------------------------------------------------------------------------


def chilmai_blocking(
    inst: Instance, priority: Priority, units: list[referee.Unit], assignment: Mapping[str, str | None]
) -> set[str]:
    """Units that ChilmAI's check_bp finds blocking, with ChilmAI's dictionaries built from our instance."""
    children_dic = {
        cid: {
            "id": cid,
            "age": c.age_class,
            "family_id": c.household_id,
            "initial_daycare_id": c.current_facility,
            "preference_list": list(c.choices),
        }
        for cid, c in inst.children.items()
    }
    daycares_dic = {
        f.id: {
            "id": f.id,
            "recruiting_numbers_list": [f.vacancy(a) for a in range(6)],
            "share_ages_list": [],
            # One list per facility; ChilmAI splits it by age itself and only compares children of one age.
            "priority_child_id_list": [c for a in range(6) for c in priority.order.get((f.id, a), ())],
            "priority_score_list": [0 for a in range(6) for _ in priority.order.get((f.id, a), ())],
        }
        for f in inst.facilities.values()
    }
    families_dic = {
        u.key: {
            "id": u.key,
            "children": list(u.children),
            "pref": [c if len(c) > 1 else c[0] for c in u.combinations],
        }
        for u in units
    }
    outcome: dict[tuple[str, int], int] = {}
    for u in units:
        got = tuple(assignment.get(c) for c in u.children)
        for p, combo in enumerate(u.combinations):
            outcome[u.key, p] = int(combo == got)
    found = check_bp(children_dic, daycares_dic, families_dic, outcome)
    return {key for key, positions in found.items() if positions and key != UNMATCHED_DAYCARE_ID}


def unit_allocations(inst: Instance, units: list[referee.Unit]) -> list[dict[str, str | None]]:
    """Every allocation giving each unit one of the combinations it accepts, or nothing."""
    found = []
    for pick in itertools.product(*[[None, *u.combinations] for u in units]):
        assignment: dict[str, str | None] = dict.fromkeys(inst.children)
        for u, combo in zip(units, pick, strict=True):
            if combo is not None:
                assignment.update(zip(u.children, combo, strict=True))
        found.append(assignment)
    return found


@settings(max_examples=40, deadline=None)
@given(rounds(shared_places=False), st.randoms(use_true_random=False))
def test_the_engines_verdict_agrees_with_chilmais_check_on_its_result_and_perturbed_allocations(
    inst: Instance, rnd
) -> None:  # type: ignore[no-untyped-def]
    priority, fams, units = setup(inst)
    result = run_round(inst, rules=None, fiscal_year=2026, seed=7)
    # ChilmAI sees a family only at a combination it accepts: perturb within those.
    perturbed = [
        a
        for a in unit_allocations(inst, units)
        if not referee.over_capacity(inst, a) and not referee.lost_own_seat(inst, a)
    ]
    for assignment in [result.assignment, *rnd.sample(perturbed, min(12, len(perturbed)))]:
        ours = engine_verdict(inst, priority, assignment, fams)[0]
        assert ours == chilmai_blocking(inst, priority, units, assignment), assignment
