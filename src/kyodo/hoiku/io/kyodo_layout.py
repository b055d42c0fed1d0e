"""Kyodo's own template (examples/hoiku/README.md): one row per child, household facts repeated per row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from kyodo.hoiku.io import template as t
from kyodo.hoiku.io.sheet import Column, FacilityRef, Sheet, cell, getter, parse_cell, row_ids
from kyodo.hoiku.io.values import (
    CellError,
    norm,
    parse_bool,
    parse_date,
    parse_hours,
    parse_id,
    parse_id_list,
    parse_int,
    parse_reason,
)
from kyodo.hoiku.model.instance import AGE_CLASSES, Child, FactValue, Guardian, Household, age_class_on


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


def _bounded_int(low: int, high: int, unit: str) -> Callable[[str], int]:
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


_PATTERN = lru_cache(maxsize=16)(_bounded_int(1, 7, ""))
# Plausible ranges: beyond them a value is a typing error (a 5,000-digit tax, 10^30 months), not a fact to score.
_NUMERIC_FACT_PARSERS: dict[str, Callable[[str], int]] = {
    "municipal_tax": _bounded_int(0, 10_000_000_000, "円"),  # 住民税所得割額: 100億円 is far beyond any household
    "waiting_months": _bounded_int(0, 240, "か月"),
    "children_under_school_age": _bounded_int(0, 20, "人"),
}
MAX_POINTS = 1_000_000  # 指数 given in the file; real scales are in the hundreds


_POINTS = _bounded_int(-MAX_POINTS, MAX_POINTS, "点")


def _numeric_fact(key: str) -> Callable[[str], int]:
    return _NUMERIC_FACT_PARSERS.get(key, _non_negative)
_GUARDIAN_PARSERS: dict[str, Callable[[str], object]] = {
    "reason": parse_reason,
    "days_per_month": _bounded_int(0, 31, "日"),
    "hours_per_day": _bounded_hours(24),
    "days_per_week": _bounded_int(0, 7, "日"),
    "hours_per_week": _bounded_hours(168),
    "grade": lambda s: s,
}


def read_children(sheet: Sheet, fiscal_year: int | None, choice_limit: int | None) -> ParsedChildren:
    out = ParsedChildren(sheet.file)
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
    guardian_cols = [_guardian_columns(sheet, n) for n in range(1, t.GUARDIAN_COUNT + 1)]
    household_fact_cols = _fact_columns(sheet, t.HOUSEHOLD_FACT_HEADERS)
    child_fact_cols = _fact_columns(sheet, t.CHILD_FACT_HEADERS)
    household_cols = [c for g in guardian_cols for _, c in g.columns if c]
    household_cols += [c for _, c in household_fact_cols.columns if c]
    household_getter = getter(household_cols) if household_cols else lambda cells: ()
    if id_col is None or household_col is None or not choice_cols:
        return out
    april_first = date(fiscal_year, 4, 1) if fiscal_year is not None else None
    choice_columns = ChoiceColumns.of(choice_cols)
    first_row: dict[str, tuple[int, tuple[str, ...]]] = {}  # household id → (row, its household cells)

    for row, cells in sheet.table.rows:
        ids = row_ids(sheet, row, cells, id_col, household_col, "児童番号", out.rows)
        if ids is None:
            continue
        child_id, household_id = ids

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
        age_class = _age_class(sheet, row, cells, age_col, birth_col, birth_date, fiscal_year)

        choices = _choices(sheet, row, cells, choice_columns, choice_limit, out)
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
        siblings = parse_id_list(cell(cells, sibling_col))
        graduating = parse_id_list(cell(cells, graduating_col))
        if graduating_col is not None and not set(graduating) <= set(siblings):
            sheet.problem(
                "卒園予定のきょうだいの在園施設は「きょうだい在園施設」にも書いてください",
                row,
                graduating_col.header,
            )
        pattern = 7
        text = cell(cells, pattern_col)
        if text and pattern_col is not None:
            pattern = parse_cell(sheet, row, pattern_col, text, _PATTERN) or 7
        points = None
        text = cell(cells, points_col)
        if text and points_col is not None:
            points = parse_cell(sheet, row, points_col, text, _POINTS)

        child_facts = _facts(sheet, row, cells, child_fact_cols)
        household_cells = household_getter(cells)
        if not household_id or household_id not in first_row:
            # Parsed once per household; its other rows need only be the same text.
            guardians = _guardians(sheet, row, cells, guardian_cols)
            household_facts = _facts(sheet, row, cells, household_fact_cols)
        if household_id:
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
                for c, mine, theirs in zip(household_cols, household_cells, other_cells, strict=True):
                    if mine != theirs:
                        sheet.problem(
                            f"同じ世帯(世帯番号「{household_id}」)の{other_row}行目と値が異なります"
                            f"({other_row}行目は{_shown(theirs)}、{row}行目は{_shown(mine)})。"
                            "世帯の項目は同じ値にしてください",
                            row,
                            c.header,
                        )
                        break
        if not child_id or age_class is None:
            continue
        out.children[child_id] = Child(
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
            name=cell(cells, name_col) or None,
            guardian_name=cell(cells, guardian_name_col) or None,
            sibling_graduating=graduating,
        )
    with_points = [cid for cid, c in out.children.items() if c.given_points is not None]
    if points_col is not None and with_points and len(with_points) < len(out.children):
        # Points given for some children and computed for others would mix two scales.
        for cid, child in out.children.items():
            if child.given_points is None:
                sheet.problem(
                    "指数が空です。指数を入力するときは全員に入力してください",
                    out.rows[cid],
                    points_col.header,
                )
    return out


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


def _guardians(
    sheet: Sheet, row: int, cells: list[str], guardian_cols: list[_GuardianColumns]
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
class _GuardianColumns:
    columns: list[tuple[str, Column | None]]  # (Guardian field, its column), in GUARDIAN_FIELDS order
    get: Callable[[list[str]], tuple[str, ...]]


def _guardian_columns(sheet: Sheet, n: int) -> _GuardianColumns:
    columns = [
        (fld, sheet.find(t.guardian_header(n, suffix), tuple(f"保護者{n}{a}" for a in aliases)))
        for fld, suffix, aliases in t.GUARDIAN_FIELDS
    ]
    return _GuardianColumns(columns, getter([c for _, c in columns]))


@dataclass(frozen=True, slots=True)
class _FactColumns:
    """Fact columns, split into yes/no facts (few patterns: cached) and numbers (parsed each time)."""

    columns: list[tuple[str, Column | None]]
    bool_keys: tuple[str, ...]
    get_bools: Callable[[list[str]], tuple[str, ...]]
    number_keys: tuple[str, ...]
    get_numbers: Callable[[list[str]], tuple[str, ...]]


def _fact_columns(sheet: Sheet, headers: dict[str, str]) -> _FactColumns:
    columns = [(key, sheet.find(header, t.ALIASES.get(header, ()))) for key, header in headers.items()]
    bools = [(k, c) for k, c in columns if k not in t.NUMERIC_FACTS]
    numbers = [(k, c) for k, c in columns if k in t.NUMERIC_FACTS]
    return _FactColumns(
        columns,
        tuple(k for k, _ in bools),
        getter([c for _, c in bools]) if bools else lambda cells: (),
        tuple(k for k, _ in numbers),
        getter([c for _, c in numbers]) if numbers else lambda cells: (),
    )


@lru_cache(maxsize=1 << 12)
def _bools_fast(raw: tuple[str, ...]) -> tuple[bool, ...]:
    return tuple(parse_bool(text) for text in raw)


def _facts(sheet: Sheet, row: int, cells: list[str], fc: _FactColumns) -> dict[str, FactValue]:
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
