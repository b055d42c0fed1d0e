"""The rules workbook: export → import is lossless for every shipped ward; each kind of bad cell is named."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kyodo.cli import main
from kyodo.hoiku.rules import Dated, Rules, available_rules, load_rules, parse_rules
from kyodo.hoiku.rules.cases import load_cases
from kyodo.hoiku.rules.workbook import export_workbook
from kyodo.hoiku.rules.workbook_import import import_workbook
from kyodo.problems import InputError


def _same(rules: Rules) -> Rules:
    return dataclasses.replace(rules, name="", sha256="", version="")


@pytest.mark.parametrize("name", ["koto", "ota", "edogawa", "shinagawa"])
def test_export_then_import_gives_the_same_rules_and_cases(name: str, tmp_path: Path) -> None:
    assert name in available_rules()
    out = tmp_path / f"{name}.xlsx"
    assert main(["hoiku", "rules", "export", name, "-o", str(out)]) == 0
    assert main(["hoiku", "rules", "import", str(out), "-o", str(tmp_path / "back.yaml")]) == 0
    back = load_rules(tmp_path / "back.yaml")
    assert _same(back) == _same(load_rules(name))
    assert load_cases(tmp_path / "back.yaml") == load_cases(name)
    # and the imported YAML round-trips again to the same bytes of workbook content
    doc = yaml.safe_load((tmp_path / "back.yaml").read_text(encoding="utf-8"))
    assert _same(parse_rules(doc, name="x", file_name="x.yaml")) == _same(back)


def _book(name: str = "ota") -> openpyxl.Workbook:
    data = export_workbook(load_rules(name), load_cases(name))
    return openpyxl.load_workbook(io.BytesIO(data))


def _set(book: openpyxl.Workbook, sheet: str, row: int, header: str, value: Any) -> None:
    ws = book[sheet]
    headers = [c.value for c in ws[1]]
    ws.cell(row=row, column=headers.index(header) + 1, value=value)


def _problems(book: openpyxl.Workbook) -> list[str]:
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(InputError) as caught:
        import_workbook(buffer.getvalue(), "ota.xlsx")
    return [str(p) for p in caught.value.problems]


BAD_CELLS = [
    ("基準指数", 2, "点数", "十一", "ota.xlsx シート「基準指数」 2行目 「点数」列: 「十一」は点数"),
    ("基準指数", 2, "点数", "2018-2", "「2018:2, 2020:0」"),
    ("基準指数", 3, "事由コード", "working", "未知の事由コード「working」"),
    ("基準指数", 2, "区分", "行", "「行」は使えません"),
    ("基準指数", 2, "月の日数以上", "二十", "「月の日数以上」列: 「二十」は数値ではありません"),
    ("基準指数", 2, "状態", "確認", "「状態」列: 「確認」は使えません"),
    ("基準指数", 2, "状態", "確認済み", "「確認者」列: 確認済みの値には確認者と確認日が必要です"),
    ("基準指数", 2, "確認日", "4月1日", "「確認日」列: 「4月1日」は日付"),
    ("基準指数", 2, "出典", "blog", "出典のキー「blog」が「出典」シートにありません"),
    ("調整指数", 2, "条件", "single_parent true", "「条件」列: 「single_parent true」は「キー: 値"),
    ("調整指数", 2, "範囲", "全部", "「範囲」列: 「全部」は使えません"),
    ("同点時の優先順位", 3, "順位", 5, "順位は上から 1, 2, 3"),
    ("同点時の優先順位", 2, "向き", "上", "「向き」列"),
    ("基本情報", 2, "値", "", "「値」列: 値がありません"),
    ("同点時の優先順位", 2, "キー", "lottery", "「キー」列: 未知のキー「lottery」"),
    ("出典", 2, "第三者資料", "たぶん", "「第三者資料」列"),
    ("例", 2, "期待する合計", 99, "シート「例」 2行目 「期待する合計」列: 例「"),
    ("例", 2, "年齢クラス", "一歳", "「年齢クラス」列: 「一歳」は整数ではありません"),
]


@pytest.mark.parametrize(("sheet", "row", "header", "value", "expected"), BAD_CELLS)
def test_each_bad_cell_is_named_by_sheet_row_and_column(
    sheet: str, row: int, header: str, value: Any, expected: str
) -> None:
    book = _book()
    _set(book, sheet, row, header, value)
    problems = _problems(book)
    assert any(expected in p for p in problems), problems


def test_unknown_adjustment_key_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    book = _book()
    _set(book, "調整指数", 2, "条件", "sibling_elsewhere: true")
    path = tmp_path / "bad.xlsx"
    book.save(path)
    assert main(["hoiku", "rules", "import", str(path), "-o", str(tmp_path / "out.yaml")]) == 1
    assert any("「条件」列: 未知のキー「sibling_elsewhere」" in p for p in _problems(book))
    assert not (tmp_path / "out.yaml").exists() and not (tmp_path / "out.cases.yaml").exists()


def test_a_missing_sheet_is_named() -> None:
    book = _book()
    del book["同点時の優先順位"]
    assert any("シート「同点時の優先順位」がありません" in p for p in _problems(book))


def test_a_confirmed_value_keeps_who_and_when(tmp_path: Path) -> None:
    book = _book()
    for header, value in (
        ("状態", "確認済み"),
        ("確認者", "保育課 山田"),
        ("確認日", "2026-11-30"),
        ("出典の箇所", "別表1 1"),
    ):
        _set(book, "基準指数", 2, header, value)
    buffer = io.BytesIO()
    book.save(buffer)
    _, _, rules = import_workbook(buffer.getvalue(), "ota.xlsx")
    first = next(iter(rules.base.values())).table[0].provenance
    assert (first.confirmed_by, first.confirmed_on, first.section) == ("保育課 山田", "2026-11-30", "別表1 1")
    assert rules.status_counts()[0] == 1
    second = next(iter(rules.base.values())).table[1].provenance
    assert not second.confirmed and second.source == first.source


def test_text_starting_with_equals_stays_text() -> None:
    rules = load_rules("ota")
    rules = dataclasses.replace(rules, title='=HYPERLINK("http://x")')
    book = openpyxl.load_workbook(io.BytesIO(export_workbook(rules, [])))
    assert book["基本情報"]["B4"].value == '=HYPERLINK("http://x")'
    assert book["基本情報"]["B4"].data_type == "s"


TEXT = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=15, deadline=None)
@given(
    note=TEXT,
    section=TEXT,
    points=st.dictionaries(st.integers(2000, 2040), st.integers(-20, 60), min_size=1, max_size=3),
)
def test_any_note_section_and_dated_points_survive_the_workbook(
    note: str, section: str, points: dict[int, int]
) -> None:
    rules = load_rules("koto")
    adjustment = dataclasses.replace(
        rules.adjustments[0],
        points=Dated(tuple(sorted(points.items())), ""),
        provenance=dataclasses.replace(rules.adjustments[0].provenance, note=note, section=section),
    )
    rules = dataclasses.replace(rules, adjustments=(adjustment, *rules.adjustments[1:]))
    _, _, back = import_workbook(export_workbook(rules, []), "koto.xlsx")
    assert back.adjustments[0] == adjustment


def test_rules_lists_confirmed_and_to_confirm_per_ward(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hoiku", "rules"]) == 0
    lines = {line.split("\t")[0]: line.split("\t") for line in capsys.readouterr().out.splitlines()}
    for name in ("koto", "ota", "edogawa", "shinagawa"):
        confirmed, to_confirm = load_rules(name).status_counts()
        assert lines[name][2:4] == [str(confirmed), str(to_confirm)]
        assert confirmed + to_confirm == len(load_rules(name).values()) > 30


def test_a_confirmed_value_needs_who_and_when_in_yaml_too() -> None:
    from kyodo.hoiku.model.errors import RuleError

    none: dict[str, Any] = {"points": 0, "status": "確認済み"}
    data: dict[str, Any] = {"municipality": "X区", "household": {}, "base": {"none": none}}
    with pytest.raises(RuleError, match="確認者"):
        parse_rules(data, name="x", file_name="x.yaml")
    none.update(confirmed_by="山田", confirmed_on="2026/11/30")
    with pytest.raises(RuleError, match="confirmed_on: 日付"):
        parse_rules(data, name="x", file_name="x.yaml")
    none["confirmed_on"] = "2026-11-30"
    assert parse_rules(data, name="x", file_name="x.yaml").status_counts() == (1, 1)  # the household: 要確認
