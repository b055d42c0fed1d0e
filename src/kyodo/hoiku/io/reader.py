"""read_instance: two files (children, facilities) → a validated Instance, or every problem at once."""

from __future__ import annotations

from collections.abc import Sequence

from kyodo.hoiku.io import chilmai_layout, kyodo_layout
from kyodo.hoiku.io import template as t
from kyodo.hoiku.io.facilities import read_facilities as read_kyodo_facilities
from kyodo.hoiku.io.kyodo_layout import ParsedChildren
from kyodo.hoiku.io.sheet import Sheet
from kyodo.hoiku.io.source import Source, read_source, source_name
from kyodo.hoiku.model.errors import InputError, Problem
from kyodo.hoiku.model.instance import Facility, Instance
from kyodo.tables import DEFAULT_LIMITS, Limits, Table, TableError, header_key

KYODO = "kyodo"
CHILMAI = "chilmai"
LAYOUTS = (KYODO, CHILMAI)
# A file wrong on every row (a shifted column, say) would otherwise bury the clerk in thousands of lines.
MAX_PROBLEMS = 1000
def detect_layout(table: Table, role: str) -> str | None:
    """Which layout a table is in, from its headers: "kyodo", "chilmai", or None when neither."""
    keys = {header_key(h) for h in table.headers}
    if role == "children":
        kyodo_keys = {header_key(h) for h in (t.CHILD_ID, *t.ALIASES[t.CHILD_ID])}
        if header_key(t.CM_CHILD_ID) in keys:
            return CHILMAI
        return KYODO if keys & kyodo_keys else None
    kyodo_keys = {header_key(h) for h in (t.FACILITY_ID, *t.ALIASES[t.FACILITY_ID])}
    if header_key(t.CM_FACILITY_ID) in keys and not keys & {header_key(t.FACILITY_ID)}:
        return CHILMAI
    return KYODO if keys & kyodo_keys else None


def read_instance(
    children: Source,
    facilities: Source,
    *,
    fiscal_year: int | None = None,
    choice_limit: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Instance:
    """Read the children and facilities files (CSV or XLSX; Kyodo template or ChilmAI format).

    With fiscal_year, birth dates give each child's age class (年齢クラス on April 1); without it
    the children file must carry 年齢クラス (年齢 in ChilmAI's format). choice_limit is the ward's
    maximum number of choices. Each file is a path, (name, bytes) or bytes; `limits` bounds what a file may hold.
    Raises InputError with every problem found, each located by file, row (the header is row 1) and column.
    """
    problems: list[Problem] = []
    facility_map = _read_facilities(facilities, problems, limits)
    parsed = _read_children(children, problems, fiscal_year, choice_limit, limits)
    if facility_map is not None and parsed is not None:
        _check_refs(parsed, facility_map, source_name(facilities, "facilities"), problems)
    if len(problems) > MAX_PROBLEMS:
        rest = len(problems) - MAX_PROBLEMS
        problems = [
            *problems[:MAX_PROBLEMS],
            Problem(f"ほかにも{rest}件の問題があります(最初の{MAX_PROBLEMS}件を表示)"),
        ]
    if problems:
        raise InputError(problems)
    assert facility_map is not None and parsed is not None
    return Instance(
        facilities=facility_map,
        households=parsed.households,
        children=parsed.children,
        fiscal_year=fiscal_year,
        source={"children": parsed.file, "facilities": source_name(facilities, "facilities")},
    )


def validate(
    children: Source,
    facilities: Source,
    *,
    fiscal_year: int | None = None,
    choice_limit: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Problem]:
    """Every problem read_instance would raise, as a list (empty when the files are fine)."""
    try:
        read_instance(children, facilities, fiscal_year=fiscal_year, choice_limit=choice_limit, limits=limits)
    except InputError as exc:
        return list(exc.problems)
    return []


def _load(source: Source, role: str, problems: list[Problem], limits: Limits) -> tuple[Sheet, str] | None:
    def accept(headers: Sequence[str]) -> bool:
        return detect_layout(Table("", tuple(headers), []), role) is not None

    try:
        table = read_source(source, accept, role=role, limits=limits)
    except TableError as exc:
        problems.append(exc.problem)
        return None
    if not table.rows:
        problems.append(Problem("見出し行だけで、データの行がありません", file=table.file, row=2))
        return None
    layout = detect_layout(table, role)
    if layout is None:
        expected = (
            f"「{t.CHILD_ID}」(Kyodo のひな形)または「{t.CM_CHILD_ID}」(ChilmAI 形式)"
            if role == "children"
            else f"「{t.FACILITY_ID}」(Kyodo のひな形)または「{t.CM_FACILITY_ID}」(ChilmAI 形式)"
        )
        what = "児童(申込)" if role == "children" else "施設"
        other = "facilities" if role == "children" else "children"
        hint = (
            "児童ファイルと施設ファイルを逆に指定していませんか"
            if detect_layout(table, other) is not None
            else "ファイルの種類・見出し行を確認してください"
        )
        problems.append(
            Problem(
                f"{what}ファイルの見出し行に{expected}の列がありません。{hint}",
                file=table.file,
                row=1,
                column=t.CHILD_ID if role == "children" else t.FACILITY_ID,
            )
        )
        return None
    return Sheet(table, problems), layout


def _read_facilities(source: Source, problems: list[Problem], limits: Limits) -> dict[str, Facility] | None:
    loaded = _load(source, "facilities", problems, limits)
    if loaded is None:
        return None
    sheet, layout = loaded
    before = len(problems)
    result = read_kyodo_facilities(sheet) if layout == KYODO else chilmai_layout.read_facilities(sheet)
    # A facilities file whose columns are missing tells nothing about which ids exist.
    if any(p.row == 1 for p in problems[before:]):
        return None
    return result


def _read_children(
    source: Source, problems: list[Problem], fiscal_year: int | None, choice_limit: int | None, limits: Limits
) -> ParsedChildren | None:
    loaded = _load(source, "children", problems, limits)
    if loaded is None:
        return None
    sheet, layout = loaded
    if layout == KYODO:
        return kyodo_layout.read_children(sheet, fiscal_year, choice_limit)
    return chilmai_layout.read_children(sheet, choice_limit)


def _check_refs(
    parsed: ParsedChildren, facilities: dict[str, Facility], facilities_file: str, problems: list[Problem]
) -> None:
    known = facilities.keys()
    missing: list[tuple[int, str, str, str]] = []  # row, column, facility id, what
    for row, choices, headers in parsed.choice_refs:
        if known >= set(choices):
            continue
        missing += [(row, h, f, "希望施設") for f, h in zip(choices, headers, strict=True) if f not in known]
    missing += [
        (r.row, r.column, r.facility_id, "在園施設") for r in parsed.refs if r.facility_id not in known
    ]
    for row, column, facility_id, what in sorted(missing, key=lambda m: m[0]):
        problems.append(
            Problem(
                f"{what}「{facility_id}」が施設ファイル({facilities_file})にありません",
                file=parsed.file,
                row=row,
                column=column,
            )
        )
