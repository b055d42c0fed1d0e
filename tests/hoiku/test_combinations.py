"""The combination file: families that rank explicit combinations."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo.hoiku.engine.family import families
from kyodo.hoiku.engine.pipeline import run_round
from kyodo.hoiku.io.combinations import read_combinations
from kyodo.hoiku.model.decision import Decision, DecisionKind
from kyodo.hoiku.model.errors import InputError
from tests.hoiku.builders import child, facility, instance

HEADER = "ファミリーコード,総当たり順位,宛名コード1,希望施設1,宛名コード2,希望施設2\n"


def ward():  # type: ignore[no-untyped-def]
    return instance(
        [facility("A", age1=1, age3=1), facility("B", age1=1, age3=1)],
        [
            child("big", ["A", "B"], age=3, points=40, household="F", sibling_pattern=1),
            child("small", ["A", "B"], age=1, points=40, household="F", sibling_pattern=1),
            child("rival", ["A"], age=1, points=45),
        ],
    )


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "combinations.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_explicit_combinations_replace_the_pattern(tmp_path: Path) -> None:
    path = write(tmp_path, "F,2,big,B,small,B\nF,1,big,A,small,A\nF,3,big,A,small,\n")
    inst = read_combinations(path, ward())
    fam = families(inst)["F"]
    assert fam.pattern is None
    assert fam.combinations == (("A", "A"), ("B", "B"), ("A", None))


def test_the_allocation_follows_the_ranked_combinations(tmp_path: Path) -> None:
    # The rival takes A's only age-1 place, so (A, A) is impossible and the family gets (B, B).
    inst = read_combinations(write(tmp_path, "F,1,big,A,small,A\nF,2,big,B,small,B\n"), ward())
    result = run_round(inst, rules=None, fiscal_year=2026, seed=1)
    assert result.assignment == {"big": "B", "small": "B", "rival": "A"}
    assert [v for v in result.violations if v.kind == "blocking_coalition"] == []


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (Decision(DecisionKind.FIX, "big", "A"), {"big": "A", "small": "B", "rival": "A"}),
        (Decision(DecisionKind.WITHDRAW, "big"), {"small": "B", "rival": "A"}),
    ],
)
def test_staff_can_fix_or_withdraw_a_child_of_a_family_with_ranked_combinations(
    tmp_path: Path, decision: Decision, expected: dict[str, str]
) -> None:
    # The family's ranking names both children; without one of them it no longer applies and the other
    # child is allocated alone (it used to stop the round: "児童bigが申込にありません").
    inst = read_combinations(write(tmp_path, "F,1,big,A,small,A\nF,2,big,B,small,B\n"), ward())
    result = run_round(inst, rules=None, fiscal_year=2026, seed=1, decisions=[decision])
    assert result.assignment == expected
    assert result.violations == ()


@pytest.mark.parametrize(
    ("body", "row", "column", "fragment"),
    [
        ("X,1,big,A,small,A\n", 2, "ファミリーコード", "同時申込の世帯ではありません"),
        ("F,one,big,A,small,A\n", 2, "総当たり順位", "整数ではありません"),
        ("F,1,big,A,nobody,A\n", 2, "宛名コード2", "申込にありません"),
        ("F,1,big,Z,small,A\n", 2, "希望施設1", "施設一覧にありません"),
        ("F,1,big,A,small,A\nF,1,big,B,small,B\n", 3, "総当たり順位", "重複"),
    ],
)
def test_bad_combination_files_name_the_row_and_column(
    tmp_path: Path, body: str, row: int, column: str, fragment: str
) -> None:
    with pytest.raises(InputError) as exc:
        read_combinations(write(tmp_path, body), ward())
    problem = exc.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("combinations.csv", row, column)
    assert fragment in problem.message


def test_the_written_file_reads_back_to_the_same_combinations(tmp_path: Path) -> None:
    # Two families: a pair, and three children of whom the oldest is a transfer applicant (staying is written
    # with its own facility; not admitted, blank; "everyone stays" last).
    inst = instance(
        [facility("A", age1=2, age3=2, age5=1), facility("B", age1=2, age3=2, age5=1)],
        [
            child("big", ["A", "B"], age=3, points=40, household="F", sibling_pattern=1),
            child("small", ["A", "B"], age=1, points=40, household="F", sibling_pattern=1),
            child("t5", ["A"], age=5, points=30, household="G", sibling_pattern=1, current="B"),
            child("t3", ["A", "B"], age=3, points=30, household="G", sibling_pattern=1),
            child("t1", ["B"], age=1, points=30, household="G", sibling_pattern=1),
        ],
    )
    body = ("F,1,big,A,small,A\nF,2,big,B,small,\n"
            "G,1,t5,A,t3,A,t1,B\nG,2,t5,,t3,B,t1,B\nG,3,t5,A,t3,,t1,\n")
    path = tmp_path / "combinations.csv"
    path.write_text("ファミリーコード,総当たり順位,宛名コード1,希望施設1,宛名コード2,希望施設2,宛名コード3,希望施設3\n" + body,
                    encoding="utf-8")
    first = read_combinations(path, inst)
    assert first.family_children["G"] == ("t1", "t3", "t5")
    assert first.family_combinations["G"][-1] == (None, None, "B")  # everyone stays: last
    from kyodo.hoiku.io.combinations import combinations_csv

    data = combinations_csv(first)
    assert data is not None and data.startswith("\ufeff".encode())
    again = read_combinations(("再出力.csv", data), inst)
    assert again.family_combinations == first.family_combinations
    assert again.family_children == first.family_children
    assert combinations_csv(inst) is None  # no family ranked its own
