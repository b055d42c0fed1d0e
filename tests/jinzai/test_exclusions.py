"""A request may exclude specialists (a coordinator declined the pair): never that pair, still those specialists
elsewhere, and a reason that says so when the exclusions are what leaves the request unmatched."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kyodo.jinzai import greedy, optimize
from kyodo.jinzai.check import violations
from kyodo.jinzai.errors import PlanError
from kyodo.jinzai.model import Instance, Plan, ReasonCode
from tests.jinzai.builders import BIG_WARD, SMALL_TOWN, request, specialist

CLOUD = "cloud_infrastructure"
SOLVERS: dict[str, Callable[[Instance], Plan]] = {
    "cpsat": lambda inst: optimize.solve(inst, time_limit_s=5, workers=1),
    "greedy": greedy.solve,
}


@pytest.mark.parametrize("method", SOLVERS)
def test_an_excluded_specialist_is_never_given_that_request_but_still_serves_another(method: str) -> None:
    # A is the best pair for R1 (named as preferred, and the only one with room for both weeks), yet excluded there.
    inst = Instance(
        (specialist("A", {CLOUD: 4}, hours=20), specialist("B", {CLOUD: 2}, hours=20)),
        (
            request("R1", {CLOUD: 2}, municipality=BIG_WARD, preferred="A", excluded=frozenset({"A"})),
            request("R2", {CLOUD: 4}, municipality=SMALL_TOWN),
            request("R3", {CLOUD: 2}, municipality=BIG_WARD, preferred="A"),
        ),
    )
    plan = SOLVERS[method](inst)
    assert plan.by_request() == {"R1": "B", "R2": "A", "R3": "A"}
    assert plan.unmatched == ()


@pytest.mark.parametrize("method", SOLVERS)
def test_a_request_whose_only_candidate_is_excluded_stays_unmatched_with_the_exclusion_as_reason(method: str) -> None:
    inst = Instance(
        (specialist("A", {CLOUD: 3}),),
        (
            request("R1", {CLOUD: 2}, municipality=BIG_WARD, excluded=frozenset({"A"})),
            request("R2", {CLOUD: 2}, municipality=BIG_WARD),
        ),
    )
    plan = SOLVERS[method](inst)
    assert plan.by_request() == {"R2": "A"}
    [u] = plan.unmatched
    assert u.request_id == "R1" and u.reason is ReasonCode.EXCLUDED
    assert u.message == "候補となる人材1名は、いずれもこの依頼では辞退・除外済みです。"
    assert "利益相反" not in u.message


def test_a_conflict_of_interest_is_named_before_exclusions_and_only_the_rest_are_counted() -> None:
    conflicted = frozenset({SMALL_TOWN})
    everyone_conflicted = Instance(
        (specialist("A", {CLOUD: 3}, conflicts=conflicted), specialist("B", {CLOUD: 3}, conflicts=conflicted)),
        (request("R", {CLOUD: 2}, municipality=SMALL_TOWN, excluded=frozenset({"B"})),),
    )
    [u] = greedy.solve(everyone_conflicted).unmatched
    assert u.reason is ReasonCode.CONFLICT
    one_left_and_excluded = Instance(
        (specialist("A", {CLOUD: 3}, conflicts=conflicted), specialist("B", {CLOUD: 3})),
        (request("R", {CLOUD: 2}, municipality=SMALL_TOWN, excluded=frozenset({"B"})),),
    )
    [u] = greedy.solve(one_left_and_excluded).unmatched
    assert u.reason is ReasonCode.EXCLUDED and "人材1名" in u.message


def test_the_independent_check_reports_an_excluded_pair() -> None:
    inst = Instance((specialist("A", {CLOUD: 3}),), (request("R", {CLOUD: 2}, excluded=frozenset({"A"})),))
    [v] = violations(inst, {"R": "A"})
    assert (v.request_id, v.specialist_id) == ("R", "A") and "excluded" in v.message


def test_a_confirmed_pair_that_the_request_now_excludes_is_refused() -> None:
    inst = Instance((specialist("A", {CLOUD: 3}),), (request("R", {CLOUD: 2}, excluded=frozenset({"A"})),))
    with pytest.raises(PlanError, match="除外"):
        greedy.solve(inst, confirmed={"R": "A"})
