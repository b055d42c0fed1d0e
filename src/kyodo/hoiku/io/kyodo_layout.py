"""Kyodo's own template (examples/hoiku/README.md): one row per child, household facts repeated per row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from kyodo.hoiku.io import template as t
from kyodo.hoiku.io.kyodo_cells import (
    PATTERN,
    POINTS,
    FactColumns,
    GuardianColumns,
    fact_columns,
    guardian_columns,
    read_facts,
    read_guardians,
)
from kyodo.hoiku.io.sheet import Column, FacilityRef, Sheet, cell, getter, parse_cell, row_ids
from kyodo.hoiku.io.values import CellError, norm, parse_date, parse_id, parse_id_list, parse_int
from kyodo.hoiku.model.instance import AGE_CLASSES, Child, Household, age_class_on


@dataclass(slots=True)
class ParsedChildren:
    file: str
    children: dict[str, Child] = field(default_factory=dict)
    households: dict[str, Household] = field(default_factory=dict)
    refs: list[FacilityRef] = field(default_factory=list)  # current facilities
    choice_refs: list[tuple[int, tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=list
    )  # row, ids, headers
    rows: dict[str, int] = field(default_factory=dict)  # child id → row


@dataclass(frozen=True, slots=True)
class _ChildColumns:
    """Where each field of the template is in this file (None: the file has no such column)."""

    id: Column
    household: Column
    name: Column | None
    birth: Column | None
    age: Column | None
    choices: ChoiceColumns
    current: Column | None
    siblings: Column | None
    pattern: Column | None
    points: Column | None
    guardians: list[GuardianColumns]
    household_facts: FactColumns
    child_facts: FactColumns
    household_cells: list[Column]  # every household column, compared between a household's rows
    get_household_cells: Callable[[list[str]], tuple[str, ...]]
    guardian_name: Column | None = None  # 保護者氏名: the letters' addressee
    graduating: Column | None = None  # 卒園予定きょうだい在園施設


def read_children(sheet: Sheet, fiscal_year: int | None, choice_limit: int | None) -> ParsedChildren:
    """Steps: find the columns (a missing required one is reported at row 1); per row, the child's own
    cells, then its household's (parsed on the household's first row, the same text required on the
    others); at the end, points given either for every child or for none."""
    out = ParsedChildren(sheet.file)
    columns = _child_columns(sheet, fiscal_year)
    if columns is None:
        return out
    april_first = date(fiscal_year, 4, 1) if fiscal_year is not None else None
    first_row: dict[str, tuple[int, tuple[str, ...]]] = {}  # household id → (row, its household cells)
    for row, cells in sheet.table.rows:
        ids = row_ids(sheet, row, cells, columns.id, columns.household, "児童番号", out.rows)
        if ids is None:
            continue
        child = _child(sheet, row, cells, columns, ids, (fiscal_year, april_first, choice_limit), out)
        _household(sheet, row, cells, columns, ids[1], first_row, out)
        if child is not None:
            out.children[child.id] = child
    _points_for_all_or_none(sheet, columns.points, out)
    return out


def _child_columns(sheet: Sheet, fiscal_year: int | None) -> _ChildColumns | None:
    id_col = sheet.require(t.CHILD_ID, t.ALIASES[t.CHILD_ID])
    household_col = sheet.require(t.HOUSEHOLD_ID, t.ALIASES[t.HOUSEHOLD_ID])
    name_col = sheet.find(t.NAME, t.ALIASES[t.NAME])
    guardian_name_col = sheet.find(t.GUARDIAN_NAME, t.ALIASES[t.GUARDIAN_NAME])
    graduating_col = sheet.find(t.SIBLING_GRADUATING, t.ALIASES[t.SIBLING_GRADUATING])
    birth_col = sheet.find(t.BIRTH_DATE)
    age_col = sheet.find(t.AGE_CLASS, t.ALIASES[t.AGE_CLASS])
    if fiscal_year is None and age_col is None:
        sheet.missing(t.AGE_CLASS)
    elif fiscal_year is not None and age_col is None and birth_col is None:
        sheet.missing(t.BIRTH_DATE)
    choice_cols = sheet.numbered(t.CHOICE_RE)
    if not choice_cols:
        sheet.missing(t.choice_header(1))
    current_col = sheet.find(t.CURRENT, t.ALIASES[t.CURRENT])
    sibling_col = sheet.find(t.SIBLING_FACILITIES, t.ALIASES[t.SIBLING_FACILITIES])
    pattern_col = sheet.find(t.SIBLING_PATTERN)
    points_col = sheet.find(t.POINTS)
    guardian_cols = [guardian_columns(sheet, n) for n in range(1, t.GUARDIAN_COUNT + 1)]
    household_fact_cols = fact_columns(sheet, t.HOUSEHOLD_FACT_HEADERS)
    child_fact_cols = fact_columns(sheet, t.CHILD_FACT_HEADERS)
    household_cols = [c for g in guardian_cols for _, c in g.columns if c]
    household_cols += [c for _, c in household_fact_cols.columns if c]
    if id_col is None or household_col is None or not choice_cols:
        return None
    return _ChildColumns(
        id_col,
        household_col,
        name_col,
        birth_col,
        age_col,
        ChoiceColumns.of(choice_cols),
        current_col,
        sibling_col,
        pattern_col,
        points_col,
        guardian_cols,
        household_fact_cols,
        child_fact_cols,
        household_cols,
        getter(household_cols) if household_cols else lambda cells: (),
        guardian_name_col,
        graduating_col,
    )


def _child(
    sheet: Sheet,
    row: int,
    cells: list[str],
    columns: _ChildColumns,
    ids: tuple[str, str],
    year: tuple[int | None, date | None, int | None],  # fiscal year, its April 1, choice limit
    out: ParsedChildren,
) -> Child | None:
    """The child of one row (None when it has no id or no age class); its problems go to the sheet."""
    child_id, household_id = ids
    fiscal_year, april_first, choice_limit = year
    birth_col = columns.birth
    birth_date = None
    text = cell(cells, birth_col)
    if text and birth_col is not None:
        birth_date = parse_cell(sheet, row, birth_col, text, parse_date)
        if birth_date is not None and april_first is not None and birth_date > april_first:
            sheet.problem(
                f"生年月日({birth_date:%Y-%m-%d})が{fiscal_year}年4月1日より後です。"
                f"{fiscal_year}年度の年齢クラスが決まりません",
                row,
                birth_col.header,
            )
            birth_date = None
    age_class = _age_class(sheet, row, cells, columns.age, birth_col, birth_date, fiscal_year)
    choices = _choices(sheet, row, cells, columns.choices, choice_limit, out)
    current = _current(sheet, row, cells, columns.current, choices, out)
    siblings = parse_id_list(cell(cells, columns.siblings))
    graduating = parse_id_list(cell(cells, columns.graduating))
    if columns.graduating is not None and not set(graduating) <= set(siblings):
        sheet.problem(
            "卒園予定のきょうだいの在園施設は「きょうだい在園施設」にも書いてください",
            row,
            columns.graduating.header,
        )
    pattern = 7
    text = cell(cells, columns.pattern)
    if text and columns.pattern is not None:
        pattern = parse_cell(sheet, row, columns.pattern, text, PATTERN) or 7
    points = None
    text = cell(cells, columns.points)
    if text and columns.points is not None:
        points = parse_cell(sheet, row, columns.points, text, POINTS)
    child_facts = read_facts(sheet, row, cells, columns.child_facts)
    if not child_id or age_class is None:
        return None
    return Child(
        id=child_id,
        household_id=household_id,
        age_class=age_class,
        choices=choices,
        birth_date=birth_date,
        current_facility=current,
        sibling_facilities=siblings,
        sibling_pattern=pattern,
        facts=child_facts,
        given_points=points,
        name=cell(cells, columns.name) or None,
        guardian_name=cell(cells, columns.guardian_name) or None,
        sibling_graduating=graduating,
    )


def _current(
    sheet: Sheet,
    row: int,
    cells: list[str],
    current_col: Column | None,
    choices: tuple[str, ...],
    out: ParsedChildren,
) -> str | None:
    current = parse_id(cell(cells, current_col)) or None
    if current is not None and current_col is not None:
        out.refs.append(FacilityRef(row, current_col.header, current, "current"))
        if current in choices:
            n = choices.index(current) + 1
            sheet.problem(
                f"在園施設「{current}」が第{n}希望にも書かれています。転園の希望には在園施設以外の施設を書いてください",
                row,
                current_col.header,
            )
    return current


def _household(
    sheet: Sheet,
    row: int,
    cells: list[str],
    columns: _ChildColumns,
    household_id: str,
    first_row: dict[str, tuple[int, tuple[str, ...]]],
    out: ParsedChildren,
) -> None:
    """Parsed once per household, on its first row; its other rows need only carry the same text."""
    household_cells = columns.get_household_cells(cells)
    if not household_id or household_id not in first_row:
        guardians = read_guardians(sheet, row, cells, columns.guardians)
        household_facts = read_facts(sheet, row, cells, columns.household_facts)
    if not household_id:
        return
    if household_id not in first_row:
        first_row[household_id] = (row, household_cells)
        out.households[household_id] = Household(
            id=household_id,
            guardians=guardians,
            single_parent=bool(household_facts.get("single_parent", False)),
            facts=household_facts,
        )
    elif first_row[household_id][1] != household_cells:
        other_row, other_cells = first_row[household_id]
        for c, mine, theirs in zip(columns.household_cells, household_cells, other_cells, strict=True):
            if mine != theirs:
                sheet.problem(
                    f"同じ世帯(世帯番号「{household_id}」)の{other_row}行目と値が異なります"
                    f"({other_row}行目は{_shown(theirs)}、{row}行目は{_shown(mine)})。"
                    "世帯の項目は同じ値にしてください",
                    row,
                    c.header,
                )
                break


def _points_for_all_or_none(sheet: Sheet, points_col: Column | None, out: ParsedChildren) -> None:
    """Points given for some children and computed for others would mix two scales."""
    with_points = [cid for cid, c in out.children.items() if c.given_points is not None]
    if points_col is not None and with_points and len(with_points) < len(out.children):
        for cid, child in out.children.items():
            if child.given_points is None:
                sheet.problem(
                    "指数が空です。指数を入力するときは全員に入力してください",
                    out.rows[cid],
                    points_col.header,
                )


def _shown(text: str) -> str:
    return f"「{text}」" if text else "空欄"


def _age_class(
    sheet: Sheet,
    row: int,
    cells: list[str],
    age_col: Column | None,
    birth_col: Column | None,
    birth_date: date | None,
    fiscal_year: int | None,
) -> int | None:
    given = None
    text = cell(cells, age_col)
    if text and age_col is not None:
        given = parse_cell(sheet, row, age_col, text, _age)
    if fiscal_year is not None and birth_date is not None and birth_col is not None:
        computed = age_class_on(birth_date, fiscal_year)
        if computed not in AGE_CLASSES:
            sheet.problem(
                f"生年月日({birth_date:%Y-%m-%d})から求めた{fiscal_year}年度の年齢クラスは{computed}歳で、"
                "0〜5歳の範囲外です",
                row,
                birth_col.header,
            )
            return None
        if given is not None and given != computed and age_col is not None:
            sheet.problem(
                f"年齢クラス({given}歳)が生年月日から求めた{fiscal_year}年度の年齢クラス({computed}歳)と異なります",
                row,
                age_col.header,
            )
            return None
        return computed
    # A missing column was reported once, at row 1; only a blank cell in a present column is reported here.
    where = age_col if fiscal_year is None else (age_col or birth_col)
    if (
        given is None
        and not text
        and where is not None
        and not (birth_date is None and cell(cells, birth_col))
    ):
        need = "年齢クラス" if fiscal_year is None else "生年月日または年齢クラス"
        sheet.problem(f"{need}が空です", row, where.header)
    return given


@lru_cache(maxsize=64)
def _age(text: str) -> int:
    value = parse_int(norm(text).removesuffix("歳児").removesuffix("歳"), what="年齢クラス")
    if value not in AGE_CLASSES:
        raise CellError(f"年齢クラス {value} は範囲外です(0〜5歳で入力してください)")
    return value


@dataclass(frozen=True, slots=True)
class ChoiceColumns:
    """The 第N希望 columns, read all at once; most rows fill a prefix of them, whose headers are shared."""

    columns: list[Column]
    get: Callable[[list[str]], tuple[str, ...]]
    prefixes: list[tuple[str, ...]]  # prefixes[n] = headers of the first n columns

    @classmethod
    def of(cls, numbered: list[tuple[int, Column]]) -> ChoiceColumns:
        columns = [c for _, c in numbered]
        headers = tuple(c.header for c in columns)
        return cls(columns, getter(columns), [headers[:n] for n in range(len(headers) + 1)])


def _choices(
    sheet: Sheet, row: int, cells: list[str], cc: ChoiceColumns, choice_limit: int | None, out: ParsedChildren
) -> tuple[str, ...]:
    raw = cc.get(cells)
    ids = tuple(parse_id(x) for x in raw if x)
    n = len(ids)
    if n and len(set(ids)) == n and (choice_limit is None or n <= choice_limit):
        if all(raw[:n]):
            headers = cc.prefixes[n]
        else:
            headers = tuple(c.header for c, x in zip(cc.columns, raw, strict=True) if x)
        out.choice_refs.append((row, ids, headers))
        return ids
    # Something to report: walk the columns to say where.
    choices: list[str] = []
    used: list[str] = []
    where: dict[str, str] = {}
    for column, text in zip(cc.columns, raw, strict=True):
        facility_id = parse_id(text)
        if not facility_id:
            continue
        if facility_id in where:
            sheet.problem(
                f"施設「{facility_id}」が「{where[facility_id]}」と重複しています。同じ施設は1回だけ書いてください",
                row,
                column.header,
            )
            continue
        where[facility_id] = column.header
        choices.append(facility_id)
        used.append(column.header)
        if choice_limit is not None and len(choices) == choice_limit + 1:
            sheet.problem(
                f"希望施設は{choice_limit}か所までです(この区の上限)。それを超える希望があります",
                row,
                column.header,
            )
    if not choices:
        sheet.problem("希望施設が1つもありません", row, cc.columns[0].header)
    out.choice_refs.append((row, tuple(choices), tuple(used)))
    return tuple(choices)
