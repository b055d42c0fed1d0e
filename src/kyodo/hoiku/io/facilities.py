"""The facilities file, in both layouts' shared parts and in Kyodo's own template.

A blank vacancy cell means the facility has no such age class (the key is left out); 0 means no seats.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from kyodo.hoiku.io import template as t
from kyodo.hoiku.io.sheet import Column, Sheet, cell, parse_cell
from kyodo.hoiku.io.values import MAX_SEATS, CellError, id_problem, norm, parse_count, parse_float, parse_id
from kyodo.hoiku.model.instance import AGE_CLASSES, Facility
from kyodo.tables import visible


def facility_rows(sheet: Sheet, id_col: Column, id_label: str) -> Iterator[tuple[int, list[str], str]]:
    """(row, cells, facility id) for each row with a new id; blank and duplicate ids are noted and skipped."""
    seen: dict[str, int] = {}
    for row, cells in sheet.table.rows:
        facility_id = parse_id(cell(cells, id_col))
        bad_id = id_problem(facility_id, id_label) if facility_id else None
        if bad_id:
            sheet.problem(bad_id, row, id_col.header)
        elif not facility_id:
            sheet.problem(f"{id_label}が空です", row, id_col.header)
        elif facility_id in seen:
            sheet.problem(
                f"{id_label}「{facility_id}」が重複しています({seen[facility_id]}行目と同じです)",
                row,
                id_col.header,
            )
        else:
            seen[facility_id] = row
            yield row, cells, facility_id


def vacancies_of(sheet: Sheet, row: int, cells: list[str], age_cols: Mapping[int, Column]) -> dict[int, int]:
    vacancies = {}
    for age, column in age_cols.items():
        text = cell(cells, column)
        count = parse_cell(sheet, row, column, text, parse_count, "募集人数: ") if text else None
        if count is not None:
            vacancies[age] = count
    return vacancies


def read_facilities(sheet: Sheet) -> dict[str, Facility]:
    """Kyodo's template: 施設番号, 施設名, 種別, N歳 募集人数, 緯度, 経度, 共有枠."""
    facilities: dict[str, Facility] = {}
    id_col = sheet.require(t.FACILITY_ID, t.ALIASES[t.FACILITY_ID])
    name_col = sheet.require(t.FACILITY_NAME, t.ALIASES[t.FACILITY_NAME])
    kind_col = sheet.find(t.KIND, t.ALIASES[t.KIND])
    lat_col = sheet.find(t.LATITUDE)
    lon_col = sheet.find(t.LONGITUDE)
    shared_col = sheet.find(t.SHARED)
    by_age = {age: col for age, col in sheet.numbered(t.AGE_RE)}
    age_cols: dict[int, Column] = {}
    for age in AGE_CLASSES:
        if age in by_age:
            age_cols[age] = by_age[age]
        else:
            sheet.missing(t.vacancy_header(age))
    if id_col is None or name_col is None or len(age_cols) < len(AGE_CLASSES):
        return facilities
    for row, cells, facility_id in facility_rows(sheet, id_col, "施設番号"):
        name = cell(cells, name_col)
        if not name:
            sheet.problem("施設名が空です", row, name_col.header)
        kind = cell(cells, kind_col) or t.KINDS[0]
        kind = t.KIND_ALIASES.get(norm(kind), kind)
        vacancies = vacancies_of(sheet, row, cells, age_cols)
        latitude = _coordinate(sheet, row, cells, lat_col, 90)
        longitude = _coordinate(sheet, row, cells, lon_col, 180)
        shared: dict[tuple[int, ...], int] = {}
        text = cell(cells, shared_col)
        if text and shared_col is not None:
            shared = parse_cell(sheet, row, shared_col, text, parse_shared) or {}
        facilities[facility_id] = Facility(
            id=facility_id,
            name=name,
            kind=kind,
            vacancies=vacancies,
            latitude=latitude,
            longitude=longitude,
            shared_capacity=shared,
        )
    return facilities


def _coordinate(sheet: Sheet, row: int, cells: list[str], column: Column | None, limit: int) -> float | None:
    text = cell(cells, column)
    if not text or column is None:
        return None

    def parse(s: str) -> float:
        value = parse_float(s)
        if not -limit <= value <= limit:
            raise CellError(f"{value} は範囲外です(-{limit}〜{limit})")
        return value

    return parse_cell(sheet, row, column, text, parse)


_SHARED_ITEM_RE = re.compile(r"(\d(?:[・,、]\d)*|\d-\d)歳?[:=](\d{1,4})")


def parse_shared(text: str) -> dict[tuple[int, ...], int]:
    """共有枠: age classes sharing seats, e.g. 「1・2歳:10; 3-5歳:6」."""
    shared: dict[tuple[int, ...], int] = {}
    for part in re.split(r"[;；\s]+", norm(text)):
        if not part:
            continue
        m = _SHARED_ITEM_RE.fullmatch(part)
        if not m:
            raise CellError(f"共有枠「{visible(part)}」が読めません。「1・2歳:10」のように書いてください")
        ages_text = m.group(1)
        if "-" in ages_text:
            low, high = (int(x) for x in ages_text.split("-"))
            ages = tuple(range(low, high + 1))
        else:
            ages = tuple(sorted({int(x) for x in re.split(r"[・,、]", ages_text)}))
        if not ages or any(a not in AGE_CLASSES for a in ages):
            raise CellError(f"共有枠「{visible(part)}」の年齢は0〜5歳で書いてください")
        if int(m.group(2)) > MAX_SEATS:
            raise CellError(f"共有枠「{visible(part)}」の人数は{MAX_SEATS:,}人までで書いてください")
        shared[ages] = int(m.group(2))
    return shared


def format_shared(shared: dict[tuple[int, ...], int]) -> str:
    return "; ".join(f"{'・'.join(str(a) for a in ages)}歳:{n}" for ages, n in shared.items())
