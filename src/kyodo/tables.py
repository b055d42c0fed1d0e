"""Every engine reads and writes its tables here: CSV or XLSX into a header and rows of strings, and back atomically.

Encodings: a clerk's CSV is UTF-8 (with or without BOM, as Excel's "CSV UTF-8" saves it) or
Shift-JIS/CP932 (Excel's plain "CSV"). We detect rather than ask: BOM, then strict UTF-8, then
strict CP932. Every cell comes back as a stripped string ("" for blank) so that the layout
parsers see the same thing from CSV and XLSX.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from kyodo.problems import Problem

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and .xlsx saved with a password
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SPACE_RE = re.compile(r"[\s_]+")
_SEP = "\x00"  # not in a text file's cells (and, unlike \x1f, not a space to the regex)
_EDGE_SPACE = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)")


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


def read_table(path: Path, accept: Callable[[Sequence[str]], bool] | None = None) -> Table:
    """Read a whole CSV file, or one sheet of an XLSX file. Raises TableError.

    Of an XLSX, the first sheet whose first non-blank row `accept`s as a header (a workbook often opens
    with a cover or 記入例 sheet), else the first sheet.
    """
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(Problem(f"ファイルを開けません({exc.strerror})", file=name)) from exc
    return read_table_bytes(data, name, accept)


def read_table_bytes(data: bytes, name: str, accept: Callable[[Sequence[str]], bool] | None = None) -> Table:
    """read_table on a file's contents (an upload, say); `name` is the file name messages show."""
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
    if data.startswith(_XLSX_MAGIC) or Path(name).suffix.lower() in (".xlsx", ".xlsm"):
        raw_rows = _xlsx_rows(data, name, accept)
    else:
        raw_rows = _csv_rows(data, name)
    return _to_table(name, raw_rows)


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


def _csv_rows(data: bytes, name: str) -> Iterator[list[str]]:
    text = _decode(data, name)
    # Only the delimiter is guessed (Excel also saves tab-separated text); quoting stays Excel's.
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    # Materialise here so a csv.Error surfaces inside read_table, located by line.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        rows.extend(reader)
    except csv.Error as exc:
        raise TableError(Problem(f"CSV として読めません({exc})", file=name, row=reader.line_num)) from exc
    return iter(rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes, name: str, accept: Callable[[Sequence[str]], bool] | None) -> Iterator[list[str]]:
    # openpyxl is imported here: reading a CSV should not pay for it.
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError(
            Problem(
                "Excel(.xlsx)ファイルとして読めません。ファイルが壊れていないか確認してください", file=name
            )
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds on a malformed package
        raise TableError(
            Problem(f"Excel(.xlsx)ファイルとして読めません({type(exc).__name__})", file=name)
        ) from exc
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise TableError(Problem("Excel ファイルにシートがありません", file=name))
        sheet = sheets[0]
        if accept is not None and len(sheets) > 1:
            sheet = next((s for s in sheets if accept(_first_row(s))), sheet)
        try:
            # About 4 µs a cell: a direct lxml pass over the sheet's XML measured no faster than this.
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # a malformed sheet inside a well-formed package
            raise TableError(
                Problem(f"Excel(.xlsx)ファイルのシートが読めません({type(exc).__name__})", file=name)
            ) from exc
    finally:
        workbook.close()
    return iter(rows)


def _first_row(sheet: Any) -> list[str]:
    for row in sheet.iter_rows(values_only=True):
        cells = [_cell_text(v).strip() for v in row]
        if any(cells):
            return cells
    return []


def _to_table(name: str, raw_rows: Iterator[list[str]]) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, raw in enumerate(raw_rows, start=1):
        # Stripping every cell costs more than the CSV parse; most rows have no cell to strip
        # (a space inside a name, 井上 そら, needs none), and one regex over the row finds those that do.
        cells = [c.strip() for c in raw] if _EDGE_SPACE.search(_SEP.join(raw)) else raw
        if headers is None:
            if not any(cells):
                raise TableError(
                    Problem("1行目(見出し行)が空です。1行目に列名を書いてください", file=name, row=number)
                )
            while cells and not cells[-1]:
                cells.pop()
            headers = cells
            continue
        if any(cells):
            rows.append((number, cells))
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


# -- writing -------------------------------------------------------------------------------------------------


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Call write(tmp) for a temporary file next to path, then rename it over path.

    A crash or an exception leaves either the old file or none, never half a file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: that file would be 0600, and the result should have the usual (umask) permissions.
    tmp = path.parent / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp"
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """CSV in UTF-8 with BOM (so Excel opens it), written atomically."""

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)

    write_atomic(path, write)


def xlsx_value(sheet: Any, value: object) -> object:
    """A cell value for a write-only sheet; text that starts with = stays text, never a formula."""
    if value == "" or value is None:
        return None
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_xlsx(
    path: Path,
    sheet_title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    choices: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """A one-sheet workbook with a bold, frozen header, written atomically.

    choices: header → values offered as a drop-down in that column (for rows a clerk adds too);
    other text is still allowed, since the readers accept short forms.
    """
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    def write(tmp: Path) -> None:
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet(sheet_title)
        sheet.freeze_panes = "A2"
        last_row = max(len(rows) + 1, 1000)
        for i, text in enumerate(header, start=1):
            values = (choices or {}).get(text)
            if values:
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(values) + '"', allow_blank=True
                )
                validation.showErrorMessage = False
                letter = get_column_letter(i)
                validation.add(f"{letter}2:{letter}{last_row}")
                sheet.data_validations.append(validation)
        bold = Font(bold=True)
        head = []
        for text in header:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            head.append(cell)
        sheet.append(head)
        for row in rows:
            sheet.append([xlsx_value(sheet, v) for v in row])
        workbook.save(tmp)

    write_atomic(path, write)


Writer = Callable[[Path], object]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_all(writers: Mapping[Path, Writer]) -> None:
    """Several outputs, all or nothing: each is written to a temporary file beside its target, and all are
    renamed into place only when every one succeeded; the temporary files are removed on any failure."""
    temps: dict[Path, Path] = {}
    try:
        for target, write in writers.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
            os.close(fd)
            os.chmod(name, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
            temps[target] = Path(name)
            write(temps[target])
        for target, temp in temps.items():
            os.replace(temp, target)
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
