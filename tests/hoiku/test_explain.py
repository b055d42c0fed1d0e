"""Reasons per child and the cut-off table, on hand-made rounds and on a generated ward."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kyodo.hoiku.engine.pipeline import Decision, run_round
from kyodo.hoiku.explain.cutoffs import NONE_OFFERED, VACANT, WITHHELD, cutoff_table
from kyodo.hoiku.explain.reasons import ReasonKind, explain_all, explain_child
from kyodo.hoiku.model.instance import Household
from kyodo.hoiku.model.result import Result
from kyodo.hoiku.outcome import build_outcome
from kyodo.hoiku.outputs.result_json import outcome_to_dict
from kyodo.hoiku.outputs.workbook import write_workbook
from kyodo.hoiku.rules import Rules, load_rules, parse_rules
from kyodo.hoiku.tools.generate import generate_ward
from tests.hoiku.builders import FULL_TIME, child, facility, instance

TAX_LABEL = "住民税所得割額が低い世帯"


def tax_rules(**extra: Any) -> Rules:
    """Rules that only break ties (points are given in the input): lower municipal tax first."""
    data = {
        "municipality": "テスト区",
        "household": {"combine": "sum"},
        "base": {"none": {"points": 0}},
        "tie_break": [{"key": "municipal_tax", "direction": "lower", "label": TAX_LABEL}],
        **extra,
    }
    return parse_rules(data, name="test", file_name="test.yaml")


def taxed(tax: dict[str, int]) -> dict[str, Household]:
    return {
        f"H{c}": Household(f"H{c}", (FULL_TIME, FULL_TIME), facts={"municipal_tax": t})
        for c, t in tax.items()
    }


def run(inst: Any, rules: Rules | None = None, **kwargs: Any) -> Result:
    return run_round(inst, rules=rules, fiscal_year=2026, seed=3, **kwargs)


def test_a_child_below_the_cut_off_is_told_the_cut_off_its_points_and_its_waitlist_rank() -> None:
    inst = instance([facility("A", age1=1)], [child("c1", ["A"], points=40), child("c2", ["A"], points=38)])
    e = explain_child(run(inst), "c2")
    assert e.status == "waitlisted" and e.total == 38
    (reason,) = e.choices
    assert reason.kind == ReasonKind.POINTS
    assert (reason.cutoff and reason.cutoff.points, reason.cutoff and reason.cutoff.position) == (40, 1)
    assert (reason.points, reason.position, reason.waitlist) == (38, 2, 1)
    assert "最低指数は40点" in reason.text and "38点" in reason.text and "待機順位は1位" in reason.text


def test_a_tie_on_points_names_the_tie_break_criterion_by_its_label() -> None:
    inst = instance(
        [facility("A", age1=1)],
        [child("c1", ["A"], points=40), child("c2", ["A"], points=40)],
        households=taxed({"c1": 100_000, "c2": 300_000}),
    )
    result = run(inst, tax_rules())
    assert result.assignment == {"c1": "A", "c2": None}
    (reason,) = explain_child(result, "c2", tax_rules()).choices
    assert reason.kind == ReasonKind.TIE_BREAK and reason.criterion == TAX_LABEL
    assert f"「{TAX_LABEL}」" in reason.text


def test_the_criterion_is_the_first_difference_with_the_cut_off_child_not_with_the_neighbour() -> None:
    # c2 ties c1 (the cut-off) on points and loses on tax; c3 is behind c2 only by the lottery,
    # but behind the cut-off child by the tax criterion, which is what decided its seat.
    inst = instance(
        [facility("A", age1=1)],
        [child(c, ["A"], points=40) for c in ("c1", "c2", "c3")],
        households=taxed({"c1": 100_000, "c2": 300_000, "c3": 300_000}),
    )
    result = run(inst, tax_rules())
    loser = next(c for c in ("c2", "c3") if result.priority.rank(("A", 1), c) == 2)
    assert result.priority.decided_by[(("A", 1), loser)] == "lottery"
    (reason,) = explain_child(result, loser, tax_rules()).choices
    assert reason.kind == ReasonKind.TIE_BREAK and reason.criterion == TAX_LABEL


def test_an_exact_tie_is_explained_as_the_lottery() -> None:
    inst = instance([facility("A", age1=1)], [child("c1", ["A"], points=40), child("c2", ["A"], points=40)])
    result = run(inst)
    loser = next(c for c, f in result.assignment.items() if f is None)
    (reason,) = explain_child(result, loser).choices
    assert reason.kind == ReasonKind.LOTTERY and "抽選" in reason.text


def test_an_age_class_without_places_is_no_vacancy() -> None:
    inst = instance(
        [facility("A", age1=0, age2=1), facility("B", age1=1)], [child("c1", ["A", "B"], points=40)]
    )
    result = run(inst)
    e = explain_child(result, "c1")
    assert e.status == "offered" and e.choice_rank == 2
    (reason,) = e.choices
    assert reason.kind == ReasonKind.NO_VACANCY and "募集なし" in reason.text
    assert reason.cutoff is not None and reason.cutoff.label == NONE_OFFERED


def test_a_sibling_condition_is_named_when_the_child_ranked_within_the_places() -> None:
    # Pattern 1: both siblings at one facility or neither. A has no age-2 place, so the family goes to
    # B, and c3 with fewer points takes the age-1 place at A that s1 ranked first for.
    s1 = child("s1", ["A", "B"], age=1, points=40, household="HS", sibling_pattern=1)
    s2 = child("s2", ["A", "B"], age=2, points=40, household="HS", sibling_pattern=1)
    c3 = child("c3", ["A"], age=1, points=30)
    inst = instance([facility("A", age1=1, age2=0), facility("B", age1=1, age2=1)], [s1, s2, c3])
    result = run(inst)
    assert result.assignment == {"s1": "B", "s2": "B", "c3": "A"}
    (reason,) = explain_child(result, "s1").choices
    assert reason.kind == ReasonKind.SIBLING and "きょうだい" in reason.text
    assert reason.position == 1 and reason.cutoff is not None and reason.cutoff.position == 2


def test_a_staff_decision_is_the_reason_and_is_recorded_in_the_run() -> None:
    inst = instance([facility("A", age1=1), facility("B", age1=1)], [child("c1", ["A", "B"], points=40)])
    result = run(inst, decisions=[Decision("fix", "c1", "B", reason="医療的ケアのため", by="山田")])
    assert result.assignment["c1"] == "B"
    e = explain_child(result, "c1")
    assert [c.kind for c in e.choices] == [ReasonKind.DECISION]
    assert "医療的ケアのため" in e.summary
    assert result.run is not None and result.run.decisions[0]["by"] == "山田"


def test_the_cut_off_table_reads_like_the_published_ones() -> None:
    inst = instance(
        [facility("A", age0=1, age1=2, age2=0), facility("B", age1=3)],
        [
            child("a0", ["A"], age=0, points=40),
            child("b0", ["A"], age=0, points=35),
            child("a1", ["A"], points=44),
            child("b1", ["A"], points=42),
            child("c1", ["A", "B"], points=41),
        ],
    )
    result = run(inst)
    table = cutoff_table(result)
    assert table[("A", 0)].label == "40" and table[("A", 1)].label == "42"
    assert table[("A", 2)].label == NONE_OFFERED and table[("B", 1)].label == VACANT
    assert ("B", 0) not in table  # B has no age-0 class
    hidden = cutoff_table(result, withhold_small=True)
    assert hidden[("A", 0)].label == WITHHELD and hidden[("A", 1)].label == WITHHELD


def test_the_json_result_carries_reasons_decisions_and_cut_offs() -> None:
    inst = instance([facility("A", age1=1)], [child("c1", ["A"], points=40), child("c2", ["A"], points=38)])
    data = outcome_to_dict(build_outcome(run(inst), None))
    c2 = data["children"]["c2"]
    assert c2["summary"].startswith("いずれの希望施設にも入所できませんでした")
    assert c2["reasons"][0]["kind"] == "points" and c2["reasons"][0]["cutoff_points"] == 40
    assert data["run"]["decisions"] == []
    assert {"facility_id": "A", "age_class": 1, "label": "40"}.items() <= data["cutoffs"][0].items()


@pytest.mark.parametrize("seed", [1, 2])
def test_every_child_of_a_generated_ward_has_a_reason_for_every_choice_above_its_result(seed: int) -> None:
    inst = generate_ward(children=400, facilities=16, seed=seed, fiscal_year=2026, max_choices=5)
    koto = load_rules("koto")
    result = run_round(inst, rules=koto, fiscal_year=2026, seed=seed)
    explanations = explain_all(result, koto)
    kinds = set()
    for cid, c in inst.children.items():
        e = explanations[cid]
        got = result.assignment[cid]
        above = c.choices[: c.choices.index(got)] if got in c.choices else c.choices
        assert [r.facility_id for r in e.choices] == list(above), cid
        assert all(r.text.startswith(f"第{r.choice}希望") for r in e.choices)
        kinds |= {r.kind for r in e.choices}
    assert not result.violations
    # A stable result leaves nothing unexplained; points and tie-breaks decide most seats.
    assert ReasonKind.OTHER not in kinds and {ReasonKind.POINTS, ReasonKind.TIE_BREAK} <= kinds
    waitlisted = [e for e in explanations.values() if e.status == "waitlisted"]
    assert waitlisted and all(e.choices for e in waitlisted)


def test_the_staff_workbook_has_the_cut_off_sheet_as_wards_publish_it(tmp_path: Path) -> None:
    inst = instance(
        [facility("A", age1=1, age2=0), facility("B", age1=2)],
        [child("c1", ["A"], points=40), child("c2", ["A", "B"], points=38)],
    )
    write_workbook(build_outcome(run(inst), None), tmp_path / "r.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "r.xlsx")["最低指数"].iter_rows(values_only=True))
    assert rows[0][:4] == ("施設番号", "施設名", "0歳児", "1歳児")
    assert rows[1][:5] == ("A", "A保育園", None, 40, "―")
    assert rows[2][:4] == ("B", "B保育園", None, "空有")
