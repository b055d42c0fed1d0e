"""Reading plans and steps (plans.csv, steps.csv, or the monthly survey workbook) through `kyodo.tables`.

Every problem is collected with its file, row and column (Japanese), and raised together as one `InputError`;
nothing is returned from a file that has any problem. Cells: dates as 2026-03-31, 2026/3/31 or 2026年3月31日
(or an Excel date), yen as whole numbers (commas and 円 allowed), 特定移行支援 as はい/いいえ (○, 1, 該当 …).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from kyodo import municipalities
from kyodo.hyojunka.catalog import Catalog, Day, catalog, japanese_date
from kyodo.hyojunka.model import MigrationForm, PairKey, Plan
from kyodo.problems import InputError, Problem
from kyodo.tables import Table, TableError, header_key, read_table

T = TypeVar("T")

# plans.csv: one row per municipality × system. 団体 by name (or 団体コード); 業務 by name (or id).
PLAN_COLUMNS = (
    "団体コード", "団体", "業務", "ベンダー", "製品", "現行基盤", "移行方式", "移行期限", "特定移行支援", "理由区分",
    "移行前運用経費", "移行後運用経費",
)
STEP_COLUMNS = ("団体コード", "団体", "業務", "手順番号", "完了日")
YES = frozenset({"はい", "○", "〇", "◯", "1", "該当", "true", "yes", "y", "対象"})
NO = frozenset({"いいえ", "×", "0", "", "非該当", "false", "no", "n", "-", "ー", "対象外"})
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?")
_YEN = re.compile(r"[,,\s]|円$")


def step_header(number: int) -> str:
    return f"手順{number:02d}"


@dataclass
class Rows:
    """One table being read: column lookup by header (NFKC, spaces ignored) and the problems found so far."""

    table: Table
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index = {header_key(h): i for i, h in enumerate(self.table.headers) if h}

    def has(self, header: str) -> bool:
        return header_key(header) in self._index

    def cell(self, cells: list[str], header: str) -> str:
        i = self._index.get(header_key(header))
        return cells[i] if i is not None else ""

    def problem(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(message, file=self.table.file, row=row, column=column))

    def require(self, *headers: str) -> bool:
        missing = [h for h in headers if not self.has(h)]
        for h in missing:
            self.problem(f"「{h}」列がありません。1行目の見出しに「{h}」を入れてください", row=1, column=h)
        return not missing

    def parse(self, cells: list[str], row: int, header: str, convert: Callable[[str], T]) -> T | None:
        text = self.cell(cells, header)
        try:
            return convert(text)
        except ValueError as exc:
            self.problem(str(exc), row=row, column=header)
            return None


def parse_date(text: str) -> Day:
    found = _DATE.fullmatch(text.strip())
    if not found:
        raise ValueError(f"日付として読めません(「{text}」)。2026-03-31 のように書いてください")
    try:
        return date(int(found[1]), int(found[2]), int(found[3])).toordinal()
    except ValueError:
        raise ValueError(f"存在しない日付です(「{text}」)") from None


def parse_optional_date(text: str) -> Day | None:
    return parse_date(text) if text.strip() else None


def parse_yen(text: str) -> int | None:
    cleaned = _YEN.sub("", text.strip())
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValueError(f"金額は0以上の整数(円)で書いてください(「{text}」)")
    return int(cleaned)


def parse_flag(text: str) -> bool:
    key = text.strip().lower()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(f"「はい」か「いいえ」で書いてください(「{text}」)")


def parse_form(text: str) -> MigrationForm:
    key = text.strip() or MigrationForm.SOLE.value
    for form in MigrationForm:
        if key == form.value:
            return form
    raise ValueError(f"移行方式は「単独」か「共同利用」です(「{text}」)")


def _municipality(rows: Rows, cells: list[str], row: int) -> str | None:
    code, name = rows.cell(cells, "団体コード"), rows.cell(cells, "団体")
    column = "団体コード" if code else "団体"
    if not (code or name):
        rows.problem("団体(名前か団体コード)が空です", row=row, column="団体")
        return None
    found = municipalities.lookup(code or name)
    if found is None:
        rows.problem(f"都内の区市町村として見つかりません(「{code or name}」)", row=row, column=column)
        return None
    if code and name and found.name != name.removeprefix("東京都"):
        rows.problem(f"団体コード {code} は{found.name}です(「{name}」と合いません)", row=row, column="団体")
        return None
    return found.code


def _system(rows: Rows, cells: list[str], row: int, cat: Catalog) -> str | None:
    text = rows.cell(cells, "業務")
    found = cat.system(text) if text else None
    if found is None:
        rows.problem(f"標準化対象の20業務にありません(「{text}」)" if text else "業務が空です", row=row, column="業務")
        return None
    return found.id


def _plan(rows: Rows, cells: list[str], row: int, cat: Catalog) -> Plan | None:
    municipality = _municipality(rows, cells, row)
    system = _system(rows, cells, row, cat)
    deadline = rows.parse(cells, row, "移行期限", parse_date)
    tokutei = rows.parse(cells, row, "特定移行支援", parse_flag)
    form = rows.parse(cells, row, "移行方式", parse_form)
    before = rows.parse(cells, row, "移行前運用経費", parse_yen)
    after = rows.parse(cells, row, "移行後運用経費", parse_yen)
    reason_text = rows.cell(cells, "理由区分")
    reason = cat.reason(reason_text) if reason_text else None
    if reason_text and reason is None:
        labels = "・".join(r.label for r in cat.reasons)
        rows.problem(f"理由区分は {labels} のどれかです(「{reason_text}」)", row=row, column="理由区分")
    elif tokutei and reason is None:
        rows.problem("特定移行支援システムには理由区分が必要です", row=row, column="理由区分")
    elif tokutei is False and reason is not None:
        rows.problem("特定移行支援でない業務に理由区分があります(特定移行支援を「はい」にするか、空にしてください)",
                     row=row, column="理由区分")
    latest = cat.policy.tokutei_latest_deadline
    if deadline is not None and deadline > latest:
        rows.problem(f"移行期限は特定移行支援システムでも{japanese_date(latest)}までです", row=row, column="移行期限")
    if _row_failed(rows, row) or None in (municipality, system, deadline, tokutei, form):
        return None
    return Plan(
        municipality=str(municipality), system=str(system), deadline=int(deadline or 0), tokutei=bool(tokutei),
        reason=reason.id if reason else None, vendor=rows.cell(cells, "ベンダー"), product=rows.cell(cells, "製品"),
        platform=rows.cell(cells, "現行基盤"), form=form or MigrationForm.SOLE, cost_before=before, cost_after=after,
    )


def _row_failed(rows: Rows, row: int) -> bool:
    return any(p.row == row for p in rows.problems)


def open_rows(path: Path, problems: list[Problem], headers: Sequence[str]) -> Rows | None:
    def accept(cells: Sequence[str]) -> bool:
        return {header_key(h) for h in headers} <= {header_key(c) for c in cells}

    try:
        return Rows(read_table(path, accept=accept))
    except TableError as exc:
        problems.append(exc.problem)
        return None


def _plans_from(rows: Rows, cat: Catalog) -> dict[PairKey, tuple[int, Plan]]:
    found: dict[PairKey, tuple[int, Plan]] = {}
    for row, cells in rows.table.rows:
        plan = _plan(rows, cells, row, cat)
        if plan is None:
            continue
        if plan.key in found:
            rows.problem(f"同じ団体・業務が{found[plan.key][0]}行目にもあります", row=row, column="業務")
            continue
        found[plan.key] = (row, plan)
    return found


def read_plans(path: Path) -> list[Plan]:
    """plans.csv / .xlsx. Raises InputError with every problem."""
    cat, problems = catalog(), list[Problem]()
    rows = open_rows(path, problems, ("業務", "移行期限"))
    if rows is None:
        raise InputError(problems)
    plans: dict[PairKey, tuple[int, Plan]] = {}
    if rows.require("業務", "移行期限", "特定移行支援") and (rows.has("団体") or rows.require("団体コード")):
        plans = _plans_from(rows, cat)
    if rows.problems:
        raise InputError(rows.problems)
    if not plans:
        raise InputError([Problem("計画の行が1つもありません", file=path.name, row=2)])
    return [plan for _, plan in plans.values()]


def read_steps(path: Path, plans: Sequence[Plan]) -> dict[PairKey, dict[int, Day]]:
    """steps.csv / .xlsx: one row per pair and step, 完了日 blank when not done. Pairs must be in `plans`."""
    cat, problems = catalog(), list[Problem]()
    rows = open_rows(path, problems, ("手順番号", "完了日"))
    if rows is None:
        raise InputError(problems)
    known = {p.key for p in plans}
    steps: dict[PairKey, dict[int, Day]] = {}
    if rows.require("業務", "手順番号", "完了日") and (rows.has("団体") or rows.require("団体コード")):
        for row, cells in rows.table.rows:
            _step_row(rows, cells, row, cat, known, steps)
    if rows.problems:
        raise InputError(rows.problems)
    return steps


def _step_number(total: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.strip().isdigit() or not 1 <= int(text) <= total:
            raise ValueError(f"手順番号は1から{total}の整数です(「{text}」)")
        return int(text)

    return parse


def _step_row(
    rows: Rows, cells: list[str], row: int, cat: Catalog, known: set[PairKey], steps: dict[PairKey, dict[int, Day]]
) -> None:
    municipality, system = _municipality(rows, cells, row), _system(rows, cells, row, cat)
    number = rows.parse(cells, row, "手順番号", _step_number(cat.step_count))
    day = rows.parse(cells, row, "完了日", parse_optional_date)
    if municipality is None or system is None or number is None or _row_failed(rows, row):
        return
    if (municipality, system) not in known:
        rows.problem("計画(plans)にない団体・業務です", row=row, column="業務")
        return
    done = steps.setdefault((municipality, system), {})
    if number in done:
        rows.problem(f"手順{number}の完了日が2回書かれています", row=row, column="手順番号")
    elif day is not None:
        done[number] = day


def read_survey(path: Path, municipality: str | None = None) -> tuple[list[Plan], dict[PairKey, dict[int, Day]]]:
    """The monthly survey workbook (`outputs.survey_rows`): plan columns and 手順01…手順40 with completion dates.

    `municipality` (a code): every row must be that municipality's (a municipality uploads only its own).
    """
    cat, problems = catalog(), list[Problem]()
    rows = open_rows(path, problems, ("業務", step_header(1)))
    if rows is None:
        raise InputError(problems)
    step_cols = [step_header(n) for n in range(1, cat.step_count + 1)]
    plans: dict[PairKey, tuple[int, Plan]] = {}
    steps: dict[PairKey, dict[int, Day]] = {}
    if rows.require("業務", "移行期限", "特定移行支援", *step_cols) and (rows.has("団体") or rows.require("団体コード")):
        plans = _plans_from(rows, cat)
        by_row = dict(rows.table.rows)
        for row, plan in plans.values():
            cells = by_row[row]
            if municipality and plan.municipality != municipality:
                rows.problem("自団体以外の行です", row=row, column="団体")
            steps[plan.key] = _survey_steps(rows, cells, row, step_cols)
    if rows.problems:
        raise InputError(rows.problems)
    if not plans:
        raise InputError([Problem("業務の行が1つもありません", file=path.name, row=2)])
    return [p for _, p in plans.values()], steps


def _survey_steps(rows: Rows, cells: list[str], row: int, step_cols: list[str]) -> dict[int, Day]:
    done: dict[int, Day] = {}
    for number, header in enumerate(step_cols, start=1):
        day = rows.parse(cells, row, header, parse_optional_date)
        if day is not None:
            done[number] = day
    return done
