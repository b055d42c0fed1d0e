"""read_table: a CSV file or one sheet of an XLSX file → a header and rows of strings, or one located problem.

Encodings: a clerk's CSV is UTF-8 (with or without BOM, as Excel's "CSV UTF-8" saves it) or Shift-JIS/CP932
(Excel's plain "CSV"). We detect rather than ask: BOM, then strict UTF-8, then strict CP932. Every cell comes back
as a stripped string ("" for blank) so that the layout parsers see the same thing from CSV and XLSX.

Everything a later step could choke on is refused here, with file, row and column: sizes over `Limits`, control
characters (which XML cannot carry and terminals interpret), over-long cells, formulas without a cached value.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kyodo.problems import Problem
from kyodo.tables.limits import CONTROL_RE, DEFAULT_LIMITS, Limits, size_text, visible
from kyodo.tables.xlsx_read import Rows, XlsxProblem, xlsx_rows

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx saved with a password
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SPACE_RE = re.compile(r"[\s_]+")
# Joins a row's cells for one regex search per row. Not a control character (that would match CONTROL_RE) nor a
# space; a private-use character (外字) in a cell only makes a row take the slower path, never a wrong result.
_SEP = "\ue000"
# A cell with a space at an edge, found with substring tests (a regex over the row was a third of the read): the
# spaces a clerk's file has at cell edges. Rarer Unicode spaces are left to the parsers, which normalise (NFKC) and
# strip what they read.
_EDGE_PAIRS = tuple(p for ws in " \u3000\t\n\r\xa0" for p in (ws + _SEP, _SEP + ws))


def _has_edge_space(joined: str) -> bool:
    # map(joined.__contains__) rather than a generator: no Python frame per pair, on every row of the file.
    return joined[:1].isspace() or joined[-1:].isspace() or any(map(joined.__contains__, _EDGE_PAIRS))
# The writers' formula guard ("'=…", see writing.py) read back as the text it protects.
_GUARDED_RE = re.compile(r"'[=+\-@\t\r]")

# Our own cell-length check gives the Japanese message; csv's own limit must never fire first.
csv.field_size_limit(1 << 30)


def header_key(text: str) -> str:
    """How headers are compared: NFKC (as ChilmAI does), without spaces and underscores."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True, slots=True)
class Table:
    """One sheet: header texts as written, and data rows with their 1-based spreadsheet row numbers."""

    file: str
    headers: tuple[str, ...]
    rows: list[tuple[int, list[str]]]


class TableError(Exception):
    """The file cannot be read as a table at all; carries the one problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


Source = bytes | bytearray | memoryview | Path | str


def read_table(
    source: Source,
    accept: Callable[[Sequence[str]], bool] | None = None,
    *,
    name: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Read a whole CSV file, or one sheet of an XLSX file, from bytes or a path. Raises TableError.

    name: the file name messages use (default: the path's name; "入力" for bytes). The format is told from the
    content (a .xlsx is a zip), the name's extension only breaks the tie. Of an XLSX, the first sheet whose first
    non-blank row `accept`s as a header (a workbook often opens with a cover or 記入例 sheet), else the first sheet.
    """
    data, name = _load(source, name, limits)
    if not data.strip():
        raise TableError(Problem("ファイルが空です", file=name))
    if data.startswith(_OLE_MAGIC):
        raise TableError(
            Problem(
                "古い Excel 形式(.xls)か、パスワードで保護された Excel ファイルです。"
                "保護を外し、Excel ブック(.xlsx)か CSV で保存し直してください",
                file=name,
            )
        )
    if data.startswith(_XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        try:
            rows = xlsx_rows(data, name, limits, accept)
        except XlsxProblem as exc:
            raise TableError(exc.problem) from exc
        # A sheet's table often starts lower down (a title above it): its header is the first non-blank row.
        return _to_table(name, rows, limits, skip_blank_top=True)
    return _to_table(name, _csv_rows(data, name, limits), limits, csv_text=True)


def _load(source: Source, name: str | None, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        shown = visible(name or "入力", 200)
    else:
        path = Path(source)
        shown = visible(name or path.name, 200)
        try:
            size = path.stat().st_size
            _check_bytes(size, shown, limits)
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise TableError(Problem("ファイルがありません", file=shown)) from exc
        except IsADirectoryError as exc:
            raise TableError(Problem("ファイルではなくフォルダーです", file=shown)) from exc
        except PermissionError as exc:
            raise TableError(Problem("ファイルを読む権限がありません", file=shown)) from exc
        except OSError as exc:  # the OS's own text is English: give its number for the administrator instead
            raise TableError(Problem(f"ファイルを開けません(OS のエラー番号 {exc.errno})", file=shown)) from exc
    _check_bytes(len(data), shown, limits)
    return data, shown


def _check_bytes(size: int, name: str, limits: Limits) -> None:
    if size > limits.file_bytes:
        raise TableError(
            Problem(
                f"ファイルが大きすぎます({size_text(size)})。1ファイルの上限は{size_text(limits.file_bytes)}です。"
                "ファイルを分けてください",
                file=name,
            )
        )


def _decode(data: bytes, name: str) -> str:
    if data.startswith(_UTF8_BOM):
        try:
            return data[len(_UTF8_BOM) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TableError(_encoding_problem(name, data, exc.start)) from exc
    if data.startswith(_UTF16_BOMS):
        raise TableError(
            Problem(
                "UTF-16(Unicode テキスト)のファイルは読めません。"
                "Excel で「CSV UTF-8(コンマ区切り)」または「CSV(コンマ区切り)」で保存し直してください",
                file=name,
            )
        )
    # A NUL early on means a binary file (a PDF, an image); one further in is a control character in a cell,
    # reported with its row and column by _to_table.
    if b"\x00" in data[:4096]:
        raise TableError(
            Problem(
                "CSV(テキスト)ファイルではありません。CSV か Excel(.xlsx)ファイルを指定してください",
                file=name,
            )
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp932")
        except UnicodeDecodeError:
            raise TableError(_encoding_problem(name, data, utf8_error.start)) from utf8_error


def _encoding_problem(name: str, data: bytes, offset: int) -> Problem:
    line = data.count(b"\n", 0, offset) + 1
    return Problem(
        f"文字コードを判定できません({line}行目に UTF-8 としても Shift-JIS としても読めない文字があります)。"
        "「CSV UTF-8(コンマ区切り)」で保存し直してください",
        file=name,
        row=line,
    )


def _csv_rows(data: bytes, name: str, limits: Limits) -> Rows:
    text = _decode(data, name)
    # Only the delimiter is guessed (Excel also saves tab-separated text); quoting stays Excel's.
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    # strict: a quote left open, or text after a closing quote, is an error rather than a silently swallowed file.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    while True:
        start_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise TableError(_csv_problem(name, len(rows) + 1, start_line, reader.line_num, str(exc))) from exc
        rows.append((len(rows) + 1, cells))
        if len(rows) > limits.rows + 1:
            raise TableError(_rows_problem(name, limits))
    return iter(rows)


def _csv_problem(name: str, row: int, start_line: int, line: int, error: str) -> Problem:
    where = f"(ファイルの{start_line}行目)" if start_line != row else ""
    if "end of data" in error or "EOF" in error:
        return Problem(
            f"{row}行目{where}で始まる引用符(\")が閉じられていません。"
            "セルの中に \" を書くときは \"\" と2つ重ねてください",
            file=name,
            row=row,
        )
    if "expected after" in error:
        return Problem(
            f"引用符(\")で囲んだセルの後に区切り文字(,)がありません(ファイルの{line}行目)。"
            "セルの中に \" を書くときは、セル全体を \" で囲み、\"\" と2つ重ねてください",
            file=name,
            row=row,
        )
    return Problem(f"CSV として読めません(ファイルの{line}行目)。Excel で保存し直してください", file=name, row=row)


def _rows_problem(name: str, limits: Limits) -> Problem:
    return Problem(f"行数が上限({limits.rows:,}行)を超えています。ファイルを分けてください", file=name)


def _to_table(
    name: str,
    raw_rows: Iterator[tuple[int, list[str]]],
    limits: Limits,
    *,
    csv_text: bool = False,
    skip_blank_top: bool = False,
) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, raw in raw_rows:
        joined = _SEP.join(raw)
        if CONTROL_RE.search(joined) or len(joined) > limits.cell_chars:
            _check_cells(name, number, raw, headers, limits)
        if csv_text and "'" in joined and _GUARDED_RE.search(joined):
            raw = [c[1:] if _GUARDED_RE.match(c) else c for c in raw]
            joined = _SEP.join(raw)
        # Stripping every cell costs more than the CSV parse; most rows have no cell to strip
        # (a space inside a name, 井上 そら, needs none), and one regex over the row finds those that do.
        cells = [c.strip() for c in raw] if _has_edge_space(joined) else raw
        if headers is None:
            if not any(cells):
                if skip_blank_top:
                    continue
                raise TableError(
                    Problem("1行目(見出し行)が空です。1行目に列名を書いてください", file=name, row=number)
                )
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) > limits.columns:
                raise TableError(
                    Problem(f"列数({len(cells):,}列)が上限({limits.columns:,}列)を超えています", file=name, row=number)
                )
            headers = cells
            continue
        if any(cells):
            rows.append((number, cells))
            if len(rows) > limits.rows:
                raise TableError(_rows_problem(name, limits))
    if headers is None:
        raise TableError(Problem("ファイルが空です", file=name))
    # Every row gets exactly one cell per header plus a final "", so that a column a file lacks can be
    # read as index -1 (see sheet.getter); CSV writers drop trailing empty cells, so pad short rows.
    width = len(headers)
    for _, cells in rows:
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        elif len(cells) > width:
            del cells[width:]
        cells.append("")
    return Table(file=name, headers=tuple(headers), rows=rows)


def _check_cells(name: str, number: int, raw: list[str], headers: list[str] | None, limits: Limits) -> None:
    """The first cell of the row with a control character or too many characters, as a TableError."""
    for i, text in enumerate(raw):
        column = _column_name(headers, i)
        bad = CONTROL_RE.search(text)
        if bad:
            char = f"U+{ord(bad.group()):04X}"
            raise TableError(
                Problem(
                    f"制御文字({char})が含まれています(「{visible(text)}」)。"
                    "この文字は Excel や帳票に書き出せないため、削除してから読み込んでください",
                    file=name,
                    row=number,
                    column=column,
                )
            )
        if len(text) > limits.cell_chars:
            hint = "引用符(\")が閉じられていない可能性があります。" if "\n" in text else ""
            raise TableError(
                Problem(
                    f"セルの文字数({len(text):,}文字)が上限({limits.cell_chars:,}文字)を超えています。{hint}",
                    file=name,
                    row=number,
                    column=column,
                )
            )


def _column_name(headers: list[str] | None, index: int) -> str | None:
    if headers is None:
        return None  # the header row itself: the row number says where
    if index < len(headers) and headers[index]:
        return visible(headers[index])
    return f"{index + 1}列目"
