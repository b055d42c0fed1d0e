"""Hard constraints and each municipality's own order hold on random instances (judged by `referee.py`); on tiny
ones the fair method reaches the best possible worst share and the most seats (brute force)."""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo.kenshu import Instance, allocate
from tests.kenshu.builders import instances
from tests.kenshu.referee import broken_rules, sorted_shares, worst_share

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _every_nomination_once(instance: Instance, plan) -> None:  # type: ignore[no-untyped-def]
    seated = {a.nomination for a in plan.assignments}
    unseated = {u.nomination for u in plan.unseated}
    assert seated.isdisjoint(unseated)
    assert seated | unseated == {n.id for n in instance.nominations}


@FAST
@given(instances())
def test_fair_never_breaks_a_hard_constraint_or_a_municipalitys_order(instance: Instance) -> None:
    plan = allocate(instance, method="fair", seed=7)
    assert broken_rules(instance, plan.seat_of()) == []
    _every_nomination_once(instance, plan)


@FAST
@given(instances())
def test_fcfs_never_breaks_a_hard_constraint_or_a_municipalitys_order(instance: Instance) -> None:
    plan = allocate(instance, method="fcfs", seed=7)
    assert broken_rules(instance, plan.seat_of()) == []
    _every_nomination_once(instance, plan)


@FAST
@given(instances())
def test_every_unseated_nominee_has_a_place_on_each_listed_session_waitlist(instance: Instance) -> None:
    plan = allocate(instance, seed=3)
    noms = {n.id: n for n in instance.nominations}
    for u in plan.unseated:
        if u.reason.name in ("FULL", "MUNICIPAL_CAP"):
            assert [s for s, _ in u.waitlist] == list(noms[u.nomination].sessions)
            for sid, pos in u.waitlist:
                assert plan.waitlists[sid][pos - 1] == u.nomination
        else:
            assert u.waitlist == ()


def _brute_force(instance: Instance) -> tuple[float, int, tuple[float, ...]]:
    """(best worst share, most seats, best sorted share vector) over every choice of nobody-or-a-listed-session per
    nomination that keeps the hard constraints."""
    options = [(None, *n.sessions) for n in instance.nominations]
    best_share, most, best_vector = 0.0, 0, ()
    for choice in itertools.product(*options):
        seats = {n.id: s for n, s in zip(instance.nominations, choice, strict=True) if s is not None}
        if broken_rules(instance, seats) and _hard(instance, seats):
            continue
        best_share = max(best_share, worst_share(instance, seats))
        most = max(most, len(seats))
        best_vector = max(best_vector, sorted_shares(instance, seats))
    return best_share, most, best_vector


def _hard(instance: Instance, seats: dict[str, str]) -> bool:
    """Whether a hard constraint (not the order, which swaps can always restore) is broken."""
    return any("left without a seat" not in rule for rule in broken_rules(instance, seats))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_nominations=7, max_per_group=2, unique_staff=True))
def test_fair_reaches_the_best_possible_worst_share_and_the_most_seats(instance: Instance) -> None:
    """Also the whole sorted vector of shares (lexicographic max-min), not only its smallest entry."""
    best_share, most, best_vector = _brute_force(instance)
    plan = allocate(instance, method="fair", seed=1)
    assert plan.fairness.worst_share == worst_share(instance, plan.seat_of())
    assert abs(plan.fairness.worst_share - best_share) < 1e-9
    assert len(plan.assignments) == most
    assert sorted_shares(instance, plan.seat_of()) == best_vector
    assert len(plan.assignments) >= len(allocate(instance, method="fcfs", seed=1).assignments)


@FAST
@given(instances(max_nominations=12))
def test_no_third_seat_in_a_course_while_a_nominating_municipality_could_still_be_seated(instance: Instance) -> None:
    plan = allocate(instance, seed=2)
    noms = {n.id: n for n in instance.nominations}
    sessions = {s.id: s for s in instance.sessions}
    seats = plan.seat_of()
    held = Counter((noms[n].municipality, noms[n].course_id) for n in seats)
    taken = Counter(seats.values())
    own = Counter((noms[n].municipality, s) for n, s in seats.items())
    reasons = {u.nomination: u.reason.name for u in plan.unseated}
    for cid in instance.courses:
        if not any(c >= 3 for (m, c2), c in held.items() if c2 == cid):
            continue
        for n in instance.nominations:
            if n.course_id == cid and held[(n.municipality, cid)] == 0 and reasons.get(n.id) in ("FULL",):
                for sid in n.sessions:  # nothing left it could take directly
                    s = sessions[sid]
                    assert taken[sid] >= s.capacity or (s.municipal_cap is not None
                                                       and own[(n.municipality, sid)] >= s.municipal_cap)


@FAST
@given(instances(), st.integers(0, 20), st.integers(-3, 5))
def test_promotion_after_any_cancellation_keeps_every_rule(instance: Instance, pick: int, days_before: int) -> None:
    from datetime import timedelta

    from kyodo.kenshu import promote

    plan = allocate(instance, seed=4)
    if not plan.assignments:
        return
    cancelled = plan.assignments[pick % len(plan.assignments)]
    day = instance.session(cancelled.session).starts_at.date() - timedelta(days=days_before)
    after, promotion = promote(instance, plan, cancelled.nomination, today=day)
    seats = after.seat_of()
    assert cancelled.nomination not in seats
    # the one who cancelled gave the seat up: they are not "left without" one
    assert [r for r in broken_rules(instance, seats) if not r.startswith(f"{cancelled.nomination} ")] == []
    if days_before < 2:
        assert promotion.promoted is None
    elif promotion.promoted is not None:
        waiting = plan.waitlists[cancelled.session]
        assert seats[promotion.promoted] == cancelled.session
        assert waiting[promotion.waitlist_position - 1] == promotion.promoted  # type: ignore[operator]
        assert promotion.promoted not in after.waitlists.get(cancelled.session, ())
    else:
        assert len(seats) == len(plan.assignments) - 1
