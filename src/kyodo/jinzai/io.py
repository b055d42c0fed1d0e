"""Tables in and out, through the shared kyodo.tables: Excel (.xlsx) or CSV (UTF-8, UTF-8 with BOM, or Shift-JIS).

Reading gets kyodo.tables' limits and checks (control characters, formulas without a cached value, sizes); every
cell arrives as a stripped string. Writing applies its formula guard (a specialist named "=HYPERLINK(…)" stays
text in the workbook). Outputs are written through `kyodo.tables.write_all`: to temporary files beside the targets,
moved into place only when every output of a command has been written, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kyodo import tables
from kyodo.jinzai.errors import InputError, Problem
from kyodo.tables import Writer, csv_writer, text_writer

__all__ = ["Cell", "Sheet", "Table", "read_table", "table_writer", "text_writer", "xlsx_writer"]

Cell = str | int | float | date | datetime | None
Sheet = tuple[Sequence[str], Sequence[Sequence[Cell]]]


@dataclass(frozen=True, slots=True)
class Table:
    file: str  # the name used in messages
    headers: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, Cell]], ...]  # (spreadsheet row number, header → text)


def read_table(source: Path | bytes, *, name: str | None = None) -> Table:
    """A specialists or requests table from a path (.xlsx or .csv) or bytes. Raises InputError."""
    if isinstance(source, Path):
        name = name or source.name
        if not source.exists():
            raise InputError([Problem("ファイルがありません。", file=name)])
        if source.suffix.lower() not in (".xlsx", ".csv"):
            raise InputError([Problem("Excel(.xlsx)か CSV(.csv)を指定してください。", file=name)])
    try:
        table = tables.read_table(source, name=name)
    except tables.TableError as exc:
        raise InputError([exc.problem]) from exc
    headers = table.headers
    named = [(i, h) for i, h in enumerate(headers) if h]
    rows: list[tuple[int, dict[str, Cell]]] = []
    for number, cells in table.rows:
        row: dict[str, Cell] = {h: cells[i] for i, h in named}
        rows.append((number, row))
    return Table(table.file, headers, tuple(rows))


def table_writer(suffix: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> Writer:
    """A writer for one table as .xlsx or .csv (UTF-8 with BOM, so Excel opens it), formula guard on."""
    if suffix.lower() == ".xlsx":
        return xlsx_writer({"一覧": (headers, rows)})
    return csv_writer(headers, rows)


def xlsx_writer(sheets: dict[str, Sheet]) -> Writer:
    return tables.xlsx_writer(sheets)
