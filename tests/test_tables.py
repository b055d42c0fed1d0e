"""kyodo.tables: reading from bytes or paths, the limits, the formula checks and guard, atomic writes."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from kyodo.tables import (
    Limits,
    TableError,
    csv_text,
    read_table,
    remove_leftovers,
    visible,
    write_all,
    write_csv,
    write_xlsx,
)

GOOD = "児童番号,氏名,第1希望\nC1,山田 太郎,F1\nC2,佐藤 花子,F2\n"
ENGLISH = re.compile(r"[A-Za-z]{4,}")  # an English word in a message (file names and U+XXXX aside)


def _problem(data: bytes, name: str = "in.csv", **limits: int) -> str:
    with pytest.raises(TableError) as exc:
        read_table(data, name=name, limits=Limits(**limits))
    return str(exc.value.problem)


def test_it_reads_the_same_table_from_bytes_and_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "children.csv"
    path.write_text(GOOD, encoding="utf-8")
    from_path = read_table(path)
    from_bytes = read_table(GOOD.encode(), name="children.csv")
    assert from_path == from_bytes
    assert from_bytes.rows[1] == (3, ["C2", "佐藤 花子", "F2", ""])


def test_bytes_without_a_name_are_called_input() -> None:
    with pytest.raises(TableError) as exc:
        read_table(b"")
    assert exc.value.problem.file == "入力"


def test_a_control_character_is_refused_at_its_row_and_column() -> None:
    with pytest.raises(TableError) as exc:
        read_table("児童番号,氏名\nC1,a\nC\x012,b\n".encode(), name="c.csv")
    problem = exc.value.problem
    assert (problem.file, problem.row, problem.column) == ("c.csv", 3, "児童番号")
    assert "U+0001" in problem.message and "\x01" not in problem.message


def test_a_nul_after_the_first_4_kib_is_a_located_control_character() -> None:
    data = ("id,name\n" + "".join(f"C{i},名前{i}\n" for i in range(600)) + "X,a\x00b\n").encode()
    assert data.index(b"\x00") > 4096
    with pytest.raises(TableError) as exc:
        read_table(data, name="c.csv")
    assert (exc.value.problem.row, exc.value.problem.column) == (602, "name")
    assert "U+0000" in exc.value.problem.message


def test_terminal_escape_codes_are_refused_and_shown_visibly() -> None:
    message = _problem(b"id\n\x1b[31mRED\x1b[0m\n")
    assert "\x1b" not in message and "<U+001B>" in message


def test_visible_escapes_controls_and_shortens() -> None:
    assert visible("a\x1b[2Jb\nc") == "a<U+001B>[2Jb<LF>c"
    assert visible("9" * 5000).endswith("…(全5000文字)")


def test_an_unbalanced_quote_says_where_it_opened() -> None:
    message = _problem(b'id,name\nC1,"open\nC2,b\nC3,c\n')
    assert "2行目" in message and "引用符" in message and "閉じられていません" in message


def test_text_after_a_closing_quote_is_explained() -> None:
    assert "区切り文字" in _problem(b'id,name\nC1,"a"b\n')


def test_an_over_long_cell_is_refused_in_japanese() -> None:
    message = _problem(("id,n\nC1," + "9" * 200_000 + "\n").encode())
    assert "文字数" in message and "上限" in message and "field" not in message
    assert len(message) < 300


def test_the_file_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as f:
        f.truncate(40 * 1024 * 1024)  # sparse: costs no disk and no time
    start = time.perf_counter()
    with pytest.raises(TableError) as exc:
        read_table(path)
    assert time.perf_counter() - start < 0.5
    assert "ファイルが大きすぎます" in exc.value.problem.message and "32 MB" in exc.value.problem.message


def test_row_and_column_limits_name_the_limit() -> None:
    assert "行数が上限(3行)" in _problem(b"id\n1\n2\n3\n4\n", rows=3)
    assert "列数(4列)が上限(3列)" in _problem(b"a,b,c,d\n1,2,3,4\n", columns=3)


def test_limits_come_from_the_environment() -> None:
    limits = Limits.from_env({"KYODO_TABLE_ROWS": "10", "KYODO_TABLE_FILE_BYTES": "2048"})
    assert (limits.rows, limits.file_bytes, limits.columns) == (10, 2048, Limits().columns)


def _bomb(mb: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z, z.open("xl/worksheets/sheet1.xml", "w") as f:
        block = b"<c><v>0</v></c>" * 10_000
        for _ in range(mb * 1024 * 1024 // len(block)):
            f.write(block)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_its_central_directory_in_under_a_second() -> None:
    bomb = _bomb(100)
    start = time.perf_counter()
    message = _problem(bomb, "bomb.xlsx")
    assert time.perf_counter() - start < 1.0
    assert "圧縮率が異常" in message


def test_an_xlsx_over_the_uncompressed_limit_is_refused() -> None:
    assert "展開後の大きさ" in _problem(_bomb(2), "big.xlsx", xlsx_uncompressed_bytes=1024 * 1024)


def _openpyxl_book(rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_formula_without_a_cached_value_is_an_error_naming_the_cell() -> None:
    data = _openpyxl_book([["施設番号", "0歳"], ["F1", 3], ["F2", "=1+2"]])
    with pytest.raises(TableError) as exc:
        read_table(data, name="f.xlsx")
    problem = exc.value.problem
    assert (problem.row, problem.column) == (3, "0歳")
    assert "B3" in problem.message and "数式" in problem.message


def test_a_formula_with_its_cached_value_reads_as_the_value(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "cached.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["施設番号", "0歳"])
    sheet.write_string(1, 0, "F1")
    sheet.write_formula(1, 1, "=1+2", None, 3)
    book.close()
    assert read_table(path).rows == [(2, ["F1", "3", ""])]


def test_a_sheet_is_chosen_by_its_header_and_rows_keep_their_spreadsheet_numbers() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["記入例"])
    data_sheet = book.create_sheet("申込")
    data_sheet["B3"], data_sheet["C3"], data_sheet["B5"] = "児童番号", "氏名", "C1"
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), lambda h: "児童番号" in h, name="b.xlsx")
    assert table.headers == ("", "児童番号", "氏名")
    assert table.rows == [(5, ["", "C1", "", ""])]


FORMULAS = ["=HYPERLINK(\"http://x\",\"y\")", "+C2", "-2+3", "@SUM(A1)", "\tx", "\rx", "=1"]


def test_csv_output_neutralises_formulas_and_reads_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, ["name", "n"], [[f, "-5"] for f in FORMULAS])
    import csv

    written = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))[1:]
    assert all(cells[0].startswith("'") for cells in written)
    assert all(cells[1] == "-5" for cells in written)  # a plain number stays a number
    assert [cells[0] for _, cells in read_table(path).rows] == [f.strip() for f in FORMULAS]


def test_raw_csv_keeps_the_text_for_machines() -> None:
    assert csv_text(["a"], [["=1+2"]], raw=True) == "a\r\n=1+2\r\n"
    assert csv_text(["a"], [["=1+2"]]) == "a\r\n'=1+2\r\n"


def test_xlsx_output_never_writes_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    write_xlsx(path, "一覧", ["name"], [[f] for f in FORMULAS] + [[3], [None]])
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
        styles = z.read("xl/styles.xml")
    assert b"<f>" not in sheet
    assert b'quotePrefix="1"' in styles
    assert [cells[0] for _, cells in read_table(path).rows] == [f.strip() for f in FORMULAS] + ["3"]


def test_write_all_leaves_nothing_when_one_output_fails(tmp_path: Path) -> None:
    def fail(_: Path) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_all({tmp_path / "a.csv": lambda p: p.write_text("a"), tmp_path / "b.csv": fail})
    assert list(tmp_path.iterdir()) == []


def test_a_killed_runs_leftover_is_removed_by_the_next_write(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = tmp_path / f".out.csv.{dead.stdout.strip()}.0123456789ab.tmp"
    leftover.write_text("half")
    live = tmp_path / f".out.csv.{os.getpid()}.0123456789ab.tmp"
    live.write_text("mine")
    assert remove_leftovers(tmp_path / "out.csv") == [leftover]
    write_csv(tmp_path / "out.csv", ["a"], [["1"]])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out.csv", live.name])


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe\x00a", b"PK\x03\x04junk", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00" * 10, b"abc\x81"],
)
def test_unreadable_files_get_japanese_messages(data: bytes) -> None:
    message = _problem(data, "x.csv")
    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", message)
    assert not ENGLISH.search(message.replace("Excel", "").replace("Unicode", "").replace("Shift-JIS", "")
                              .replace("UTF", "").replace("CSV", "").replace("xlsx", ""))


def test_outputs_that_cannot_be_written_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    from kyodo.tables import OutputError, check_outputs

    (tmp_path / "file").write_text("x")
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(OutputError, match="はファイルです"):
        write_all({tmp_path / "a.csv": lambda p: p.write_text("a"), tmp_path / "file" / "b.json": lambda p: None})
    with pytest.raises(OutputError, match="はフォルダーです"):
        check_outputs([tmp_path / "folder.csv"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder.csv"]


def test_a_sheet_declaring_too_many_rows_is_refused_before_it_is_loaded(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "tall.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, "児童番号")
    sheet.write_string(500, 3, "C1")
    book.close()
    with pytest.raises(TableError) as exc:
        read_table(path, limits=Limits(rows=100))
    assert "行数(500行)が上限(100行)" in exc.value.problem.message
    assert exc.value.problem.file == "tall.xlsx"


def test_a_missing_file_or_a_folder_is_a_japanese_problem(tmp_path: Path) -> None:
    for path, message in ((tmp_path / "none.csv", "ファイルがありません"), (tmp_path, "フォルダーです")):
        with pytest.raises(TableError) as exc:
            read_table(path)
        assert message in exc.value.problem.message
