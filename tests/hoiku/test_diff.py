"""Who moved between two runs, and why: a decision, a points change, someone else's move, a withdrawal."""

from __future__ import annotations

from kyodo.hoiku.engine.pipeline import Decision, run_round
from kyodo.hoiku.explain.diff import Cause, diff_runs
from tests.hoiku.builders import child, facility, instance


def _round(points_c2: int = 38, decisions: tuple[Decision, ...] = (), seed: int = 1):  # type: ignore[no-untyped-def]
    inst = instance(
        [facility("A", age1=1), facility("B", age1=1)],
        [
            child("c1", ["A", "B"], points=40),
            child("c2", ["A", "B"], points=points_c2),
            child("c3", ["B"], points=30),
        ],
    )
    return run_round(inst, rules=None, fiscal_year=2026, seed=seed, decisions=decisions)


def test_identical_runs_have_no_changes() -> None:
    assert diff_runs(_round(), _round()) == []


def test_a_points_change_moves_the_child_and_the_one_it_displaces() -> None:
    before, after = _round(), _round(points_c2=44)
    changes = {c.child_id: c for c in diff_runs(before, after)}
    assert set(changes) == {"c1", "c2"}  # c3 waits in both
    assert (changes["c2"].before, changes["c2"].after) == ("B", "A")
    assert Cause.POINTS in changes["c2"].causes and "38点から44点" in changes["c2"].text
    # c1 lost A to c2: someone else's move, named.
    assert (changes["c1"].before, changes["c1"].after) == ("A", "B")
    assert changes["c1"].causes == (Cause.OTHERS,) and "A保育園(1歳児)に児童c2が入った" in changes["c1"].text


def test_a_staff_decision_is_the_cause_and_is_quoted() -> None:
    before = _round()
    after = _round(decisions=(Decision("fix", "c3", "A", reason="障害児の受入体制", by="山田"),))
    changes = {c.child_id: c for c in diff_runs(before, after)}
    assert Cause.DECISION in changes["c3"].causes and "障害児の受入体制" in changes["c3"].text
    assert Cause.OTHERS in changes["c1"].causes


def test_a_withdrawal_frees_a_seat_for_someone_else() -> None:
    before = _round()
    after = _round(decisions=(Decision("withdraw", "c1", reason="転居", by="佐藤"),))
    changes = {c.child_id: c for c in diff_runs(before, after)}
    assert not changes["c1"].in_after and Cause.WITHDRAWN in changes["c1"].causes
    assert (changes["c2"].before, changes["c2"].after) == ("B", "A")
    assert "c1" in changes["c2"].text and "移動・辞退" in changes["c2"].text
