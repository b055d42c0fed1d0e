"""Reading an .xlsx: its package checked from the central directory, its formulas checked, its cells by calamine.

Order matters for a hostile file: the zip's central directory (a few KB, read without decompressing anything) says
how large every part is, so a zip bomb is refused before a byte is inflated; only then does python-calamine (Rust,
about 40 times faster than openpyxl) read the chosen sheet.
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from kyodo.problems import Problem
from kyodo.tables.limits import MIB, Limits, size_text

Rows = Iterator[tuple[int, list[str]]]  # (1-based spreadsheet row, cells)


class XlsxProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _with_file(problem: Problem, name: str) -> Problem:
    return problem if problem.file else Problem(problem.message, file=name, row=problem.row, column=problem.column)


def check_package(data: bytes, name: str, limits: Limits) -> zipfile.ZipFile:
    """The zip, after its central directory shows nothing too large. Raises XlsxProblem."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise XlsxProblem(_unreadable(name)) from exc
    total = sum(m.file_size for m in members)
    if total > limits.xlsx_uncompressed_bytes:
        raise XlsxProblem(
            Problem(
                f"Excel ファイルの展開後の大きさ({size_text(total)})が上限"
                f"({size_text(limits.xlsx_uncompressed_bytes)})を超えています。"
                "行を分けるか、CSV で保存してください",
                file=name,
            )
        )
    for m in members:
        if m.file_size > MIB and m.file_size > limits.xlsx_ratio * max(m.compress_size, 1):
            raise XlsxProblem(
                Problem(
                    f"Excel ファイルの圧縮率が異常です(「{m.filename[:60]}」が {size_text(m.compress_size)} から "
                    f"{size_text(m.file_size)} に展開されます。上限は{limits.xlsx_ratio}倍)。"
                    "正しい Excel ファイルか確認してください",
                    file=name,
                )
            )
    return package


def _unreadable(name: str) -> Problem:
    return Problem("Excel(.xlsx)ファイルとして読めません。ファイルが壊れていないか確認してください", file=name)


def xlsx_rows(
    data: bytes, name: str, limits: Limits, accept: Callable[[Sequence[str]], bool] | None
) -> Rows:
    """The chosen sheet's (row number, cells), from row 1 and column A. Raises XlsxProblem."""
    package = check_package(data, name, limits)
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise XlsxProblem(
            Problem("パスワードで保護された Excel ファイルです。保護を外して保存し直してください", file=name)
        ) from exc
    except Exception as exc:  # calamine's errors (zip, XML) and Rust panics all mean "not a workbook"
        raise XlsxProblem(_unreadable(name)) from exc
    try:
        names = [m.name for m in workbook.sheets_metadata if str(m.typ).endswith("WorkSheet")]
        if not names:
            raise XlsxProblem(Problem("Excel ファイルにシートがありません", file=name))
        index = 0
        loaded: dict[int, Any] = {}  # sheets the header search already parsed, not parsed twice
        if accept is not None and len(names) > 1:
            try:
                index = next(
                    (i for i, n in enumerate(names) if accept(_first_row(workbook, package, i, n, limits, loaded))), 0
                )
            except XlsxProblem as exc:
                raise XlsxProblem(_with_file(exc.problem, name)) from exc
        _check_dimension(package, index, name, limits)
        # The formula scan inflates the sheet's XML itself; it runs beside calamine's parse (both release the GIL).
        scan = _Scan(package, index)
        sheet = loaded.get(index) or workbook.get_sheet_by_name(names[index])
        end_row, end_col = sheet.end or (0, 0)
        _check_size(end_row + 1, end_col + 1, name, limits)
        values = sheet.to_python(skip_empty_area=False)
    except XlsxProblem:
        raise
    except Exception as exc:
        raise XlsxProblem(Problem("Excel(.xlsx)ファイルのシートが読めません", file=name)) from exc
    finally:
        workbook.close()
    formulas = scan.result()
    if formulas:
        raise XlsxProblem(_formula_problem(name, formulas, values))
    return ((n, _texts(row)) for n, row in enumerate(values, start=1))


def _texts(row: list[Any]) -> list[str]:
    # Inlined for the two common types (text, and numbers, which calamine gives as floats): a call per cell
    # would cost about a third of the read.
    return [
        v if type(v) is str else (str(int(v)) if type(v) is float and v.is_integer() else cell_text(v)) for v in row
    ]


class _Scan(threading.Thread):
    def __init__(self, package: zipfile.ZipFile, index: int) -> None:
        super().__init__(name="xlsx-formula-scan", daemon=True)
        self.package, self.index, self.found = package, index, list[tuple[str, int]]()
        self.start()

    def run(self) -> None:
        self.found = uncached_formulas(self.package, self.index)

    def result(self) -> list[tuple[str, int]]:
        self.join()
        return self.found


def _first_row(
    workbook: Any, package: zipfile.ZipFile, index: int, sheet_name: str, limits: Limits, loaded: dict[int, Any]
) -> list[str]:
    _check_dimension(package, index, "", limits)
    sheet = loaded[index] = workbook.get_sheet_by_name(sheet_name)
    for row in sheet.iter_rows():
        cells = [cell_text(v).strip() for v in row]
        if any(cells):
            return cells
    return []


_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?([A-Z]{1,3})(\d{1,9})\"")


def _check_dimension(package: zipfile.ZipFile, index: int, name: str, limits: Limits) -> None:
    """The sheet's declared size (its <dimension>, in the first bytes of its XML), checked before calamine loads
    the whole sheet into memory. A sheet without one, or one that lies, is still bounded by the unpacked-size
    limit, and checked again from what calamine read."""
    path = _sheet_path(package, index)
    if path is None:
        return
    try:
        with package.open(path) as stream:
            head = stream.read(64 * 1024)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return
    m = _DIMENSION_RE.search(head)
    if m:
        _check_size(int(m.group(2)), _column_number(m.group(1).decode()) + 1, name, limits)


def _check_size(height: int, width: int, name: str, limits: Limits) -> None:
    if height - 1 > limits.rows:
        raise XlsxProblem(
            Problem(f"行数({height - 1:,}行)が上限({limits.rows:,}行)を超えています。ファイルを分けてください", file=name)
        )
    if width > limits.columns:
        raise XlsxProblem(
            Problem(f"列数({width:,}列)が上限({limits.columns:,}列)を超えています", file=name)
        )


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


# -- formulas without a cached value -------------------------------------------------------------------------

_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
_REL_RE = re.compile(rb"<Relationship\b[^>]*>")
_ATTR_RE = re.compile(rb"\b(Id|Target)=\"([^\"]*)\"")
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*)>")
_REF_RE = re.compile(rb"\br=\"([A-Z]{1,3})(\d+)\"")
_VALUE_RE = re.compile(rb"<(?:\w+:)?v>[^<]")
_STR_TYPE_RE = re.compile(rb"\bt=\"str\"")
_CHUNK = 4 * MIB


def _sheet_path(package: zipfile.ZipFile, index: int) -> str | None:
    try:
        book = package.read("xl/workbook.xml")
        rels = package.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return None
    ids = _SHEET_RE.findall(book)
    if index >= len(ids):
        return None
    for rel in _REL_RE.findall(rels):
        attrs = dict(_ATTR_RE.findall(rel))
        if attrs.get(b"Id") == ids[index]:
            target = str(attrs.get(b"Target", b"").decode("utf-8", "replace"))
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def uncached_formulas(package: zipfile.ZipFile, index: int, limit: int = 5) -> list[tuple[str, int]]:
    """Up to `limit` formula cells of sheet `index` that have no cached value: (column letters, row).

    A workbook written by a program (not saved by Excel) holds formulas without their results; calamine, like
    openpyxl's data_only, then reads them as blank, and a vacancy column would silently become "no class". The
    sheet's XML is streamed in chunks, so this costs one inflate pass and bounded memory.
    """
    path = _sheet_path(package, index)
    if path is None:
        return []
    found: list[tuple[str, int]] = []
    try:
        with package.open(path) as stream:
            tail = b""
            while len(found) < limit:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                buffer = tail + chunk
                # Keep an unfinished cell for the next round: cut after the last complete </c> or />.
                cut = max(buffer.rfind(b"</c>"), buffer.rfind(b"<row"))
                if cut <= 0:
                    tail = buffer
                    continue
                found += _formulas_in(buffer[:cut])
                tail = buffer[cut:]
            if len(found) < limit and tail:
                found += _formulas_in(tail)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError):
        return found
    return found[:limit]


def _formulas_in(xml: bytes) -> list[tuple[str, int]]:
    if b"<f" not in xml and b":f" not in xml:  # the common case, at memchr speed
        return []
    found = []
    for m in _FORMULA_RE.finditer(xml):
        start = xml.rfind(b"<c ", 0, m.start())
        if start < 0:
            continue
        end = xml.find(b"</c>", m.end())
        cell = xml[start : end if end >= 0 else len(xml)]
        head = _CELL_START_RE.match(cell)
        if head is None or _VALUE_RE.search(cell) or _STR_TYPE_RE.search(head.group(1)):
            continue
        ref = _REF_RE.search(head.group(1))
        if ref:
            found.append((ref.group(1).decode(), int(ref.group(2))))
    return found


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _formula_problem(name: str, formulas: list[tuple[str, int]], values: Sequence[Sequence[Any]]) -> Problem:
    letters, row = formulas[0]
    header_row = next((r for r in values if any(v not in (None, "") for v in r)), [])
    col = _column_number(letters)
    header = cell_text(header_row[col]).strip() if 0 <= col < len(header_row) else ""
    cells = "、".join(f"{c}{r}" for c, r in formulas)
    more = "など" if len(formulas) >= 5 else ""  # uncached_formulas stops at five
    return Problem(
        f"セル {cells}{more} の数式に計算結果が保存されていません(プログラムで作られたファイルです)。"
        "Excel で開いて保存し直すか、数式を値に置き換えてください",
        file=name,
        row=row,
        column=header or None,
    )
