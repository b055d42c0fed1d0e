"""A child who lost its place because staff fixed another child there is told so, without naming that child."""

from __future__ import annotations

from kyodo.hoiku.engine.pipeline import Decision, run_round
from kyodo.hoiku.explain.reasons import ReasonKind, explain_child, order_step_label
from kyodo.hoiku.model.result import Result
from kyodo.hoiku.rules import load_rules
from tests.hoiku.builders import child, facility, instance


def run(inst, decisions=()) -> Result:  # type: ignore[no-untyped-def]
    return run_round(inst, rules=None, fiscal_year=2026, seed=3, decisions=decisions)


def _ward():  # type: ignore[no-untyped-def]
    # A has one place; c1 (40 points) holds it. c3 (30 points) wanted A too.
    return instance(
        [facility("A", age1=1), facility("B", age1=1)],
        [child("c1", ["A", "B"], points=40), child("c3", ["A"], points=30), child("c2", ["B"], points=35)],
    )


def test_a_child_pushed_out_by_a_fix_is_told_a_staff_adjustment_decided_naming_no_one() -> None:
    assert run(_ward()).assignment["c1"] == "A"
    result = run(_ward(), [Decision("fix", "c3", "A", reason="医療的ケア")])
    assert result.assignment["c3"] == "A" and result.assignment["c1"] == "B"
    e = explain_child(result, "c1")
    (reason,) = e.choices
    assert reason.kind == ReasonKind.ADJUSTMENT
    assert "職員による調整" in reason.text and "職員による調整" in e.summary
    text = "\n".join(e.lines())
    assert "c3" not in text and "医療的ケア" not in text


def test_a_child_below_the_cut_off_anyway_keeps_its_points_reason() -> None:
    # Two places at A: c1 and c4 are placed. Fixing c3 (who ranks last) to A takes c4's place, not c5's:
    # c5 was below the cut-off before the fix and stays told so.
    inst = instance(
        [facility("A", age1=2), facility("B", age1=5)],
        [child("c1", ["A"], points=50), child("c4", ["A", "B"], points=40), child("c5", ["A", "B"], points=35),
         child("c3", ["B"], points=10)],
    )
    result = run(inst, [Decision("fix", "c3", "A", reason="")])
    assert result.assignment == {"c1": "A", "c3": "A", "c4": "B", "c5": "B"}
    assert explain_child(result, "c4").choices[0].kind == ReasonKind.ADJUSTMENT
    assert explain_child(result, "c5").choices[0].kind == ReasonKind.POINTS


def test_a_fixed_child_who_ranks_above_takes_no_one_s_place() -> None:
    # c1 is fixed at A where it would have been placed anyway: c3's reason stays the points.
    result = run(_ward(), [Decision("fix", "c1", "A", reason="")])
    assert result.assignment["c1"] == "A" and result.assignment["c3"] is None
    assert explain_child(result, "c3").choices[0].kind != ReasonKind.ADJUSTMENT


def test_the_order_steps_have_japanese_names_from_the_rules() -> None:
    koto = load_rules("koto")
    assert order_step_label("points", koto) == "指数"
    assert order_step_label("lottery", None) == "抽選"
    assert order_step_label(koto.tie_break[0].key, koto) == koto.tie_break[0].label
    assert order_step_label(None, koto) == ""


def test_the_notice_of_the_pushed_out_child_says_so_and_names_no_one() -> None:
    import io

    from pypdf import PdfReader

    from kyodo.hoiku.outcome import build_outcome
    from kyodo.hoiku.outputs.notices import notices_bytes

    outcome = build_outcome(run(_ward(), [Decision("fix", "c3", "A", reason="医療的ケア")]), None)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(notices_bytes(outcome, child_ids=["c1"]))).pages)
    assert "職員による調整" in "".join(text.split())
    assert "c3" not in text and "医療的ケア" not in text


def test_a_child_at_the_end_of_a_chain_of_moves_is_told_a_staff_adjustment_decided() -> None:
    # Fixing c3 at A moves c1 to B, and c1 (40 points) then takes B from c2 (35): c2 lost its place through a
    # chain that began with the fix. Without the fix c2 would have had B, so its letter says so, naming no one.
    from kyodo.hoiku import run_instance

    without = run_instance(_ward(), seed=3, fiscal_year=2026)
    assert without.result.assignment["c2"] == "B"
    outcome = run_instance(_ward(), seed=3, fiscal_year=2026, decisions=[Decision("fix", "c3", "A", reason="医療")])
    assert outcome.result.assignment["c2"] is None and outcome.result.assignment["c1"] == "B"
    (reason,) = outcome.explanations["c2"].choices
    assert reason.kind == ReasonKind.ADJUSTMENT and "職員による調整" in reason.text
    assert "c3" not in "\n".join(outcome.explanations["c2"].lines())
    # A child who would not have had the place without the fix keeps its own reason, and a run without fixes
    # or exclusions is explained as before (no second run).
    assert outcome.explanations["c1"].choices[0].kind == ReasonKind.ADJUSTMENT  # c1 lost A itself
    assert all(c.kind != ReasonKind.ADJUSTMENT for e in without.explanations.values() for c in e.choices)


def test_a_withdrawal_alone_tells_no_one_of_an_adjustment() -> None:
    from kyodo.hoiku import run_instance

    outcome = run_instance(_ward(), seed=3, fiscal_year=2026, decisions=[Decision("withdraw", "c1", None, reason="")])
    assert all(c.kind != ReasonKind.ADJUSTMENT for e in outcome.explanations.values() for c in e.choices)


def test_a_fix_is_no_instability_of_the_allocation() -> None:
    # c3 fixed at A's only place pushes c1 (more points) to B, and c1 fixed at B leaves A free for it: the staff
    # decisions stand, so neither is reported as a blocking pair nor flagged 「安定でない可能性」.
    from kyodo.hoiku.model.result import FlagKind

    for decision in (Decision("fix", "c3", "A", reason=""), Decision("fix", "c1", "B", reason="")):
        result = run(_ward(), [decision])
        assert result.assignment[decision.child_id] == decision.facility_id
        assert result.violations == ()
        assert not [f for f in result.flags if f.kind == FlagKind.BLOCKING]
    # Without a decision, the same placement is reported.
    from kyodo.hoiku.checks.check import check_allocation

    result = run(_ward(), [Decision("fix", "c3", "A", reason="")])
    assert [v.child_id for v in check_allocation(result.instance, result.priority, result.assignment)] == ["c1"]
