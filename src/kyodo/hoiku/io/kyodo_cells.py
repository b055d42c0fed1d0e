"""Cells of Kyodo's template that take more than a lookup: bounded numbers, guardians and facts.

The fast paths cache by the cells' text (most rows repeat a few patterns); on a problem the slow path
reports it with row and column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from kyodo.hoiku.io import template as t
from kyodo.hoiku.io.sheet import Column, Sheet, cell, getter, parse_cell
from kyodo.hoiku.io.values import CellError, parse_bool, parse_hours, parse_int, parse_reason
from kyodo.hoiku.model.instance import FactValue, Guardian


def bounded_int(low: int, high: int, unit: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = parse_int(text)
        if not low <= value <= high:
            raise CellError(f"{value:,}{unit}は範囲外です({low:,}〜{high:,}{unit}で入力してください)")
        return value

    return parse


def _bounded_hours(high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = parse_hours(text)
        if not 0 <= value <= high:
            raise CellError(f"{text}時間は範囲外です(0〜{high:g}時間で入力してください)")
        return value

    return parse


def _non_negative(text: str) -> int:
    value = parse_int(text)
    if value < 0:
        raise CellError(f"負の値({value})は入力できません")
    return value


PATTERN = lru_cache(maxsize=16)(bounded_int(1, 7, ""))
# Plausible ranges: beyond them a value is a typing error (a 5,000-digit tax, 10^30 months), not a fact to score.
_NUMERIC_FACT_PARSERS: dict[str, Callable[[str], int]] = {
    "municipal_tax": bounded_int(
        0, 10_000_000_000, "円"
    ),  # 住民税所得割額: 100億円 is far beyond any household
    "waiting_months": bounded_int(0, 240, "か月"),
    "children_under_school_age": bounded_int(0, 20, "人"),
}
MAX_POINTS = 1_000_000  # 指数 given in the file; real scales are in the hundreds


POINTS = bounded_int(-MAX_POINTS, MAX_POINTS, "点")


def _numeric_fact(key: str) -> Callable[[str], int]:
    return _NUMERIC_FACT_PARSERS.get(key, _non_negative)


_GUARDIAN_PARSERS: dict[str, Callable[[str], object]] = {
    "reason": parse_reason,
    "days_per_month": bounded_int(0, 31, "日"),
    "hours_per_day": _bounded_hours(24),
    "days_per_week": bounded_int(0, 7, "日"),
    "hours_per_week": _bounded_hours(168),
    "grade": lambda s: s,
}


@lru_cache(maxsize=1 << 12)
def _guardian_fast(raw: tuple[str, ...]) -> Guardian | None:
    """A guardian from its cells (in GUARDIAN_FIELDS order) when all is well; CellError otherwise.

    Most rows repeat a few patterns (20日・8時間 …), so this cache carries reading a large file;
    on any problem the caller takes the slow path, which locates it by column.
    """
    if not any(raw):
        return None
    if not raw[0]:
        raise CellError("事由が空です")
    values = {
        fld: _GUARDIAN_PARSERS[fld](text)
        for (fld, _, _), text in zip(t.GUARDIAN_FIELDS, raw, strict=True)
        if text
    }
    return Guardian(**values)  # type: ignore[arg-type]


def read_guardians(
    sheet: Sheet, row: int, cells: list[str], guardian_cols: list[GuardianColumns]
) -> tuple[Guardian, ...]:
    guardians = []
    for n, g in enumerate(guardian_cols, start=1):
        try:
            fast = _guardian_fast(g.get(cells))
        except CellError:
            pass
        else:
            if fast is not None:
                guardians.append(fast)
            continue
        values: dict[str, object] = {}
        ok = True
        for fld, column in g.columns:
            text = cell(cells, column)
            if text and column is not None:
                value = parse_cell(sheet, row, column, text, _GUARDIAN_PARSERS[fld], f"保護者{n}の")
                ok = ok and value is not None
                values[fld] = value
        if not values:
            continue
        if "reason" not in values:
            reason_col = g.columns[0][1]
            header = reason_col.header if reason_col else t.guardian_header(n, "事由")
            sheet.problem(
                f"保護者{n}の事由が空です(日数・時間などがあるときは事由も入力してください)", row, header
            )
            continue
        if ok:
            guardians.append(Guardian(**values))  # type: ignore[arg-type]
    return tuple(guardians)


@dataclass(frozen=True, slots=True)
class GuardianColumns:
    columns: list[tuple[str, Column | None]]  # (Guardian field, its column), in GUARDIAN_FIELDS order
    get: Callable[[list[str]], tuple[str, ...]]


def guardian_columns(sheet: Sheet, n: int) -> GuardianColumns:
    columns = [
        (fld, sheet.find(t.guardian_header(n, suffix), tuple(f"保護者{n}{a}" for a in aliases)))
        for fld, suffix, aliases in t.GUARDIAN_FIELDS
    ]
    return GuardianColumns(columns, getter([c for _, c in columns]))


@dataclass(frozen=True, slots=True)
class FactColumns:
    """Fact columns, split into yes/no facts (few patterns: cached) and numbers (parsed each time)."""

    columns: list[tuple[str, Column | None]]
    bool_keys: tuple[str, ...]
    get_bools: Callable[[list[str]], tuple[str, ...]]
    number_keys: tuple[str, ...]
    get_numbers: Callable[[list[str]], tuple[str, ...]]


def fact_columns(sheet: Sheet, headers: dict[str, str]) -> FactColumns:
    columns = [(key, sheet.find(header, t.ALIASES.get(header, ()))) for key, header in headers.items()]
    bools = [(k, c) for k, c in columns if k not in t.NUMERIC_FACTS]
    numbers = [(k, c) for k, c in columns if k in t.NUMERIC_FACTS]
    return FactColumns(
        columns,
        tuple(k for k, _ in bools),
        getter([c for _, c in bools]) if bools else lambda cells: (),
        tuple(k for k, _ in numbers),
        getter([c for _, c in numbers]) if numbers else lambda cells: (),
    )


@lru_cache(maxsize=1 << 12)
def _bools_fast(raw: tuple[str, ...]) -> tuple[bool, ...]:
    return tuple(parse_bool(text) for text in raw)


def read_facts(sheet: Sheet, row: int, cells: list[str], fc: FactColumns) -> dict[str, FactValue]:
    try:
        facts: dict[str, FactValue] = dict(zip(fc.bool_keys, _bools_fast(fc.get_bools(cells)), strict=True))
        for key, text in zip(fc.number_keys, fc.get_numbers(cells), strict=True):
            facts[key] = _numeric_fact(key)(text) if text else None
        return facts
    except CellError:
        pass
    facts = {}
    for key, column in fc.columns:
        text = cell(cells, column)
        if key in t.NUMERIC_FACTS:
            facts[key] = parse_cell(sheet, row, column, text, _numeric_fact(key)) if text and column else None
        else:
            facts[key] = bool(parse_cell(sheet, row, column, text, parse_bool)) if text and column else False
    return facts
