"""Spreadsheet cells as Excel gives them, and outputs that appear all together or not at all."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from kyodo.jinzai.formats import REQUEST_COLUMNS, SPECIALIST_COLUMNS
from kyodo.jinzai.io import text_writer
from kyodo.jinzai.model import Mode, Unit
from kyodo.jinzai.readers import read_instance
from kyodo.tables import write_all


def _sheet(path: Path, headers: list[str], rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_real_excel_dates_and_numbers_stored_as_floats_are_read(tmp_path: Path) -> None:
    s, r = tmp_path / "s.xlsx", tmp_path / "r.xlsx"
    _sheet(s, list(SPECIALIST_COLUMNS), [["P1", "山田 花子", None, "クラウドインフラ活用:3", 6.0, None, 1.0,
                                          "現地・リモート", "多摩", None, None, None, None]])
    _sheet(r, list(REQUEST_COLUMNS), [["R1", 133035, "移行", "計画の点検", "レビュー結果", "クラウドインフラ活用:2",
                                       "現地", 2, "日", datetime(2026, 4, 6), date(2026, 4, 24), None, None]])
    inst = read_instance(s, r)
    [spec], [req] = inst.specialists, inst.requests
    assert (spec.hours_per_week, spec.current_load_hours) == (6, 1)
    assert (req.municipality, req.mode, req.unit, req.amount) == ("133035", Mode.ONSITE, Unit.DAYS, 2)
    assert (req.start, req.end) == (date(2026, 4, 6), date(2026, 4, 24))


def test_when_one_output_fails_none_is_written(tmp_path: Path) -> None:
    first, second = tmp_path / "plan.json", tmp_path / "plan.xlsx"

    def broken(target: Path) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_all({first: text_writer("{}"), second: broken})
    assert list(tmp_path.iterdir()) == []
