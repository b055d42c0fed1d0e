"""Hard constraints hold on random instances; on small ones the optimiser reaches the brute-force optimum."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo.jinzai import greedy, optimize
from kyodo.jinzai.check import violations
from kyodo.jinzai.feasibility import analyse
from kyodo.jinzai.model import Instance, ReasonCode
from kyodo.jinzai.scoring import objective
from tests.jinzai.builders import contended_instances, instances

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def brute_force(instance: Instance) -> int:
    """The best objective over every way to give each request to nobody or to a qualifying specialist."""
    cands = analyse(instance).candidates
    ids = [r.id for r in instance.requests]
    best = 0
    for choice in itertools.product(*[(None, *cands[r]) for r in ids]):
        plan = {r: s for r, s in zip(ids, choice, strict=True) if s is not None}
        if not violations(instance, plan):
            best = max(best, objective(instance, plan))
    return best


def _excluded_pairs(instance: Instance, assignment: dict[str, str]) -> list[tuple[str, str]]:
    """Checked here directly as well as by `check.violations`, so the two cannot share a mistake."""
    return [(r, s) for r, s in assignment.items() if s in instance.request(r).excluded]


@FAST
@given(instances() | contended_instances(max_specialists=4, max_requests=8))
def test_the_optimiser_never_breaks_a_hard_constraint(instance: Instance) -> None:
    plan = optimize.solve(instance, time_limit_s=5, workers=1)
    assert violations(instance, plan.by_request()) == []
    assert not _excluded_pairs(instance, plan.by_request())
    assert {a.request_id for a in plan.assignments}.isdisjoint({u.request_id for u in plan.unmatched})
    assert len(plan.assignments) + len(plan.unmatched) == len(instance.requests)


@FAST
@given(instances())
def test_the_greedy_baseline_never_breaks_a_hard_constraint(instance: Instance) -> None:
    plan = greedy.solve(instance)
    assert violations(instance, plan.by_request()) == []
    assert not _excluded_pairs(instance, plan.by_request())
    assert len(plan.assignments) + len(plan.unmatched) == len(instance.requests)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_specialists=3, max_requests=5) | contended_instances())
def test_the_optimiser_reaches_the_brute_force_optimum(instance: Instance) -> None:
    plan = optimize.solve(instance, time_limit_s=5, workers=1)
    assert plan.status == "OPTIMAL"
    assert plan.objective == objective(instance, plan.by_request()) == brute_force(instance)
    assert plan.objective >= greedy.solve(instance).objective


@FAST
@given(instances() | contended_instances(max_specialists=4, max_requests=8))
def test_every_unmatched_reason_is_true_of_the_instance_and_the_plan(instance: Instance) -> None:
    plan = optimize.solve(instance, time_limit_s=5, workers=1)
    base = plan.by_request()
    for u in plan.unmatched:
        r = instance.request(u.request_id)
        # Whatever the reason, nobody could have taken the request on top of this plan.
        for s in instance.specialists:
            assert violations(instance, {**base, r.id: s.id}), (r.id, s.id)
        skilled = [s for s in instance.specialists if all(s.skills.get(k, 0) >= v for k, v in r.skills.items())]
        moded = [s for s in skilled if r.mode in s.modes]
        free = [s for s in moded if r.municipality not in s.conflicts]
        allowed = [s for s in free if s.id not in r.excluded]
        alone = [s for s in allowed if not violations(instance, {r.id: s.id}) and s.max_cases != 0]
        expected = (
            ReasonCode.NO_SKILL if not skilled
            else ReasonCode.NO_MODE if not moded
            else ReasonCode.CONFLICT if not free
            else ReasonCode.EXCLUDED if not allowed
            else ReasonCode.NOT_AVAILABLE if not alone
            else ReasonCode.ALL_FULL
        )
        assert u.reason is expected, (u, expected)
        if expected is ReasonCode.ALL_FULL:
            assert set(u.candidates) == {s.id for s in alone}


@FAST
@given(instances(), st.data())
def test_replanning_keeps_every_confirmed_assignment_and_stays_sound(instance: Instance, data: st.DataObject) -> None:
    first = optimize.solve(instance, time_limit_s=5, workers=1).by_request()
    confirmed = {r: s for r, s in first.items() if data.draw(st.booleans())}
    for method in (optimize.solve, greedy.solve):
        plan = method(instance, confirmed=confirmed)
        assert {a.request_id: a.specialist_id for a in plan.assignments if a.confirmed} == confirmed
        assert violations(instance, plan.by_request()) == []
