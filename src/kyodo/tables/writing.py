"""Writing tables: CSV and XLSX with the formula-injection guard, atomically, several outputs all or nothing.

The guard: a cell whose text starts with = + - @ tab or CR would run as a formula when a clerk opens the file
(`=HYPERLINK(…)` sends data away, `@SUM(…)` and DDE payloads run commands). In CSV such text is written with a
leading ' (Excel's own "this is text" mark; kyodo.tables.read_table removes it again); in XLSX it is a text cell
with Excel's quote prefix, so it shows and reads back exactly as written and never becomes a formula, even when the
cell is edited. A plain number ("-5", "+3.5") is not guarded: Excel reads it as the number it is.

`raw=True` writes the text as it is, for files only programs read (a machine round trip); XLSX cells are still
text cells, never formulas.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_START)
_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
XLSX_MAX_CHARS = 32_767  # Excel's limit for one cell
Cell = str | int | float | date | datetime | bool | None
Writer = Callable[[Path], object]
SheetData = tuple[Sequence[str], Sequence[Sequence[Any]]]  # header, rows


def is_formula_like(text: str) -> bool:
    """Whether Excel would take this text for a formula (and it is not simply a number)."""
    return text.startswith(_FORMULA_START) and not _NUMBER_RE.fullmatch(text)


def guard(text: str) -> str:
    """The text as a CSV cell Excel shows as text: a leading ' before anything formula-like."""
    return "'" + text if is_formula_like(text) else text


def csv_cell(value: object, raw: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    else:
        text = str(value)
    return text if raw else guard(text)


def csv_text(header: Sequence[str], rows: Sequence[Sequence[object]], *, raw: bool = False) -> str:
    """A CSV document (CRLF, as Excel writes it) with the guard applied to every cell, the header too."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow([csv_cell(h, raw) for h in header])
    out.writerows([csv_cell(v, raw) for v in row] for row in rows)
    return buffer.getvalue()


# -- atomic files ---------------------------------------------------------------------------------------------


def _temp_name(target: Path) -> Path:
    # The pid in the name lets a later run tell a dead run's leftover from a live writer's file.
    return target.parent / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.tmp"


_TEMP_RE = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{12}\.tmp")


def remove_leftovers(target: Path) -> list[Path]:
    """Delete temporary files beside `target` that a killed run left (their process is gone). The files removed."""
    removed: list[Path] = []
    try:
        candidates = list(target.parent.glob(f".{glob_escape(target.name)}.*.tmp"))
    except OSError:
        return removed
    for path in candidates:
        m = _TEMP_RE.fullmatch(path.name)
        if m is None or m.group("name") != target.name or _alive(int(m.group("pid"))):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            pass
    return removed


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process: leave its file alone
    return True


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call write(tmp) for a temporary file next to path, then rename it over path.

    A crash or an exception leaves either the old file or none, never half a file; a leftover of a killed run
    beside the same target is removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(path)
    # Not mkstemp: that file would be 0600, and the result should have the usual (umask) permissions.
    tmp = _temp_name(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class OutputError(Exception):
    """An output cannot be written where asked (its folder is a file, it names a folder, no permission).

    The message is Japanese and names the path; raised before anything is written."""


def check_outputs(targets: Sequence[Path]) -> None:
    """Every target can be written: raise OutputError naming the first that cannot, before any work is done.

    Creates missing folders (as write_all would). Call it before a long computation, so that a typo in -o costs
    nothing."""
    for target in targets:
        target = Path(target)
        if target.is_dir():
            raise OutputError(f"出力先「{target}」はフォルダーです。ファイル名を指定してください")
        parent = next((p for p in (target.parent, *target.parent.parents) if p.exists()), None)
        if parent is not None and not parent.is_dir():
            raise OutputError(f"出力先「{target}」のフォルダー「{parent}」はファイルです。別の場所を指定してください")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"出力先のフォルダー「{target.parent}」を作れません({exc.strerror})") from exc
        if not os.access(target.parent, os.W_OK):
            raise OutputError(f"出力先のフォルダー「{target.parent}」に書き込めません(権限がありません)")


def write_all(writers: Mapping[Path, Writer]) -> None:
    """Several outputs, all or nothing: each is written to a temporary file beside its target, and all are
    renamed into place only when every one succeeded; the temporary files are removed on any failure.

    The targets are checked first (check_outputs): a target that cannot be written raises OutputError before
    anything is written. A writer's own exception passes through, after the temporary files are removed."""
    check_outputs(list(writers))
    temps: dict[Path, Path] = {}
    try:
        for target, write in writers.items():
            target = Path(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(target)
            temps[target] = _temp_name(target)
            temps[target].touch()
            write(temps[target])
        for target, temp in temps.items():
            os.replace(temp, target)
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)


# -- CSV ------------------------------------------------------------------------------------------------------


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]], *, raw: bool = False) -> None:
    """CSV in UTF-8 with BOM (so Excel opens it), written atomically, with the formula guard unless raw."""
    write_atomic(path, csv_writer(header, rows, raw=raw))


def csv_writer(header: Sequence[str], rows: Sequence[Sequence[object]], *, raw: bool = False) -> Writer:
    """A Writer (for write_all) of one CSV table."""
    return text_writer(csv_text(header, rows, raw=raw), encoding="utf-8-sig")


def text_writer(text: str, encoding: str = "utf-8") -> Writer:
    def write(target: Path) -> None:
        with Path(target).open("w", encoding=encoding, newline="") as f:
            f.write(text)

    return write


# -- XLSX -----------------------------------------------------------------------------------------------------


def xlsx_writer(
    sheets: Mapping[str, SheetData],
    *,
    choices: Mapping[str, Sequence[str]] | None = None,
    raw: bool = False,
) -> Writer:
    """A Writer (for write_all) of a workbook: one sheet per entry, each with a bold, frozen header.

    XlsxWriter in constant-memory mode: rows go to disk as they are written (about 10× openpyxl's speed).
    choices: header → values offered as a drop-down in that column (for rows a clerk adds too); other text is
    still allowed, since the readers accept short forms.
    """

    def write(target: Path) -> None:
        import xlsxwriter

        book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False,
                                                   "strings_to_urls": False, "strings_to_numbers": False})
        try:
            formats = _Formats(book, raw)
            for title, (header, rows) in sheets.items():
                _write_sheet(book.add_worksheet(_sheet_title(title)), formats, header, rows, choices or {})
        finally:
            book.close()

    return write


def write_xlsx(
    path: Path,
    sheet_title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    choices: Mapping[str, Sequence[str]] | None = None,
    *,
    raw: bool = False,
) -> None:
    """A one-sheet workbook with a bold, frozen header, written atomically (see xlsx_writer)."""
    write_atomic(path, xlsx_writer({sheet_title: (header, rows)}, choices=choices, raw=raw))


class _Formats:
    def __init__(self, book: Any, raw: bool) -> None:
        self.bold = book.add_format({"bold": True})
        self.quoted = None if raw else book.add_format({"quote_prefix": True})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})


def _sheet_title(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "Sheet"


def _write_sheet(
    sheet: Any, formats: _Formats, header: Sequence[str], rows: Sequence[Sequence[object]],
    choices: Mapping[str, Sequence[str]],
) -> None:
    sheet.freeze_panes(1, 0)
    last_row = max(len(rows), 1000)
    for col, text in enumerate(header):
        values = choices.get(text)
        if values:
            sheet.data_validation(1, col, last_row, col, {
                "validate": "list", "source": list(values), "ignore_blank": True, "show_error": False,
            })
        sheet.write_string(0, col, _clip(str(text)), formats.bold)
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            _write_cell(sheet, formats, r, col, value)


def _clip(text: str) -> str:
    return text if len(text) <= XLSX_MAX_CHARS else text[: XLSX_MAX_CHARS - 1] + "…"


def _write_cell(sheet: Any, formats: _Formats, r: int, c: int, value: object) -> None:
    # XlsxWriter's _write_string/_write_number are what its public write_string/write_number call after
    # converting "A1"-style arguments; called directly they save a decorator per cell (these are hot loops).
    if type(value) is str:  # the common case first: most cells are text
        if not value:
            return
        text = value if len(value) <= XLSX_MAX_CHARS else _clip(value)
        if formats.quoted is not None and text[0] in _FORMULA_FIRST and is_formula_like(text):
            sheet._write_string(r, c, text, formats.quoted)
        else:
            sheet._write_string(r, c, text)
    elif value is None:
        return
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float) and math.isfinite(value) and abs(value) < 1e15:
        sheet._write_number(r, c, value)
    elif isinstance(value, datetime):
        sheet.write_datetime(r, c, value.replace(tzinfo=None), formats.datetime)
    elif isinstance(value, date):
        sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), formats.date)
    else:
        _write_cell(sheet, formats, r, c, str(value))


def xlsx_value(sheet: Any, value: object) -> object:
    """A cell value for an openpyxl write-only sheet (hoiku's styled workbook); text starting with = stays text."""
    if value == "" or value is None:
        return None
    if isinstance(value, str) and is_formula_like(value):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True  # type: ignore[attr-defined]
        return cell
    return value


