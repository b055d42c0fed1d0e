"""Decisions files read in full (read_decision_table): every bad row reported with file, row and column."""

from __future__ import annotations

from kyodo.hoiku.io.decisions import read_decision_table
from kyodo.hoiku.model.decision import DecisionKind


def _read(text: str):  # type: ignore[no-untyped-def]
    return read_decision_table(text.encode("utf-8-sig"), name="判断.csv")


def test_good_rows_become_decisions_with_their_row_numbers():
    table = _read("種類,児童番号,施設番号,理由,担当者\n固定,C1,F1,受入確認,窓口\n\n辞退,C2,,電話,\n")
    assert table.problems == []
    assert [(n, d.kind, d.child_id, d.facility_id, d.by) for n, d in table.rows] == [
        (2, DecisionKind.FIX, "C1", "F1", "窓口"), (4, DecisionKind.WITHDRAW, "C2", None, "")]


def test_english_headers_are_read_too():
    table = _read("kind,child_id,facility_id,reason,by\nforbid,C1,F2,遠い,\n")
    assert [(d.kind, d.facility_id) for _n, d in table.rows] == [(DecisionKind.FORBID, "F2")]
    assert table.columns["kind"] == "kind"


def test_every_bad_row_is_reported_not_only_the_first():
    table = _read("種類,児童番号,施設番号,理由\n入替,C1,,x\n固定,,F1,x\n除外,C3,,x\n固定,C4,F1,x\n")
    assert [(p.row, p.column) for p in table.problems] == [(2, "種類"), (3, "児童番号"), (4, "施設番号")]
    assert all(p.file == "判断.csv" for p in table.problems)
    assert [n for n, _d in table.rows] == [5]


def test_a_wrong_header_is_one_problem_on_row_one():
    table = _read("区分,番号\nfix,C1\n")
    assert len(table.problems) == 1 and table.problems[0].row == 1 and "区分" in table.problems[0].message
    assert table.columns == {} and table.rows == []


def test_a_file_that_is_not_a_table_is_one_problem():
    table = read_decision_table(b"", name="empty.csv")
    assert len(table.problems) == 1 and table.problems[0].file == "empty.csv"
