"""Read the specialists and requests files into an `Instance`, checking every cell.

Every problem is collected (not only the first) and reported in Japanese with file, row and column. Nothing is
guessed: a blank required cell, an unknown skill, a level outside 1〜4, a date that is not a date, an amount over the
program cap, an unknown municipality or a preferred or excluded specialist who is not in the pool are all errors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from kyodo.jinzai.check import program_cap_hours
from kyodo.jinzai.errors import InputError, Problem
from kyodo.jinzai.formats import REQUEST_COLUMNS, SPECIALIST_COLUMNS, SPECIALIST_ONE_OF
from kyodo.jinzai.io import Cell, Table, read_table
from kyodo.jinzai.model import SPECIALIST_MODES, Instance, Mode, Request, Specialist, Unit, Urgency
from kyodo.jinzai.policy import Policy, load_policy
from kyodo.jinzai.skills import taxonomy
from kyodo.municipalities import lookup
from kyodo.tables import visible

T = TypeVar("T")
_SPLIT = re.compile(r"[;;、\n]")
_AREAS = ("区部", "多摩", "島しょ")


class _Row:
    """One row being read: typed getters that record a Problem and return None when a cell is unusable."""

    def __init__(self, table: Table, number: int, cells: Mapping[str, Cell], problems: list[Problem]) -> None:
        self.table, self.number, self.cells, self.problems = table, number, cells, problems

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(message, file=self.table.file, row=self.number, column=column))

    def text(self, column: str, required: bool) -> str | None:
        value = self.cells.get(column)
        text = "" if value is None else (f"{value:%Y-%m-%d}" if isinstance(value, date) else str(value)).strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if not text:
            if required:
                self.problem(column, "値が空です。")
            return None
        return text

    def integer(self, column: str, required: bool, minimum: int = 0) -> int | None:
        text = self.text(column, required)
        if text is None:
            return None
        digits = text.replace(",", "")
        try:
            if len(digits) > 15:  # more than any count or yen; int() of 5,000 digits would refuse with English
                raise ValueError(digits)
            number = int(digits)
        except ValueError:
            self.problem(column, f"整数ではありません(「{visible(text)}」)。")
            return None
        if number < minimum:
            self.problem(column, f"{minimum}以上の整数にしてください(「{visible(text)}」)。")
            return None
        return number

    def date_cell(self, column: str) -> date | None:
        value = self.cells.get(column)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.text(column, True)
        return None if text is None else self.parse_date(column, text)

    def parse_date(self, column: str, text: str) -> date | None:
        try:
            # A date cell read from Excel may carry a time ("2026-04-06 00:00:00"): the date is what counts.
            return date.fromisoformat(text.strip().replace("/", "-").split(" ")[0][:10])
        except ValueError:
            self.problem(column, f"日付として読めません(「{visible(text)}」)。2026-04-06 のように書いてください。")
            return None

    def choice(self, column: str, options: Mapping[str, T], required: bool, default: T | None = None) -> T | None:
        text = self.text(column, required)
        if text is None:
            return default
        if text not in options:
            self.problem(column, f"「{visible(text)}」は使えません。{' / '.join(options)} のいずれかにしてください。")
            return None
        return options[text]

    def items(self, column: str, required: bool) -> list[str]:
        text = self.text(column, required)
        return [] if text is None else [p.strip() for p in _SPLIT.split(text) if p.strip()]

    def skills(self, column: str) -> dict[str, int] | None:
        tax = taxonomy()
        out: dict[str, int] = {}
        items = self.items(column, True)
        ok = bool(items)
        for item in items:
            name, sep, level_text = item.replace(":", ":").rpartition(":")
            skill = tax.find(name) if sep else None
            if skill is None:
                self.problem(column, f"「{visible(name if sep else item)}」はDX推進スキル標準のスキル項目にありません。")
                ok = False
                continue
            if not level_text.strip().isdigit() or not tax.min_level <= int(level_text) <= tax.max_level:
                self.problem(
                    column, f"「{visible(skill.name)}」のレベル「{visible(level_text)}」は{tax.min_level}〜{tax.max_level}の整数にしてください。"
                )
                ok = False
                continue
            out[skill.id] = int(level_text)
        return out if ok else None

    def municipalities(self, column: str) -> frozenset[str]:
        codes = set()
        for item in self.items(column, False):
            m = lookup(item)
            if m is None:
                self.problem(column, f"「{visible(item)}」は都内の区市町村として見つかりません。")
            else:
                codes.add(m.code)
        return frozenset(codes)


def _rows(
    table: Table,
    columns: Mapping[str, tuple[bool, str]],
    make: Callable[[_Row], T | None],
    one_of: tuple[tuple[str, ...], ...] = (),
) -> list[T]:
    problems: list[Problem] = []
    missing = [c for c, (required, _) in columns.items() if required and c not in table.headers]
    for column in missing:
        problems.append(Problem("必須の列がありません。", file=table.file, row=1, column=column))
    for group in one_of:
        if not any(c in table.headers for c in group):
            missing.append(group[0])
            names = "」か「".join(group)
            problems.append(Problem(f"「{visible(names)}」の列のどちらかが必要です。", file=table.file, row=1, column=group[0]))
    if missing:
        raise InputError(problems)
    out: list[T] = []
    seen: dict[str, int] = {}
    id_column = next(iter(columns))
    for number, cells in table.rows:
        row = _Row(table, number, cells, problems)
        ident = row.text(id_column, False)
        if ident is not None and ident in seen:
            row.problem(id_column, f"「{visible(ident)}」は{seen[ident]}行目と重複しています。")
        elif ident is not None:
            seen[ident] = number
        item = make(row)
        if item is not None:
            out.append(item)
    if not table.rows:
        problems.append(Problem("データの行がありません。", file=table.file, row=2))
    if problems:
        raise InputError(problems)
    return out


def _specialist_maker(policy: Policy) -> Callable[[_Row], Specialist | None]:
    return lambda row: _specialist(row, policy)


def _specialist(row: _Row, policy: Policy) -> Specialist | None:
    sid, name = row.text("人材ID", True), row.text("氏名", True)
    tax = taxonomy()
    role = row.choice("人材類型", {v: k for k, v in tax.role_types.items()}, False)
    skills = row.skills("スキル")
    hours = _weekly_hours(row, policy)
    load = row.integer("現在の稼働時間", False) or 0
    modes = row.choice("対応形態", SPECIALIST_MODES, True)
    area = row.choice("拠点地域", {a: a for a in _AREAS}, True)
    absences: list[tuple[date, date]] = []
    for item in row.items("不在期間", False):
        first, sep, last = item.replace("〜", "~").replace("~", "~").partition("~")
        a, b = row.parse_date("不在期間", first), row.parse_date("不在期間", last if sep else first)
        if a and b:
            if b < a:
                row.problem("不在期間", f"「{visible(item)}」の終了日が開始日より前です。")
            absences.append((a, b))
    conflicts, history = row.municipalities("利益相反団体"), row.municipalities("支援実績団体")
    max_cases = row.integer("上限件数", False)
    if None in (sid, name, skills, hours, modes, area):
        return None
    assert sid and name and skills and hours and modes and area
    return Specialist(sid, name, skills, hours, modes, area, load, tuple(absences), conflicts, history, max_cases, role)


def _weekly_hours(row: _Row, policy: Policy) -> int | None:
    """Hours a week, written either as hours or as days (exactly one of the two)."""
    hours_given = row.text("週あたり稼働時間", False) is not None
    days_given = row.text("週あたり稼働日数", False) is not None
    if hours_given and days_given:
        row.problem("週あたり稼働日数", "「週あたり稼働時間」と「週あたり稼働日数」の両方に値があります。どちらか一方にしてください。")
        return None
    if not hours_given and not days_given:
        row.problem("週あたり稼働時間", "値が空です(日数で書くときは「週あたり稼働日数」に)。")
        return None
    if days_given:
        days = row.integer("週あたり稼働日数", True, minimum=1)
        if days is not None and days > 7:
            row.problem("週あたり稼働日数", f"1週は7日までです(「{days}」)。")
            return None
        return None if days is None else days * policy.hours_per_day
    return row.integer("週あたり稼働時間", True, minimum=1)


def _request_maker(policy: Policy) -> Callable[[_Row], Request | None]:
    def make(row: _Row) -> Request | None:
        rid = row.text("依頼ID", True)
        muni_text = row.text("団体", True)
        muni = lookup(muni_text) if muni_text else None
        if muni_text and muni is None:
            row.problem("団体", f"「{visible(muni_text)}」は都内の区市町村として見つかりません。")
        purpose, deliverable = row.text("目的", True), row.text("成果物", True)
        skills = row.skills("必要スキル")
        mode = row.choice("支援形態", {m.value: m for m in Mode}, True)
        amount = row.integer("工数", True, minimum=1)
        unit = row.choice("工数単位", {u.value: u for u in Unit}, True)
        start, end = row.date_cell("開始日"), row.date_cell("終了日")
        urgency = row.choice("緊急度", {u.value: u for u in Urgency}, False, Urgency.NORMAL)
        excluded = frozenset(row.items("除外する専門人材", False))
        if start and end and end < start:
            row.problem("終了日", "終了日が開始日より前です。")
            return None
        if mode and amount and unit:
            hours = amount * policy.hours_per_day if unit is Unit.DAYS else amount
            if hours > program_cap_hours(policy, mode):
                cap = f"{policy.onsite_days_cap}日" if mode is Mode.ONSITE else f"{policy.remote_hours_cap}時間"
                row.problem("工数", f"{mode.value}支援は1案件{cap}までです(制度の上限)。依頼を分けてください。")
                return None
        if None in (rid, muni, purpose, deliverable, skills, mode, amount, unit, start, end, urgency):
            return None
        assert rid and muni and skills and mode and amount and unit and start and end and urgency
        return Request(
            rid, muni.code, skills, mode, amount, unit, start, end, urgency,
            row.text("相談分野", False) or "", purpose or "", deliverable or "", row.text("希望人材ID", False),
            excluded,
        )

    return make


def read_specialists(
    source: Path | bytes, policy: Policy | None = None, *, name: str | None = None
) -> tuple[Specialist, ...]:
    """The specialists file alone (the web's bulk import of the pool); bytes need the file's `name`."""
    policy = policy or load_policy()
    table = read_table(source, name=name)
    return tuple(_rows(table, SPECIALIST_COLUMNS, _specialist_maker(policy), SPECIALIST_ONE_OF))


def read_requests(
    source: Path | bytes, known_specialists: Collection[str] | None = None, policy: Policy | None = None, *,
    name: str | None = None,
) -> tuple[Request, ...]:
    """The requests file; with `known_specialists`, preferred and excluded specialists must be among them."""
    policy = policy or load_policy()
    table = read_table(source, name=name)
    requests = _rows(table, REQUEST_COLUMNS, _request_maker(policy))
    if known_specialists is not None:
        problems = _unknown_specialists(table, requests, set(known_specialists))
        if problems:
            raise InputError(problems)
    return tuple(requests)


def _unknown_specialists(table: Table, requests: list[Request], known: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    rows = {str(cells.get("依頼ID")).strip(): n for n, cells in table.rows}
    for r in requests:
        if r.preferred is not None and r.preferred not in known:
            problems.append(Problem(f"人材「{visible(r.preferred)}」は人材一覧にいません。", table.file, rows.get(r.id), "希望人材ID"))
        for sid in sorted(r.excluded - known):
            problems.append(
                Problem(f"人材「{visible(sid)}」は人材一覧にいません。", table.file, rows.get(r.id), "除外する専門人材")
            )
    return problems


def read_instance(specialists_path: Path, requests_path: Path, policy: Policy | None = None) -> Instance:
    """Both files, checked on their own and against each other (preferred and excluded specialists must be in the
    pool)."""
    policy = policy or load_policy()
    problems: list[Problem] = []
    specialists: tuple[Specialist, ...] = ()
    requests: tuple[Request, ...] = ()
    try:
        specialists = read_specialists(specialists_path, policy)
    except InputError as exc:
        problems += exc.problems
    try:
        requests = read_requests(requests_path, None if problems else {s.id for s in specialists}, policy)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    return Instance(specialists, requests, policy)
