"""Read 開催回一覧 (sessions) and 推薦一覧 (nominations) into an `Instance`, checking every cell.

Through `kyodo.tables` only. Every problem is collected and reported in Japanese with file, row and column; nothing
is guessed (an unknown municipality, a session of another course, a date that is not a date are errors).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from kyodo.jinzai.skills import taxonomy
from kyodo.kenshu.formats import NO, NOMINATION_COLUMNS, SESSION_COLUMNS, YES
from kyodo.kenshu.model import Course, Format, Instance, Nomination, Session, Standard
from kyodo.municipalities import lookup
from kyodo.problems import InputError, Problem
from kyodo.tables import Table, TableError, header_key, read_table

T = TypeVar("T")
_SPLIT = re.compile(r"[;;、\n]")
TOKYO = ("130001", "東京都")


class _Row:
    def __init__(self, table: Table, number: int, cells: list[str], index: Mapping[str, int],
                 problems: list[Problem]) -> None:
        self.table, self.number, self.cells, self.index, self.problems = table, number, cells, index, problems

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(message, file=self.table.file, row=self.number, column=column))

    def text(self, column: str, required: bool = False) -> str | None:
        i = self.index.get(column)
        value = self.cells[i].strip() if i is not None else ""
        if not value:
            if required:
                self.problem(column, "値が空です。")
            return None
        return value

    def integer(self, column: str, required: bool, minimum: int = 1, maximum: int | None = None) -> int | None:
        text = self.text(column, required)
        if text is None:
            return None
        try:
            number = int(text.replace(",", "").removesuffix(".0"))
        except ValueError:
            self.problem(column, f"整数ではありません(「{text}」)。")
            return None
        if number < minimum or (maximum is not None and number > maximum):
            bound = f"{minimum}〜{maximum}" if maximum is not None else f"{minimum}以上"
            self.problem(column, f"{bound}の整数にしてください(「{text}」)。")
            return None
        return number

    def moment(self, column: str) -> datetime | None:
        text = self.text(column, True)
        if text is None:
            return None
        try:
            return datetime.fromisoformat(text.replace("/", "-").replace("T", " "))
        except ValueError:
            self.problem(column, f"日付・日時として読めません(「{text}」)。2026-06-10 13:30 のように書いてください。")
            return None

    def choice(self, column: str, options: Mapping[str, T], required: bool, default: T | None = None) -> T | None:
        text = self.text(column, required)
        if text is None:
            return default
        if text not in options:
            self.problem(column, f"「{text}」は使えません。{' / '.join(o for o in options if o)} のいずれかにしてください。")
            return None
        return options[text]

    def items(self, column: str, required: bool = False) -> list[str]:
        text = self.text(column, required)
        return [] if text is None else [p.strip() for p in _SPLIT.split(text) if p.strip()]


def _rows(path: Path, columns: Mapping[str, tuple[bool, str]], make: Callable[[_Row], T | None]) -> list[T]:
    try:
        table = read_table(path)
    except TableError as exc:
        raise InputError([exc.problem]) from exc
    known = {header_key(c): c for c in columns}
    index = {known[header_key(h)]: i for i, h in enumerate(table.headers) if header_key(h) in known}
    problems = [Problem("必須の列がありません。", file=table.file, row=1, column=c)
                for c, (required, _) in columns.items() if required and c not in index]
    if problems:
        raise InputError(problems)
    id_column = next(iter(columns))
    seen: dict[str, int] = {}
    out: list[T] = []
    for number, cells in table.rows:
        row = _Row(table, number, cells, index, problems)
        ident = row.text(id_column)
        if ident is not None and ident in seen:
            row.problem(id_column, f"「{ident}」は{seen[ident]}行目と重複しています。")
            continue
        if ident is not None:
            seen[ident] = number
        item = make(row)
        if item is not None:
            out.append(item)
    if not table.rows:
        problems.append(Problem("データの行がありません。", file=table.file, row=2))
    if problems:
        raise InputError(problems)
    return out


def _session(row: _Row) -> tuple[Session, Course, int] | None:
    sid, cid, title = row.text("開催回ID", True), row.text("研修ID", True), row.text("研修名", True)
    starts = row.moment("開催日")
    fmt = row.choice("形式", {f.value: f for f in Format}, True)
    capacity = row.integer("定員", True)
    cap = row.integer("団体あたり上限", False)
    standard = row.choice("区分", {s.value: s for s in Standard}, False, Standard.LITERACY)
    level = row.integer("レベル", False, 1, 4) or 1
    hours = row.integer("時間数", False) or 3
    skills = []
    for item in row.items("スキル"):
        skill = taxonomy().find(item)
        if skill is None:
            row.problem("スキル", f"「{item}」はDX推進スキル標準のスキル項目にありません。")
        else:
            skills.append(skill.id)
    if sid is None or cid is None or title is None or starts is None or fmt is None or capacity is None:
        return None
    course = Course(cid, title, standard or Standard.LITERACY, tuple(skills), level, hours,
                    tuple(row.items("前提研修")))
    return Session(sid, cid, starts, fmt, capacity, cap, row.text("会場") or ""), course, row.number


def _municipality(row: _Row) -> str | None:
    text = row.text("団体", True)
    if text is None:
        return None
    if text in TOKYO:
        return TOKYO[0]
    found = lookup(text)
    if found is None:
        row.problem("団体", f"「{text}」は東京都・都内の区市町村として見つかりません。")
        return None
    return found.code


def _nomination(row: _Row) -> Nomination | None:
    nid, staff, name = row.text("推薦ID", True), row.text("職員ID", True), row.text("氏名", True)
    muni = _municipality(row)
    cid = row.text("研修ID", True)
    wanted = row.items("希望開催回", True)
    if len(set(wanted)) != len(wanted):
        row.problem("希望開催回", "同じ開催回が2回書かれています。")
    rank = row.integer("団体内順位", True)
    at = row.moment("申込日時")
    waited = row.choice("前回キャンセル待ち", {**{y: True for y in YES}, **{n: False for n in NO}}, False, False)
    if None in (nid, staff, name, muni, cid, rank, at, waited) or not wanted:
        return None
    assert nid and staff and name and muni and cid and rank and at and waited is not None
    return Nomination(nid, staff, name, muni, cid, tuple(wanted), rank, at, waited, frozenset(row.items("修了済み研修")))


def read_instance(sessions_path: Path, nominations_path: Path) -> Instance:
    """Both files, checked on their own and against each other (courses, sessions, prerequisites)."""
    problems: list[Problem] = []
    sessions: list[tuple[Session, Course, int]] = []
    nominations: list[Nomination] = []
    try:
        sessions = _rows(sessions_path, SESSION_COLUMNS, _session)
    except InputError as exc:
        problems += exc.problems
    try:
        nominations = _rows(nominations_path, NOMINATION_COLUMNS, _nomination)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    courses: dict[str, Course] = {}
    s_file, n_file = sessions_path.name, nominations_path.name
    for _, course, number in sessions:
        first = courses.setdefault(course.id, course)
        if first != course:
            problems.append(Problem(f"研修「{course.id}」の研修名・区分・前提研修などが他の行と違います。",
                                    s_file, number, "研修ID"))
    for _, course, number in sessions:
        for pre in course.prerequisites:
            if pre not in courses or pre == course.id:
                problems.append(Problem(f"前提研修「{pre}」はこの一覧の研修にありません。", s_file, number, "前提研修"))
    by_id = {s.id: s for s, _, _ in sessions}
    rows = _row_numbers(nominations_path)
    first_row: dict[tuple[str, str, str], int] = {}
    for n in nominations:
        key = (n.municipality, n.staff_id, n.course_id)
        if key in first_row:
            problems.append(Problem(f"職員「{n.staff_id}」はこの研修に{first_row[key]}行目でも推薦されています"
                                    "(1人1研修1推薦)。", n_file, rows.get(n.id), "職員ID"))
        first_row.setdefault(key, rows.get(n.id, 0))
        for sid in n.sessions:
            if sid not in by_id:
                problems.append(Problem(f"開催回「{sid}」は開催回一覧にありません。", n_file, rows.get(n.id), "希望開催回"))
            elif by_id[sid].course_id != n.course_id:
                problems.append(Problem(f"開催回「{sid}」は研修「{n.course_id}」の開催回ではありません。",
                                        n_file, rows.get(n.id), "希望開催回"))
        if n.course_id not in courses:
            problems.append(Problem(f"研修「{n.course_id}」は開催回一覧にありません。", n_file, rows.get(n.id), "研修ID"))
    if problems:
        raise InputError(problems)
    return Instance(courses, tuple(s for s, _, _ in sessions), tuple(nominations))


def _row_numbers(path: Path) -> dict[str, int]:
    table = read_table(path)
    key = next((i for i, h in enumerate(table.headers) if header_key(h) == header_key("推薦ID")), 0)
    return {cells[key].strip(): number for number, cells in table.rows}
