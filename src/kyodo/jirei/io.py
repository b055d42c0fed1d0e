"""Case records in Excel/CSV: the columns a municipality fills in, read through `kyodo.tables`, written back.

Required columns (their header must be there; blank cells are allowed where noted): 事例ID (blank: a new case),
団体, タイトル, 分野, 技術 (blank: none; several separated by 、 or ;), 状況, 概要, 効果 (blank allowed), 教訓 (blank
allowed). Optional: OPTIONAL_COLUMNS. Every problem is reported with file, row and column, and nothing is returned
(so nothing is saved) unless the whole file is good.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from kyodo.jirei.records import CaseRecord
from kyodo.jirei.vocab import Status, vocabulary
from kyodo.municipalities import lookup
from kyodo.problems import InputError, Problem
from kyodo.tables import Table, TableError, header_key, read_table, write_csv, write_xlsx

REQUIRED_COLUMNS = ("事例ID", "団体", "タイトル", "分野", "技術", "状況", "概要", "効果", "教訓")
OPTIONAL_COLUMNS = ("うまくいったこと", "うまくいかなかったこと", "開始年度", "終了年度", "年間削減時間", "費用(円)",
                    "事業者・製品", "仕様書の共有", "連絡先", "公開")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
TOKYO_NAMES = ("東京都", "130001", "13000")
MAX_TITLE, MAX_TEXT = 200, 4000
_SPLIT = re.compile(r"[、,;;/／\n]")
_YEAR = re.compile(r"^(?:(令和|r)(元|\d{1,2})|(\d{4}))(?:年度?)?$")
_YES = {"可", "はい", "有", "あり", "○", "〇", "true", "1", "yes", "公開"}
_NO = {"不可", "いいえ", "無", "なし", "×", "false", "0", "no", "", "下書き", "非公開"}


def organisation_name(text: str) -> str | None:
    key = text.strip()
    if key.removeprefix("東京都") == "" or key in TOKYO_NAMES:
        return "東京都"
    found = lookup(key)
    return found.name if found else None


def parse_year(text: str) -> int | None:
    m = _YEAR.match(unicodedata.normalize("NFKC", text).strip().lower())
    if not m:
        return None
    if m.group(3):
        return int(m.group(3))
    return 2018 + (1 if m.group(2) == "元" else int(m.group(2)))


class _Row:
    def __init__(self, table: Table, number: int, cells: list[str], index: dict[str, int],
                 problems: list[Problem]) -> None:
        self.table, self.number, self.cells, self.index, self.problems = table, number, cells, index, problems

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(message, file=self.table.file, row=self.number, column=column))

    def text(self, column: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
        value = self.cells[self.index.get(column, -1)]
        if required and not value:
            self.problem(column, "値が空です。")
        if len(value) > limit:
            self.problem(column, f"{limit}文字以内にしてください({len(value)}文字)。")
        return value

    def choice(self, column: str, resolve: Callable[[str], object | None], what: str) -> object | None:
        value = self.text(column, required=True)
        if not value:
            return None
        found = resolve(value)
        if found is None:
            self.problem(column, f"「{value}」は{what}ではありません。")
        return found

    def integer(self, column: str) -> int | None:
        value = unicodedata.normalize("NFKC", self.text(column)).replace(",", "")
        if not value:
            return None
        if not value.isdigit():
            self.problem(column, f"0以上の整数で書いてください(「{value}」)。")
            return None
        return int(value)

    def year(self, column: str) -> int | None:
        value = self.text(column)
        if not value:
            return None
        year = parse_year(value)
        if year is None or not 1990 <= year <= 2100:
            self.problem(column, f"年度として読めません(「{value}」)。2024、2024年度、令和6年度、R6 のように書いてください。")
            return None
        return year

    def flag(self, column: str) -> bool:
        value = unicodedata.normalize("NFKC", self.text(column)).strip().lower()
        if value in _YES:
            return True
        if value not in _NO:
            self.problem(column, f"「{value}」は読めません。「可」か「不可」(公開の列は「公開」か「下書き」)で書いてください。")
        return False


def _technologies(row: _Row) -> tuple[str, ...]:
    found = []
    for part in (p.strip() for p in _SPLIT.split(row.text("技術"))):
        if not part:
            continue
        name = vocabulary().technology(part)
        if name is None:
            row.problem("技術", f"「{part}」は技術の分類にありません(使える分類: {'、'.join(vocabulary().technologies)})。")
        elif name not in found:
            found.append(name)
    return tuple(found)


def _record(row: _Row) -> CaseRecord:
    v = vocabulary()
    field = row.choice("分野", v.field, f"分野の分類({'、'.join(v.fields)})")
    status = row.choice("状況", v.status, f"状況({'、'.join(s.value for s in Status)})")
    organisation = row.choice("団体", organisation_name, "東京都か都内の区市町村の名前・団体コード")
    start, end = row.year("開始年度"), row.year("終了年度")
    if start and end and end < start:
        row.problem("終了年度", f"開始年度({start})より前です。")
    return CaseRecord(
        case_id=row.text("事例ID", limit=40), organisation=str(organisation or ""),
        title=row.text("タイトル", required=True, limit=MAX_TITLE), field=str(field or ""),
        status=status if isinstance(status, Status) else Status.CONSIDERING,
        summary=row.text("概要", required=True), technologies=_technologies(row), effects=row.text("効果"),
        lessons=row.text("教訓"), went_well=row.text("うまくいったこと"), went_badly=row.text("うまくいかなかったこと"),
        start_year=start, end_year=end, hours_saved_per_year=row.integer("年間削減時間"),
        cost_yen=row.integer("費用(円)"), vendor=row.text("事業者・製品", limit=200),
        spec_shareable=row.flag("仕様書の共有"), contact=row.text("連絡先", limit=200), published=row.flag("公開"),
        row=row.number,
    )


def read_cases(path: Path, *, display_name: str | None = None) -> list[CaseRecord]:
    """Every case of the file, or InputError with every problem found (then nothing should be saved)."""
    try:
        table = read_table(path, accept=lambda cells: "タイトル" in {header_key(c) for c in cells})
    except TableError as exc:
        raise InputError([exc.problem]) from None
    if display_name:
        table = Table(display_name, table.headers, table.rows)
    index: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        index.setdefault(header_key(header), i)
    wanted = {header_key(c): c for c in COLUMNS}
    index = {wanted[k]: i for k, i in index.items() if k in wanted}
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    if missing:
        raise InputError([Problem(f"列「{c}」がありません(1行目の見出しに書いてください)。", file=table.file, row=1,
                                  column=c) for c in missing])
    problems: list[Problem] = []
    records: list[CaseRecord] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        row = _Row(table, number, cells, index, problems)
        record = _record(row)
        if record.case_id:
            if record.case_id in seen:
                row.problem("事例ID", f"事例ID「{record.case_id}」が{seen[record.case_id]}行目と重なっています。")
            seen.setdefault(record.case_id, number)
        records.append(record)
    if not records and not problems:
        problems.append(Problem("事例の行がありません(2行目から1事例1行で書いてください)。", file=table.file, row=2))
    if problems:
        raise InputError(problems)
    return records


def _flag(value: bool, yes: str = "可", no: str = "不可") -> str:
    return yes if value else no


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def row_of(r: CaseRecord, *, with_contact: bool) -> list[str]:
    return [
        r.case_id, r.organisation, r.title, r.field, "、".join(r.technologies), str(r.status), r.summary, r.effects,
        r.lessons, r.went_well, r.went_badly, _number(r.start_year), _number(r.end_year),
        _number(r.hours_saved_per_year), _number(r.cost_yen), r.vendor, _flag(r.spec_shareable),
        r.contact if with_contact else "", _flag(r.published, "公開", "下書き"),
    ]


def write_cases(path: Path, records: Sequence[CaseRecord], *, with_contact: bool = False) -> None:
    """CSV or XLSX by the suffix, with every column (the contact only when asked: it is for signed-in staff)."""
    rows = [row_of(r, with_contact=with_contact) for r in records]
    if path.suffix.lower() == ".xlsx":
        v = vocabulary()
        write_xlsx(path, "事例", COLUMNS, rows, choices={
            "分野": v.fields, "状況": [s.value for s in Status], "公開": ["公開", "下書き"], "仕様書の共有": ["可", "不可"],
        })
    else:
        write_csv(path, COLUMNS, rows)
