"""Tables in and out: Excel (.xlsx, first sheet) or CSV (UTF-8, UTF-8 with BOM, or Shift-JIS/CP932).

Outputs are written to a temporary file beside the target and moved into place only when every output of a command
has been written, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kyodo.jinzai.errors import InputError, Problem

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True, slots=True)
class Table:
    file: str  # the name used in messages
    headers: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, Cell]], ...]  # (spreadsheet row number, header → value)


def read_table(path: Path) -> Table:
    if not path.exists():
        raise InputError([Problem("ファイルがありません。", file=str(path))])
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        raw = _read_xlsx(path)
    elif suffix == ".csv":
        raw = _read_csv(path)
    else:
        raise InputError([Problem("Excel(.xlsx)か CSV(.csv)を指定してください。", file=str(path))])
    if not raw:
        raise InputError([Problem("見出し行がありません(空のファイルです)。", file=path.name, row=1)])
    headers = tuple(str(h).strip() if h is not None else "" for h in raw[0])
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        rows.append((number, {h: (values[i] if i < len(values) else None) for i, h in enumerate(headers) if h}))
    return Table(path.name, headers, tuple(rows))


def _read_xlsx(path: Path) -> list[list[Cell]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError([Problem(f"Excelファイルとして読めません({type(exc).__name__})。", file=path.name)]) from exc
    sheet = book.worksheets[0]
    out = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return out


def _read_csv(path: Path) -> list[list[Cell]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [list(row) for row in csv.reader(io.StringIO(text))]
    raise InputError([Problem("文字コードが UTF-8 でも Shift-JIS でもありません。", file=path.name)])


from kyodo.tables import Writer  # noqa: E402

Sheet = tuple[Sequence[str], Sequence[Sequence[Cell]]]


def table_writer(suffix: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> Writer:
    """A writer for one table as .xlsx or .csv (UTF-8 with BOM, so Excel opens it)."""
    if suffix.lower() == ".xlsx":
        return xlsx_writer({"一覧": (headers, rows)})
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(headers)
    out.writerows([["" if v is None else v for v in row] for row in rows])
    return text_writer(buffer.getvalue(), encoding="utf-8-sig")


def text_writer(text: str, encoding: str = "utf-8") -> Writer:
    return lambda target: target.write_text(text, encoding=encoding)


def xlsx_writer(sheets: dict[str, Sheet]) -> Writer:
    def write(target: Path) -> None:
        from openpyxl import Workbook

        book = Workbook()
        for index, (title, (headers, rows)) in enumerate(sheets.items()):
            sheet = book.worksheets[0] if index == 0 else book.create_sheet()
            sheet.title = title
            sheet.append(list(headers))
            for row in rows:
                sheet.append(list(row))
            sheet.freeze_panes = "A2"
        book.save(target)

    return write
