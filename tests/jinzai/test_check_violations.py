"""jinzai's independent check, constraint by constraint: each one reported exactly (kind, request, specialist)
where it is broken, and not reported in its twin where it holds. And on random plans the check agrees with the
optimiser's own idea of what fits (`feasibility`), which it shares no code with."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo.jinzai.check import violations
from kyodo.jinzai.feasibility import Ledger, analyse
from kyodo.jinzai.model import Instance, Mode, Request, Specialist, Unit
from tests.jinzai.builders import BIG_WARD, MONDAY, SMALL_TOWN, instances, request, specialist

CLOUD = "cloud_infrastructure"
PM = "project_management"
Row = tuple[str, str | None, str | None]


def found(specialists: list[Specialist], requests: list[Request], plan: dict[str, str]) -> list[Row]:
    return [
        (str(v.kind), v.request_id, v.specialist_id)
        for v in violations(Instance(tuple(specialists), tuple(requests)), plan)
    ]


def one(s: Specialist, r: Request) -> list[Row]:
    return found([s], [r], {r.id: s.id})


def test_a_sound_pair_has_no_violation() -> None:
    assert one(specialist("A", {CLOUD: 3}), request("R", {CLOUD: 3})) == []


def test_an_unknown_request_or_specialist_is_reported() -> None:
    s, r = specialist("A", {CLOUD: 3}), request("R", {CLOUD: 1})
    assert found([s], [r], {"R": "Z"}) == [("unknown", "R", "Z")]
    assert found([s], [r], {"Q": "A"}) == [("unknown", "Q", "A")]


def test_a_skill_below_the_level_asked_is_reported_once_per_skill() -> None:
    s = specialist("A", {CLOUD: 2})
    assert one(s, request("R", {CLOUD: 3})) == [("skill", "R", "A")]
    assert one(s, request("R", {CLOUD: 3, PM: 1})) == [("skill", "R", "A"), ("skill", "R", "A")]
    assert one(s, request("R", {CLOUD: 2})) == []


def test_a_mode_the_specialist_does_not_offer_is_reported() -> None:
    remote_only = specialist("A", {CLOUD: 3}, modes=frozenset({Mode.REMOTE}))
    assert one(remote_only, request("R", {CLOUD: 1}, mode=Mode.ONSITE)) == [("mode", "R", "A")]
    assert one(remote_only, request("R", {CLOUD: 1}, mode=Mode.REMOTE)) == []


def test_a_conflict_of_interest_with_the_municipality_is_reported() -> None:
    s = specialist("A", {CLOUD: 3}, conflicts=frozenset({SMALL_TOWN}))
    assert one(s, request("R", {CLOUD: 1}, municipality=SMALL_TOWN)) == [("conflict", "R", "A")]
    assert one(s, request("R", {CLOUD: 1}, municipality=BIG_WARD)) == []


def test_a_specialist_the_request_excludes_is_reported() -> None:
    s = specialist("A", {CLOUD: 3})
    assert one(s, request("R", {CLOUD: 1}, excluded=frozenset({"A"}))) == [("excluded", "R", "A")]
    assert one(s, request("R", {CLOUD: 1}, excluded=frozenset({"B"}))) == []


def test_a_request_over_the_program_cap_is_reported() -> None:
    s = specialist("A", {CLOUD: 3}, hours=40)
    # Remote: at most 10 hours; on site: at most 3 days of 8 hours.
    assert one(s, request("R", {CLOUD: 1}, hours=11, weeks=2)) == [("program_cap", "R", "A")]
    assert one(s, request("R", {CLOUD: 1}, hours=10, weeks=2)) == []
    assert one(s, request("R", {CLOUD: 1}, hours=25, weeks=2, mode=Mode.ONSITE)) == [
        ("program_cap", "R", "A")
    ]
    assert one(s, request("R", {CLOUD: 1}, hours=24, weeks=2, mode=Mode.ONSITE)) == []


def test_more_minutes_in_a_week_than_offered_is_reported_for_the_specialist() -> None:
    r = request("R", {CLOUD: 1}, hours=6)
    [v] = violations(Instance((specialist("A", {CLOUD: 3}, hours=5),), (r,)), {"R": "A"})
    assert (str(v.kind), v.request_id, v.specialist_id) == ("weekly_hours", None, "A")
    assert "360 min planned, 300 available" in v.message
    assert one(specialist("A", {CLOUD: 3}, hours=6), r) == []


def test_the_current_load_takes_from_the_week() -> None:
    r = request("R", {CLOUD: 1}, hours=6)
    assert one(specialist("A", {CLOUD: 3}, hours=8, current_load_hours=3), r) == [("weekly_hours", None, "A")]
    assert one(specialist("A", {CLOUD: 3}, hours=8, current_load_hours=2), r) == []


def test_a_load_above_the_hours_offered_leaves_nothing() -> None:
    r = request("R", {CLOUD: 1}, hours=1)
    s = specialist("A", {CLOUD: 3}, hours=4, current_load_hours=6)
    [v] = violations(Instance((s,), (r,)), {"R": "A"})
    assert "60 min planned, 0 available" in v.message


def test_absent_weekdays_scale_the_week_down() -> None:
    r = request("R", {CLOUD: 1}, hours=7)
    mon_tue = ((MONDAY, MONDAY + timedelta(days=1)),)  # 3 of 5 days left: 10 h → 360 min
    assert one(specialist("A", {CLOUD: 3}, hours=10, absences=mon_tue), r) == [("weekly_hours", None, "A")]
    assert one(specialist("A", {CLOUD: 3}, hours=10), r) == []
    assert (
        one(specialist("A", {CLOUD: 3}, hours=10, absences=mon_tue), request("R", {CLOUD: 1}, hours=6)) == []
    )


def test_absences_in_another_week_or_at_the_weekend_do_not_count() -> None:
    r = request("R", {CLOUD: 1}, hours=10)
    next_week = ((MONDAY + timedelta(days=7), MONDAY + timedelta(days=11)),)
    weekend = ((MONDAY + timedelta(days=5), MONDAY + timedelta(days=6)),)
    assert one(specialist("A", {CLOUD: 3}, hours=10, absences=next_week), r) == []
    assert one(specialist("A", {CLOUD: 3}, hours=10, absences=weekend), r) == []
    whole_week = ((MONDAY - timedelta(days=2), MONDAY + timedelta(days=4)),)
    assert one(specialist("A", {CLOUD: 3}, hours=10, absences=whole_week), r) == [("weekly_hours", None, "A")]


def test_a_request_is_spread_over_its_weeks_rounded_up_to_the_minute() -> None:
    # 1 hour over 7 weeks: 9 minutes a week (60/7 rounded up), against nothing left.
    r = request("R", {CLOUD: 1}, hours=1, weeks=7)
    vs = violations(Instance((specialist("A", {CLOUD: 3}, hours=0),), (r,)), {"R": "A"})
    assert [v.message.split(": ")[1] for v in vs] == ["9 min planned, 0 available"] * 7
    assert [v.message.split(":")[0] for v in vs] == [
        f"week of {(MONDAY + timedelta(days=7 * w)).isoformat()}" for w in range(7)
    ]


def test_a_period_from_thursday_to_tuesday_touches_two_weeks() -> None:
    r = request("R", {CLOUD: 1}, hours=8, start=MONDAY + timedelta(days=3))
    r = Request(**{**{f: getattr(r, f) for f in r.__dataclass_fields__}, "end": MONDAY + timedelta(days=8)})
    assert one(specialist("A", {CLOUD: 3}, hours=4), r) == []  # 240 min in each of two weeks
    assert one(specialist("A", {CLOUD: 3}, hours=3), r) == [("weekly_hours", None, "A")] * 2


def test_two_requests_in_one_week_add_up() -> None:
    s = specialist("A", {CLOUD: 3}, hours=8)
    r1, r2 = request("R1", {CLOUD: 1}, hours=4), request("R2", {CLOUD: 1}, hours=5)
    assert found([s], [r1, r2], {"R1": "A", "R2": "A"}) == [("weekly_hours", None, "A")]
    assert found([s], [r1, r2], {"R1": "A"}) == []
    later = request("R2", {CLOUD: 1}, hours=5, start=MONDAY + timedelta(days=7))
    assert found([s], [r1, later], {"R1": "A", "R2": "A"}) == []


def test_more_cases_than_the_specialist_takes_is_reported() -> None:
    r1, r2 = request("R1", {CLOUD: 1}, hours=1), request("R2", {CLOUD: 1}, hours=1)
    one_case = specialist("A", {CLOUD: 3}, max_cases=1)
    assert found([one_case], [r1, r2], {"R1": "A", "R2": "A"}) == [("max_cases", None, "A")]
    assert found([one_case], [r1, r2], {"R1": "A"}) == []
    assert found([specialist("A", {CLOUD: 3}, max_cases=2)], [r1, r2], {"R1": "A", "R2": "A"}) == []
    assert found([specialist("A", {CLOUD: 3}, max_cases=0)], [r1], {"R1": "A"}) == [("max_cases", None, "A")]


def test_each_broken_constraint_of_a_pair_is_reported() -> None:
    s = specialist(
        "A", {CLOUD: 1}, hours=1, modes=frozenset({Mode.REMOTE}), conflicts=frozenset({SMALL_TOWN})
    )
    r = request(
        "R", {CLOUD: 2}, hours=25, mode=Mode.ONSITE, municipality=SMALL_TOWN, excluded=frozenset({"A"})
    )
    assert sorted(one(s, r)) == sorted(
        [
            ("skill", "R", "A"),
            ("mode", "R", "A"),
            ("conflict", "R", "A"),
            ("excluded", "R", "A"),
            ("program_cap", "R", "A"),
            ("weekly_hours", None, "A"),
        ]
    )


@st.composite
def plans(draw: st.DrawFn) -> tuple[Instance, dict[str, str]]:
    inst = draw(instances(max_specialists=3, max_requests=6))
    # Loads up to the whole week, so that the current load decides some plans.
    loaded = tuple(
        replace(s, current_load_hours=draw(st.integers(0, s.hours_per_week + 1))) for s in inst.specialists
    )
    inst = Instance(loaded, inst.requests)
    ids = [s.id for s in inst.specialists]
    plan = {r.id: draw(st.sampled_from(ids)) for r in inst.requests if draw(st.booleans())}
    return inst, plan


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_the_check_accepts_a_plan_exactly_when_the_optimisers_ledger_can_hold_it(
    drawn: tuple[Instance, dict[str, str]],
) -> None:
    inst, plan = drawn
    ledger = Ledger(inst, analyse(inst))
    holds = True
    for rid, sid in plan.items():
        if not ledger.fits(rid, sid):
            holds = False
            break
        ledger.add(rid, sid)
    # The generator stays within the program caps, which the ledger leaves to the readers.
    assert holds == (violations(inst, plan) == [])


def test_each_violation_says_what_is_broken() -> None:
    s = specialist(
        "A", {CLOUD: 1}, hours=40, modes=frozenset({Mode.REMOTE}), conflicts=frozenset({SMALL_TOWN})
    )
    r = request(
        "R", {CLOUD: 2}, hours=25, mode=Mode.ONSITE, municipality=SMALL_TOWN, excluded=frozenset({"A"})
    )
    messages = {str(v.kind): v.message for v in violations(Instance((s,), (r,)), {"R": "A"})}
    assert messages == {
        "skill": "skill cloud_infrastructure below 2",
        "mode": "mode 現地 not offered",
        "conflict": "conflict of interest",
        "excluded": "specialist excluded from this request",
        "program_cap": "25 hours over the program cap",
    }
    [unknown] = violations(Instance((s,), (r,)), {"R": "Z"})
    assert unknown.message == "unknown request or specialist"
    [cases] = violations(
        Instance((specialist("B", {CLOUD: 3}, max_cases=0),), (request("Q", {CLOUD: 1}),)), {"Q": "B"}
    )
    assert cases.message == "1 cases, limit 0"


def test_a_period_ending_on_sunday_stays_in_its_week() -> None:
    r = request("R", {CLOUD: 1}, hours=8)
    r = Request(**{**{f: getattr(r, f) for f in r.__dataclass_fields__}, "end": MONDAY + timedelta(days=6)})
    assert one(specialist("A", {CLOUD: 3}, hours=8), r) == []  # one week of 480 minutes, not two
    [v] = violations(Instance((specialist("A", {CLOUD: 3}, hours=7),), (r,)), {"R": "A"})
    assert v.message == f"week of {MONDAY.isoformat()}: 480 min planned, 420 available"


def test_an_unknown_pair_does_not_hide_the_pairs_after_it() -> None:
    s, r = specialist("A", {CLOUD: 1}), request("R", {CLOUD: 2})
    assert found([s], [r], {"Q": "A", "R": "A"}) == [("unknown", "Q", "A"), ("skill", "R", "A")]


def test_one_hour_left_in_the_week_holds_a_one_hour_request() -> None:
    r = request("R", {CLOUD: 1}, hours=1)
    assert one(specialist("A", {CLOUD: 3}, hours=5, current_load_hours=4), r) == []
    assert one(specialist("A", {CLOUD: 3}, hours=5, current_load_hours=5), r) == [("weekly_hours", None, "A")]


def test_an_on_site_request_in_days_is_capped_in_hours() -> None:
    days = Request(
        **{
            **{f: getattr(request("R", {CLOUD: 1}), f) for f in Request.__dataclass_fields__},
            "amount": 4,
            "unit": Unit.DAYS,
            "mode": Mode.ONSITE,
            "end": MONDAY + timedelta(days=11),
        }
    )
    [v] = violations(Instance((specialist("A", {CLOUD: 3}, hours=40),), (days,)), {"R": "A"})
    assert (str(v.kind), v.message) == ("program_cap", "32 hours over the program cap")
