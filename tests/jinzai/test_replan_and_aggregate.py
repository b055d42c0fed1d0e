"""Re-planning keeps confirmed assignments; similar demand is grouped and its costs add up to the yen."""

from __future__ import annotations

import pytest

from kyodo.jinzai import greedy, optimize
from kyodo.jinzai.aggregate import group_demand, joint_project, joint_projects
from kyodo.jinzai.errors import PlanError
from kyodo.jinzai.generate import generate
from kyodo.jinzai.model import Instance
from tests.jinzai.builders import BIG_WARD, ISLAND, SMALL_TOWN, request, specialist

CLOUD = "cloud_infrastructure"


def _two_requests_one_slot() -> Instance:
    return Instance(
        (specialist("A", {CLOUD: 3}, hours=6), specialist("B", {CLOUD: 3}, hours=6)),
        (request("OLD", {CLOUD: 2}, hours=5), request("NEW", {CLOUD: 2}, hours=5, preferred="A")),
    )


def test_replanning_keeps_a_confirmed_assignment_even_when_moving_it_would_score_better() -> None:
    inst = _two_requests_one_slot()
    # Unconstrained, NEW gets A (its preferred specialist) and OLD gets B.
    assert optimize.solve(inst, time_limit_s=5, workers=1).by_request() == {"OLD": "B", "NEW": "A"}
    plan = optimize.solve(inst, confirmed={"OLD": "A"}, time_limit_s=5, workers=1)
    assert plan.by_request() == {"OLD": "A", "NEW": "B"}
    assert [a.confirmed for a in plan.assignments] == [True, False]
    assert greedy.solve(inst, confirmed={"OLD": "A"}).by_request() == {"OLD": "A", "NEW": "B"}


def test_a_confirmed_assignment_that_no_longer_fits_is_refused_with_a_reason() -> None:
    inst = _two_requests_one_slot()
    with pytest.raises(PlanError, match="成り立ちません"):
        optimize.solve(inst, confirmed={"OLD": "A", "NEW": "A"}, time_limit_s=5, workers=1)
    with pytest.raises(PlanError, match="人材一覧にありません"):
        greedy.solve(inst, confirmed={"OLD": "Z"})


def test_requests_of_the_same_kind_are_grouped_across_municipalities() -> None:
    inst = Instance(
        (specialist("A", {CLOUD: 3}),),
        (
            request("R1", {CLOUD: 2}, category="移行", municipality=SMALL_TOWN),
            request("R2", {CLOUD: 3}, category="移行", municipality=BIG_WARD),
            request("R3", {CLOUD: 2}, category="AI", municipality=ISLAND),
        ),
    )
    groups = group_demand(inst)
    assert [(g.category, g.request_ids) for g in groups] == [("移行", ("R1", "R2")), ("AI", ("R3",))]
    assert [jp.group.request_ids for jp in joint_projects(inst)] == [("R1", "R2")]
    with pytest.raises(ValueError):
        joint_project(inst, groups[1])


def test_the_cost_ledger_shares_base_costs_equally_and_charges_service_by_use_to_the_yen() -> None:
    inst = generate(specialists=20, requests=120, seed=5)
    projects = joint_projects(inst)
    assert projects
    p = inst.policy
    for jp in projects:
        shares = [line.base_share_yen for line in jp.ledger]
        assert sum(shares) == p.base_cost_yen and max(shares) - min(shares) <= 1
        for line in jp.ledger:
            hours = sum(inst.request(r).hours(p) for r in jp.group.request_ids
                        if inst.request(r).municipality == line.municipality)
            assert line.service_yen == hours * p.hourly_rate_yen
        assert jp.total_yen == p.base_cost_yen + sum(line.service_yen for line in jp.ledger)
        assert jp.saving_yen == p.base_cost_yen * (len(jp.ledger) - 1)


def test_match_dispatches_by_method_and_refuses_an_unknown_one() -> None:
    from kyodo.jinzai import match

    inst = _two_requests_one_slot()
    assert match(inst, method="greedy").method == "greedy"
    assert match(inst, time_limit_s=5, workers=1).method == "cpsat"
    with pytest.raises(ValueError, match="unknown matching method"):
        match(inst, method="random")


def test_a_time_limit_too_short_to_find_any_plan_is_reported_in_japanese() -> None:
    inst = generate(specialists=300, requests=500, seed=1)
    with pytest.raises(PlanError, match="制限時間"):
        optimize.solve(inst, time_limit_s=0.001, workers=1)
