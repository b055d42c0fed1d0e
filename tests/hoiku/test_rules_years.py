"""Tie-break chains that change by fiscal year: the format, the loader, the priority order and the workbook."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest

from kyodo.hoiku.engine.priority import build_priority
from kyodo.hoiku.engine.scoring import score_instance
from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.rules import load_rules, parse_rules
from kyodo.hoiku.rules.cases import load_cases
from kyodo.hoiku.rules.workbook import export_workbook
from kyodo.hoiku.rules.workbook_import import import_workbook
from kyodo.problems import InputError
from tests.hoiku.builders import child, facility, instance


def _rules(tie_break: Any) -> Any:
    data = {
        "municipality": "X区",
        "household": {},
        "base": {"employment": {"table": [{"min_days_per_month": 1, "points": 10}], "otherwise": 0}},
        "tie_break": tie_break,
    }
    return parse_rules(data, name="x", file_name="x.yaml")


BY_YEAR = {
    2017: [{"key": "choice_rank", "direction": "lower", "label": "希望順位が高い"}],
    2020: [{"key": "municipal_tax", "direction": "lower", "label": "所得割額が低い"}],
}


def test_the_chain_of_a_fiscal_year_is_the_latest_from_year_not_after_it() -> None:
    rules = _rules(BY_YEAR)
    assert [t.key for t in rules.tie_break_at(2019)] == ["choice_rank"]
    assert [t.key for t in rules.tie_break_at(2020)] == ["municipal_tax"]
    assert [t.key for t in rules.tie_break_at(2026)] == ["municipal_tax"]
    with pytest.raises(RuleError, match="2016年度の同点時の優先順位"):
        rules.tie_break_at(2016)
    assert [w for w, _ in rules.values() if w.startswith("tie_break")] == [
        "tie_break.2017[0]",
        "tie_break.2020[0]",
    ]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"令和2": []}, r"年度\(整数\)"),
        ({}, "年度ごとの優先順位が空です"),
        ({2020: {"key": "base_points"}}, r"tie_break\.2020: 優先順位の並び"),
        ({2020: [{"key": "lottery"}]}, r"tie_break\.2020\[0\]\.key: 未知のキー"),
        ([{"key": "base_points"}, {"key": "base_points"}], "同じキーが2回"),
    ],
)
def test_each_bad_chain_is_named(spec: Any, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        _rules(spec)


def test_the_priority_order_follows_the_chain_of_the_rounds_year() -> None:
    # a ranks A first, b second; b's household pays less tax. Same points at A.
    from kyodo.hoiku.model.instance import Household
    from tests.hoiku.builders import FULL_TIME

    homes = {
        "Ha": Household("Ha", (FULL_TIME, FULL_TIME), facts={"municipal_tax": 300_000}),
        "Hb": Household("Hb", (FULL_TIME, FULL_TIME), facts={"municipal_tax": 100_000}),
    }
    rules = _rules(BY_YEAR)
    orders = {}
    for year in (2019, 2026):
        inst = instance(
            [facility("A", age1=1), facility("B", age1=1)],
            [child("a", ["A", "B"], household="Ha"), child("b", ["B", "A"], household="Hb")],
            homes,
            fiscal_year=year,
        )
        priority = build_priority(inst, score_instance(inst, rules, year), rules, seed=1, fiscal_year=year)
        orders[year] = priority.order[("A", 1)]
        assert priority.decided_by[(("A", 1), orders[year][1])] == (
            "choice_rank" if year == 2019 else "municipal_tax"
        )
    assert orders == {2019: ("a", "b"), 2026: ("b", "a")}


def _ota_book() -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export_workbook(load_rules("ota"), load_cases("ota"))))


def _import(book: openpyxl.Workbook) -> Any:
    buffer = io.BytesIO()
    book.save(buffer)
    return import_workbook(buffer.getvalue(), "ota.xlsx")


def _problems(book: openpyxl.Workbook) -> list[str]:
    with pytest.raises(InputError) as caught:
        _import(book)
    return [str(p) for p in caught.value.problems]


def test_the_workbook_keeps_each_years_chain() -> None:
    ws = _ota_book()["同点時の優先順位"]
    years = [row[0].value for row in ws.iter_rows(min_row=2)]
    assert years == [2017, 2020, 2020, 2020, 2020, 2020]
    _, _, back = _import(_ota_book())
    assert back.tie_breaks == load_rules("ota").tie_breaks


@pytest.mark.parametrize(
    ("row", "value", "expected"),
    [
        (2, 2030, "「適用開始年度」列: 適用開始年度は古い順に"),
        (2, 99, "「適用開始年度」列: 「99」は年度"),
        (3, None, "適用開始年度を書く行と書かない行が混ざっています"),
        (4, 2017, "同じ適用開始年度の行は続けて書いてください"),
    ],
)
def test_a_bad_year_in_the_tie_break_sheet_is_named(row: int, value: Any, expected: str) -> None:
    book = _ota_book()
    book["同点時の優先順位"].cell(row=row, column=1).value = value
    problems = _problems(book)
    assert any(expected in p for p in problems), problems


def test_a_workbook_without_the_year_column_still_reads() -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(load_rules("koto"), load_cases("koto"))))
    book["同点時の優先順位"].delete_cols(1)
    _, _, back = _import(book)
    assert back.tie_breaks == load_rules("koto").tie_breaks
