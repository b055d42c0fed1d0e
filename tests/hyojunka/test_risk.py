"""Progress and the at-risk rule on crafted histories, and a property test against a referee written here."""

from __future__ import annotations

import math
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.hyojunka import Plan, RiskKind, catalog, report

KOTO = "131083"
AS_OF = date(2026, 12, 1)
DEADLINE = date(2027, 3, 31)


def plan(deadline: date = DEADLINE, **fields: object) -> Plan:
    return Plan(municipality=KOTO, system="juki", deadline=deadline.toordinal(), **fields)  # type: ignore[arg-type]


def days(*ds: date) -> dict[int, int]:
    """Steps 1, 2, … completed on these dates."""
    return {n: d.toordinal() for n, d in enumerate(ds, start=1)}


def judged(done: dict[int, int], deadline: date = DEADLINE, as_of: date = AS_OF):  # type: ignore[no-untyped-def]
    p = plan(deadline)
    return report([p], {p.key: done}, as_of.toordinal()).pairs[0]


def test_the_catalogue_has_20_systems_and_40_steps_in_three_phases():
    cat = catalog()
    assert len(cat.systems) == 20 and cat.system("戸籍の附票") is not None
    assert cat.step_count == 40
    assert cat.phases == ("計画立案", "システム選定", "移行")
    assert cat.steps[0].phase == "計画立案" and cat.steps[-1].phase == "移行"
    assert all(cat.references.values())


def test_progress_is_two_and_a_half_percent_per_completed_step():
    status = judged(days(*(date(2026, 1, 1) + timedelta(days=i) for i in range(7))))
    assert status.completed == 7 and status.progress == 17.5


def test_steps_completed_after_the_as_of_date_do_not_count():
    done = days(date(2026, 11, 1), date(2026, 12, 2))
    status = judged(done)
    assert status.completed == 1 and status.next_step == 2


def test_a_pair_with_no_step_in_90_days_is_stalled_and_says_since_when():
    done = days(date(2026, 1, 10), date(2026, 3, 5))
    status = judged(done)
    assert status.kind == RiskKind.STALLED and status.at_risk
    assert status.projected_completion is None
    assert "2026年3月5日に手順2「対象システムの現状把握」を完了して以来" in status.reason
    assert "残り38手順" in status.reason


def test_a_pair_with_nothing_done_is_stalled():
    status = judged({})
    assert status.kind == RiskKind.STALLED and "まだ手順が1つも完了していません" in status.reason


def test_a_pair_on_pace_is_not_at_risk():
    # 36 steps long ago, then 2 in the window: remaining 2 at 2 per 90 days → 90 days → 2027-03-01 ≤ deadline.
    done = {n: date(2025, 1, 1).toordinal() + n for n in range(1, 37)}
    done |= {37: date(2026, 10, 1).toordinal(), 38: date(2026, 11, 20).toordinal()}
    status = judged(done)
    assert status.kind == RiskKind.ON_TRACK and not status.at_risk and status.reason == ""
    assert status.projected_completion == (AS_OF + timedelta(days=90)).toordinal()


def test_a_pair_too_slow_for_its_deadline_is_late_and_says_by_how_much():
    # 10 done, 1 in the window: 30 remaining × 90 days = 2,700 days.
    done = {n: date(2024, 1, 1).toordinal() + n for n in range(1, 10)} | {10: date(2026, 11, 1).toordinal()}
    status = judged(done)
    projected = AS_OF + timedelta(days=2700)
    assert status.kind == RiskKind.LATE and status.at_risk
    assert status.projected_completion == projected.toordinal()
    over = (projected - DEADLINE).days
    assert f"完了見込みが{projected.year}年{projected.month}月{projected.day}日" in status.reason
    assert f"移行期限 2027年3月31日 を{over}日過ぎます" in status.reason


def test_the_projection_rounds_up_to_a_whole_day():
    # 38 done, 3 of them in the window: 2 remaining × 90 / 3 = 60 days exactly; with 7 in the window 25.71… → 26.
    base = {n: date(2025, 1, 1).toordinal() + n for n in range(1, 36)}
    recent = {n: date(2026, 11, 1).toordinal() for n in range(36, 39)}
    assert judged(base | recent).projected_completion == AS_OF.toordinal() + 60
    base = {n: date(2025, 1, 1).toordinal() + n for n in range(1, 32)}
    recent = {n: date(2026, 11, 1).toordinal() for n in range(32, 39)}
    assert judged(base | recent).projected_completion == AS_OF.toordinal() + 26


def test_a_complete_pair_is_never_at_risk_even_after_its_deadline():
    done = {n: date(2027, 1, 1).toordinal() for n in range(1, 41)}
    status = judged(done, deadline=date(2026, 3, 31), as_of=date(2027, 6, 1))
    assert status.kind == RiskKind.COMPLETE and not status.at_risk and status.progress == 100.0
    assert status.projected_completion == date(2027, 1, 1).toordinal()


def test_the_window_is_the_90_days_ending_on_the_as_of_date():
    inside = AS_OF - timedelta(days=89)  # the window's first day
    outside = AS_OF - timedelta(days=90)
    assert judged(days(inside)).recent == 1
    assert judged(days(outside)).recent == 0 and judged(days(outside)).kind == RiskKind.STALLED
    assert judged(days(AS_OF)).recent == 1


def test_summaries_count_what_the_pairs_say():
    p1, p2 = plan(), Plan(municipality="131113", system="koseki", deadline=DEADLINE.toordinal(), tokutei=True,
                          reason="mainframe")
    done = {p1.key: {n: date(2025, 1, 1).toordinal() for n in range(1, 41)}, p2.key: days(date(2026, 1, 1))}
    r = report([p1, p2], done, AS_OF.toordinal())
    juki = next(g for g in r.by_system if g.key == "juki")
    assert (juki.pairs, juki.complete, juki.at_risk, juki.progress) == (1, 1, 0, 100.0)
    ota = next(g for g in r.by_municipality if g.key == "131113")
    assert (ota.name, ota.stalled, ota.tokutei, ota.progress) == ("大田区", 1, 1, 2.5)
    mainframe = next(g for g in r.tokutei_by_reason if g.key == "mainframe")
    assert (mainframe.name, mainframe.pairs, mainframe.at_risk) == ("メインフレーム", 1, 1)
    assert r.risk_counts[RiskKind.COMPLETE] == 1 and r.risk_counts[RiskKind.STALLED] == 1


def test_cost_change_counts_migrated_pairs_against_the_30_percent_target():
    a = Plan(municipality=KOTO, system="juki", deadline=DEADLINE.toordinal(), cost_before=10_000_000,
             cost_after=6_900_000)
    b = Plan(municipality=KOTO, system="koseki", deadline=DEADLINE.toordinal(), cost_before=10_000_000,
             cost_after=7_100_000)
    c = Plan(municipality=KOTO, system="inkan", deadline=DEADLINE.toordinal(), cost_before=5_000_000,
             cost_after=1_000_000)  # not migrated: its 'after' is only an estimate
    full = {n: date(2026, 1, 1).toordinal() for n in range(1, 41)}
    r = report([a, b, c], {a.key: full, b.key: full, c.key: {}}, AS_OF.toordinal())
    by_system = {line.key: line for line in r.cost_by_system}
    assert by_system["juki"].meets_target and by_system["juki"].change_percent == -31.0
    assert not by_system["koseki"].meets_target and by_system["koseki"].change_percent == -29.0
    assert by_system["inkan"].pairs == 0
    assert (r.cost_total.before, r.cost_total.after, r.cost_total.change_percent) == (20_000_000, 14_000_000, -30.0)
    assert r.cost_total.meets_target  # exactly 30% meets it
    assert r.cost_total.pairs_meeting == 1


# --- property: the engine's verdict equals a referee that follows the words with dates and floats
def referee(done: dict[int, date], deadline: date, as_of: date) -> tuple[bool, date | None]:
    completed = [d for d in done.values() if d <= as_of]
    if len(completed) == 40:
        return False, max(completed)
    recent = [d for d in completed if as_of - timedelta(days=90) < d]
    pace = len(recent) / 90
    if pace == 0:
        return True, None
    projected = as_of + timedelta(days=math.ceil(round((40 - len(completed)) / pace, 9)))
    return projected > deadline, projected


@settings(max_examples=150, deadline=None)
@given(
    offsets=st.dictionaries(st.integers(1, 40), st.integers(-800, 60), max_size=40),
    deadline_offset=st.integers(-200, 3000),
    fill=st.booleans(),
)
def test_the_verdict_matches_the_referee(offsets: dict[int, int], deadline_offset: int, fill: bool) -> None:
    if fill:
        offsets = {n: offsets.get(n, -300) for n in range(1, 41)}
    done = {n: AS_OF + timedelta(days=o) for n, o in offsets.items()}
    deadline = AS_OF + timedelta(days=deadline_offset)
    status = judged({n: d.toordinal() for n, d in done.items()}, deadline)
    at_risk, projected = referee(done, deadline, AS_OF)
    assert status.at_risk == at_risk
    assert status.projected_completion == (projected.toordinal() if projected else None)
    assert bool(status.reason) == at_risk


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), offset=st.integers(-900, 30))
def test_history_agrees_with_the_report_at_each_day(seed: int, offset: int) -> None:
    from kyodo.hyojunka import history
    from kyodo.hyojunka.generate import generate
    from kyodo.municipalities import MUNICIPALITIES

    made = generate(seed=seed, municipalities=MUNICIPALITIES[seed % 50: seed % 50 + 3])
    day = date(2026, 12, 1).toordinal() + offset
    point = history(list(made.plans), made.steps, [day])[0]
    r = report(list(made.plans), made.steps, day)
    assert point.complete == r.risk_counts[RiskKind.COMPLETE]
    assert point.at_risk == len(r.at_risk)
    assert point.progress == round(sum(p.progress for p in r.pairs) / len(r.pairs), 1)
