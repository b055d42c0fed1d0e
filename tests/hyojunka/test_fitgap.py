"""Fit & Gap: reading the function list and the answers, and the summary per system."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo.hyojunka.fitgap import Answer, read_answers, read_spec, summarise
from kyodo.problems import InputError
from kyodo.tables import write_csv

SPEC = [
    ["住民基本台帳", "J-001", "住民票の写しの交付", "実装必須"],
    ["住民基本台帳", "J-002", "異動届の受付", "実装必須"],
    ["住民基本台帳", "J-003", "コンビニ交付との連携", "標準オプション"],
    ["住民基本台帳", "J-004", "独自様式の帳票出力", "実装不可"],
    ["戸籍", "K-001", "戸籍謄本の交付", "実装必須"],
]


def write(tmp: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp / name
    write_csv(path, header, rows)
    return path


def spec(tmp: Path) -> Path:
    return write(tmp, "spec.csv", ["業務", "機能ID", "機能名", "区分"], SPEC)


def test_gaps_are_summarised_per_system(tmp_path: Path) -> None:
    answers = write(tmp_path, "answers.csv", ["業務", "機能ID", "回答", "備考"], [
        ["住民基本台帳", "J-001", "fit", ""],
        ["住民基本台帳", "J-002", "運用で対応", "窓口で紙の届出を受け、後で入力する"],
        ["住民基本台帳", "J-004", "gap", "独自様式は廃止し、標準様式に合わせる"],
    ])
    functions = read_spec(spec(tmp_path))
    summaries = summarise(functions, read_answers(answers, functions))
    juki, koseki = summaries
    assert (juki.functions, juki.required, juki.fit, juki.gap, juki.operation) == (4, 2, 1, 1, 1)
    assert [r.function.id for r in juki.required_gaps] == ["J-002"]
    assert juki.unanswered_required == 0
    assert (koseki.system_name, koseki.unanswered_required) == ("戸籍", 1)


def test_answers_for_one_system_need_no_system_column(tmp_path: Path) -> None:
    answers = write(tmp_path, "answers.csv", ["機能ID", "回答", "備考"], [["J-001", "適合", ""]])
    functions = read_spec(spec(tmp_path))
    replies = read_answers(answers, functions, system="juki")
    assert [(r.function.id, r.answer) for r in replies] == [("J-001", Answer.FIT)]


@pytest.mark.parametrize(("row", "column", "words"), [
    (["住民基本台帳", "J-999", "fit", ""], "機能ID", "機能一覧にない機能ID"),
    (["住民基本台帳", "J-001", "たぶん", ""], "回答", "fit・gap・運用で対応"),
    (["住民基本台帳", "J-002", "gap", ""], "備考", "備考(どう対応するか)"),
    (["住民基本台帳", "J-004", "fit", ""], "回答", "実装不可の機能です"),
    (["住民記録", "J-001", "fit", ""], "業務", "業務が違います"),
])
def test_bad_answers_name_row_and_column(tmp_path: Path, row: list[str], column: str, words: str) -> None:
    answers = write(tmp_path, "answers.csv", ["業務", "機能ID", "回答", "備考"], [row])
    with pytest.raises(InputError) as caught:
        read_answers(answers, read_spec(spec(tmp_path)))
    assert any(p.row == 2 and p.column == column and words in p.message for p in caught.value.problems), (
        caught.value.problems
    )


def test_a_bad_category_in_the_spec_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "spec.csv", ["業務", "機能ID", "機能名", "区分"], [["戸籍", "K-1", "x", "必須"]])
    with pytest.raises(InputError) as caught:
        read_spec(path)
    assert caught.value.problems[0].column == "区分"
