"""Each unmatched request gets the first reason that is true of it, worded for the municipality."""

from __future__ import annotations

from datetime import timedelta

from kyodo.jinzai import greedy, optimize
from kyodo.jinzai.model import Instance, Mode, ReasonCode, Urgency
from tests.jinzai.builders import BIG_WARD, MONDAY, SMALL_TOWN, request, specialist

CLOUD = "cloud_infrastructure"
PM = "project_management"


def _only_reason(instance: Instance) -> tuple[ReasonCode, str]:
    plan = optimize.solve(instance, time_limit_s=5, workers=1)
    assert len(plan.unmatched) == 1
    return plan.unmatched[0].reason, plan.unmatched[0].message


def test_it_names_the_skill_and_level_nobody_has() -> None:
    inst = Instance((specialist("A", {CLOUD: 2}),), (request("R", {CLOUD: 3}),))
    code, message = _only_reason(inst)
    assert code is ReasonCode.NO_SKILL
    assert "「クラウドインフラ活用」レベル3以上の人材が登録されていません" in message


def test_it_says_when_skills_exist_apart_but_nobody_has_them_together() -> None:
    inst = Instance((specialist("A", {CLOUD: 3}), specialist("B", {PM: 3})), (request("R", {CLOUD: 2, PM: 2}),))
    code, message = _only_reason(inst)
    assert code is ReasonCode.NO_SKILL
    assert "すべて満たす人材がいません" in message


def test_it_says_nobody_with_the_skill_works_on_site() -> None:
    inst = Instance(
        (specialist("A", {CLOUD: 3}, modes=frozenset({Mode.REMOTE})),),
        (request("R", {CLOUD: 2}, mode=Mode.ONSITE),),
    )
    code, message = _only_reason(inst)
    assert code is ReasonCode.NO_MODE
    assert "現地" in message


def test_it_reports_a_conflict_of_interest_by_municipality_name() -> None:
    inst = Instance(
        (specialist("A", {CLOUD: 3}, conflicts=frozenset({SMALL_TOWN})),),
        (request("R", {CLOUD: 2}, municipality=SMALL_TOWN),),
    )
    code, message = _only_reason(inst)
    assert code is ReasonCode.CONFLICT
    assert "瑞穂町と利益相反" in message


def test_it_reports_absence_in_the_period_as_not_available() -> None:
    away = ((MONDAY, MONDAY + timedelta(days=4)),)
    inst = Instance((specialist("A", {CLOUD: 3}, absences=away),), (request("R", {CLOUD: 2}),))
    code, message = _only_reason(inst)
    assert code is ReasonCode.NOT_AVAILABLE
    assert "期間2026-04-06〜2026-04-10" in message and "週4時間" in message


def test_it_reports_all_full_and_names_who_is_full() -> None:
    inst = Instance(
        (specialist("A", {CLOUD: 3}, hours=6),),
        (request("R1", {CLOUD: 2}, hours=5), request("R2", {CLOUD: 2}, hours=5)),
    )
    plan = optimize.solve(inst, time_limit_s=5, workers=1)
    [u] = plan.unmatched
    assert u.reason is ReasonCode.ALL_FULL and u.candidates == ("A",)
    assert "1名" in u.message and "埋まっています" in u.message


def test_the_same_request_is_not_full_in_another_week() -> None:
    later = MONDAY + timedelta(days=7)
    inst = Instance(
        (specialist("A", {CLOUD: 3}, hours=6),),
        (request("R1", {CLOUD: 2}, hours=5), request("R2", {CLOUD: 2}, hours=5, start=later)),
    )
    assert optimize.solve(inst, time_limit_s=5, workers=1).unmatched == ()


def test_the_optimiser_serves_more_than_greedy_when_greedy_takes_the_scarce_specialist() -> None:
    # Greedy gives the urgent request to the best-scoring expert (preferred), who was the only one for R2.
    inst = Instance(
        (specialist("EXPERT", {CLOUD: 4}, hours=6), specialist("JUNIOR", {CLOUD: 2}, hours=6)),
        (
            request("R1", {CLOUD: 2}, hours=5, urgency=Urgency.URGENT,
                    preferred="EXPERT", municipality=BIG_WARD),
            request("R2", {CLOUD: 4}, hours=5, municipality=SMALL_TOWN),
        ),
    )
    assert len(greedy.solve(inst).assignments) == 1
    plan = optimize.solve(inst, time_limit_s=5, workers=1)
    assert plan.by_request() == {"R1": "JUNIOR", "R2": "EXPERT"}


def test_a_weekly_need_under_an_hour_is_written_in_minutes() -> None:
    away = ((MONDAY, MONDAY + timedelta(days=25)),)
    inst = Instance((specialist("A", {CLOUD: 3}, absences=away),), (request("R", {CLOUD: 2}, hours=2, weeks=4),))
    code, message = _only_reason(inst)
    assert code is ReasonCode.NOT_AVAILABLE
    assert "週30分" in message
