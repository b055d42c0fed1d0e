"""ChilmAI's default input format, read unchanged so a ward using ChilmAI can switch with its files.

Children: 申請者番号, 世帯番号, 年齢, 点数 or 点数1..N (点数N = points at the N-th choice; blank falls back to
点数1), 希望保育園ID_1..N, 在籍保育所ID, きょうだいパターン. Facilities: 保育所ID, 保育所名, 0歳募集人数..5歳募集人数.
Headers are compared after NFKC, as ChilmAI does. Points are given, so households carry no facts.
"""

from __future__ import annotations

from kyodo.hoiku.io import template as t
from kyodo.hoiku.io.facilities import facility_rows, vacancies_of
from kyodo.hoiku.io.kyodo_cells import MAX_POINTS, PATTERN
from kyodo.hoiku.io.kyodo_layout import ChoiceColumns, ParsedChildren, _age, _choices
from kyodo.hoiku.io.sheet import Column, FacilityRef, Sheet, cell, parse_cell, row_ids
from kyodo.hoiku.io.values import CellError, parse_id, parse_int
from kyodo.hoiku.model.instance import AGE_CLASSES, Child, Facility, Household


def read_children(sheet: Sheet, choice_limit: int | None) -> ParsedChildren:
    out = ParsedChildren(sheet.file)
    id_col = sheet.require(t.CM_CHILD_ID)
    household_col = sheet.require(t.CM_HOUSEHOLD_ID)
    age_col = sheet.require(t.CM_AGE)
    choice_cols = sheet.numbered(t.CM_CHOICE_RE)
    if not choice_cols:
        sheet.missing(t.cm_choice_header(1))
    score_cols = dict(sheet.numbered(t.CM_SCORE_RE))
    bare_score = sheet.find(t.CM_SCORE)
    if bare_score is not None and 1 in score_cols:
        sheet.problem(
            "「点数」列と「点数1」列が両方あります。どちらか一方にしてください", 1, bare_score.header
        )
    elif bare_score is not None:
        score_cols[1] = bare_score
    if 1 not in score_cols:
        sheet.missing(t.cm_score_header(1) if score_cols else t.CM_SCORE)
    current_col = sheet.find(t.CM_CURRENT)
    pattern_col = sheet.find(t.CM_SIBLING_PATTERN)
    if id_col is None or household_col is None or age_col is None or not choice_cols or 1 not in score_cols:
        return out
    # 点数N belongs to the N-th choice column (by its number, not by position among filled cells).
    choice_numbers = [n for n, _ in choice_cols]
    choice_columns = ChoiceColumns.of(choice_cols)

    for row, cells in sheet.table.rows:
        ids = row_ids(sheet, row, cells, id_col, household_col, "申請者番号", out.rows)
        if ids is None:
            continue
        child_id, household_id = ids
        age_text = cell(cells, age_col)
        age_class = parse_cell(sheet, row, age_col, age_text, _age) if age_text else None
        if not age_text:
            sheet.problem("年齢が空です", row, age_col.header)

        choices = _choices(sheet, row, cells, choice_columns, choice_limit, out)
        points = _points(sheet, row, cells, score_cols[1], "第1希望の点数")
        points_at: dict[str, int] = {}
        for n, column in choice_cols:
            score_col = score_cols.get(n)
            facility_id = parse_id(cell(cells, column))
            if n == 1 or score_col is None or not facility_id or not cell(cells, score_col):
                continue
            value = _points(sheet, row, cells, score_col, "")
            if value is not None:
                points_at[facility_id] = value
        for n, score_col in score_cols.items():
            if n not in choice_numbers and cell(cells, score_col):
                sheet.problem(
                    f"「{score_col.header}」に対応する希望列(希望保育園ID_{n})がありません",
                    row,
                    score_col.header,
                )

        current = parse_id(cell(cells, current_col)) or None
        if current is not None and current_col is not None:
            out.refs.append(FacilityRef(row, current_col.header, current, "current"))
            if current in choices:
                sheet.problem(
                    f"在籍保育所ID「{current}」が希望にも書かれています。転園の希望には在籍園以外を書いてください",
                    row,
                    current_col.header,
                )
        pattern = 7
        text = cell(cells, pattern_col)
        if text and pattern_col is not None:
            pattern = parse_cell(sheet, row, pattern_col, text, PATTERN) or 7

        if household_id and household_id not in out.households:
            out.households[household_id] = Household(id=household_id)
        if not child_id or age_class is None or points is None:
            continue
        out.children[child_id] = Child(
            id=child_id,
            household_id=household_id,
            age_class=age_class,
            choices=choices,
            current_facility=current,
            sibling_pattern=pattern,
            given_points=points,
            given_points_at=points_at,
        )
    return out


def _points(sheet: Sheet, row: int, cells: list[str], column: Column, what: str) -> int | None:
    text = cell(cells, column)
    if not text:
        sheet.problem(f"{what}が空です。全行に入力してください", row, column.header)
        return None
    return parse_cell(sheet, row, column, text, _points_value)


def _points_value(text: str) -> int:
    value = parse_int(text, what="点数")
    if abs(value) > MAX_POINTS:
        raise CellError(f"点数 {value:,} は範囲外です(±{MAX_POINTS:,}点までで入力してください)")
    return value


def read_facilities(sheet: Sheet) -> dict[str, Facility]:
    facilities: dict[str, Facility] = {}
    id_col = sheet.require(t.CM_FACILITY_ID)
    name_col = sheet.require(t.CM_FACILITY_NAME)
    by_age = dict(sheet.numbered(t.CM_VACANCY_RE))
    for age in AGE_CLASSES:
        if age not in by_age:
            sheet.missing(t.cm_vacancy_header(age))
    if id_col is None or name_col is None or any(age not in by_age for age in AGE_CLASSES):
        return facilities
    for row, cells, facility_id in facility_rows(sheet, id_col, "保育所ID"):
        vacancies = vacancies_of(sheet, row, cells, by_age)
        facilities[facility_id] = Facility(
            id=facility_id, name=cell(cells, name_col) or facility_id, vacancies=vacancies
        )
    return facilities
