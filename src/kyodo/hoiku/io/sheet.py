"""A table being read: find columns by header, read cells, and collect problems with file, row and column."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TypeVar, cast

from kyodo.hoiku.io.values import CellError, id_problem, parse_id
from kyodo.hoiku.model.errors import Problem
from kyodo.tables import Table, header_key

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    header: str  # as written in the file, for messages


@dataclass(frozen=True, slots=True)
class FacilityRef:
    """A facility id written in the children file, checked once the facilities are known."""

    row: int
    column: str
    facility_id: str
    role: str  # "choice" or "current"


@dataclass(slots=True)
class Sheet:
    table: Table
    problems: list[Problem]
    _index: dict[str, int] = field(init=False)
    # A column the file lacks but some rows need: its one problem's place in `problems`, and those rows.
    _absent: dict[str, tuple[int, list[int]]] = field(init=False)

    def __post_init__(self) -> None:
        self._index = {}
        self._absent = {}
        seen: dict[str, str] = {}
        for i, h in enumerate(self.table.headers):
            if not h:
                continue
            key = header_key(h)
            if key in seen:
                same = "" if seen[key] == h else f"(「{seen[key]}」と同じ列名です)"
                self.problem(f"列名「{h}」が2回あります{same}。どちらか一方にしてください", 1, h)
                continue
            seen[key] = h
            self._index[key] = i

    @property
    def file(self) -> str:
        return self.table.file

    def problem(self, message: str, row: int | None = None, column: str | None = None) -> None:
        if row is not None and row > 1 and column and not self.has(header_key(column)):
            self._absent_column(message, row, column)
            return
        self.problems.append(Problem(message, file=self.file, row=row, column=column))

    def _absent_column(self, message: str, row: int, column: str) -> None:
        """Rows that need a column the file does not have make one problem about the header, not one per row."""
        at, rows = self._absent.setdefault(column, (len(self.problems), []))
        rows.append(row)
        shown = ", ".join(str(r) for r in rows[:5]) + ("行目 ほか" if len(rows) > 5 else "行目")
        problem = Problem(
            f"列「{column}」がありません。1行目(見出し行)に「{column}」列を追加してください。"
            f"{len(rows)}行でこの列の値が必要です({shown}: {message})",
            file=self.file,
            row=1,
            column=column,
        )
        if at == len(self.problems):
            self.problems.append(problem)
        else:
            self.problems[at] = problem

    def find(self, header: str, aliases: tuple[str, ...] = ()) -> Column | None:
        for name in (header, *aliases):
            i = self._index.get(header_key(name))
            if i is not None:
                return Column(i, self.table.headers[i])
        return None

    def require(self, header: str, aliases: tuple[str, ...] = ()) -> Column | None:
        column = self.find(header, aliases)
        if column is None:
            self.missing(header)
        return column

    def missing(self, header: str) -> None:
        self.problem(
            f"必須の列「{header}」がありません。1行目(見出し行)に「{header}」列を追加してください", 1, header
        )

    def numbered(self, pattern: re.Pattern[str]) -> list[tuple[int, Column]]:
        """Columns whose normalised header matches pattern (group 1 = the number), by number."""
        found = []
        for key, i in self._index.items():
            m = pattern.fullmatch(key)
            if m:
                found.append((int(m.group(1)), Column(i, self.table.headers[i])))
        return sorted(found, key=lambda pair: pair[0])

    def has(self, key: str) -> bool:
        return key in self._index


def cell(cells: list[str], column: Column | None) -> str:
    """The cell's text, "" when the column is absent (rows are padded to the header's width)."""
    return "" if column is None else cells[column.index]


def getter(columns: Sequence[Column | None]) -> Callable[[list[str]], tuple[str, ...]]:
    """A fast reader of several cells at once; an absent column reads as "" (index -1, see tabular)."""
    indices = [-1 if c is None else c.index for c in columns]
    if len(indices) == 1:
        index = indices[0]
        return lambda cells: (cells[index],)
    return cast(Callable[[list[str]], tuple[str, ...]], itemgetter(*indices))


def parse_cell(
    sheet: Sheet, row: int, column: Column, text: str, parser: Callable[[str], T], what: str = ""
) -> T | None:
    """parser(text), or None after recording the problem at (row, column)."""
    try:
        return parser(text)
    except CellError as exc:
        sheet.problem(f"{what}{exc}", row, column.header)
        return None


def row_ids(
    sheet: Sheet,
    row: int,
    cells: list[str],
    id_col: Column,
    household_col: Column,
    id_label: str,
    seen: dict[str, int],
) -> tuple[str, str] | None:
    """A children row's (child id, household id), noting blank and duplicate ids in `sheet`.

    `seen` maps the child ids read so far to their rows. None means a duplicate: skip the row.
    """
    child_id = parse_id(cell(cells, id_col))
    household_id = parse_id(cell(cells, household_col))
    bad_id = id_problem(child_id, id_label) if child_id else None
    if bad_id:
        sheet.problem(bad_id, row, id_col.header)
        return None
    if not child_id:
        sheet.problem(f"{id_label}が空です", row, id_col.header)
    elif child_id in seen:
        sheet.problem(
            f"{id_label}「{child_id}」が重複しています({seen[child_id]}行目と同じです)", row, id_col.header
        )
        return None
    else:
        seen[child_id] = row
    bad_household = id_problem(household_id, "世帯番号") if household_id else None
    if bad_household:
        sheet.problem(bad_household, row, household_col.header)
        household_id = ""
    elif not household_id:
        sheet.problem("世帯番号が空です", row, household_col.header)
    return child_id, household_id
