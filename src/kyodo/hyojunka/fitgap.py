"""Fit & Gap: the standard specification's function list against a municipality's answers, summarised per system.

Spec (機能一覧): 業務, 機能ID, 機能名, 区分 (実装必須 / 標準オプション / 実装不可).
Answers (回答): 業務 (optional when the system is given), 機能ID, 回答 (fit / gap / 運用で対応), 備考 — a gap or
運用で対応 needs its note (what the municipality will do instead). Unknown function ids, a second answer for one
function and answers on 実装不可 functions other than gap are problems with file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kyodo.hyojunka.catalog import catalog
from kyodo.hyojunka.io import Rows, open_rows
from kyodo.problems import InputError, Problem


class Category(StrEnum):
    REQUIRED = "実装必須"
    OPTIONAL = "標準オプション"
    FORBIDDEN = "実装不可"


class Answer(StrEnum):
    FIT = "fit"
    GAP = "gap"
    OPERATION = "運用で対応"


_ANSWER_WORDS = {
    "fit": Answer.FIT, "フィット": Answer.FIT, "適合": Answer.FIT, "○": Answer.FIT,
    "gap": Answer.GAP, "ギャップ": Answer.GAP, "不適合": Answer.GAP, "×": Answer.GAP,
    "運用で対応": Answer.OPERATION, "運用対応": Answer.OPERATION,
}


@dataclass(frozen=True, slots=True)
class Function:
    system: str
    id: str
    name: str
    category: Category


@dataclass(frozen=True, slots=True)
class Reply:
    function: Function
    answer: Answer
    note: str


@dataclass(frozen=True, slots=True)
class FitGapSummary:
    system: str
    system_name: str
    functions: int
    required: int
    fit: int
    gap: int
    operation: int
    unanswered_required: int
    required_gaps: tuple[Reply, ...]  # gaps and 運用で対応 on 実装必須 functions: what the migration must solve
    gaps: tuple[Reply, ...]


def read_spec(path: Path, system: str | None = None) -> list[Function]:
    rows = _open_or_raise(path, ("機能ID", "区分"))
    functions: list[Function] = []
    seen: dict[tuple[str, str], int] = {}
    if rows.require("機能ID", "機能名", "区分") and (system or rows.require("業務")):
        for row, cells in rows.table.rows:
            sys_id = _system_of(rows, cells, row, system)
            fid, name, text = (rows.cell(cells, h) for h in ("機能ID", "機能名", "区分"))
            category = next((c for c in Category if c.value == text), None)
            if not fid:
                rows.problem("機能IDが空です", row=row, column="機能ID")
            if category is None:
                rows.problem(f"区分は 実装必須・標準オプション・実装不可 のどれかです(「{text}」)", row=row, column="区分")
            if sys_id is None or not fid or category is None:
                continue
            if (sys_id, fid) in seen:
                rows.problem(f"機能ID {fid} が{seen[sys_id, fid]}行目にもあります", row=row, column="機能ID")
                continue
            seen[sys_id, fid] = row
            functions.append(Function(sys_id, fid, name, category))
    _raise_if(rows)
    if not functions:
        raise InputError([Problem("機能の行が1つもありません", file=path.name, row=2)])
    return functions


def read_answers(path: Path, spec: list[Function], system: str | None = None) -> list[Reply]:
    rows = _open_or_raise(path, ("機能ID", "回答"))
    by_id = {(f.system, f.id): f for f in spec}
    replies: dict[tuple[str, str], Reply] = {}
    if rows.require("機能ID", "回答") and (system or rows.require("業務")):
        for row, cells in rows.table.rows:
            reply = _reply(rows, cells, row, system, by_id)
            if reply is None:
                continue
            key = (reply.function.system, reply.function.id)
            if key in replies:
                rows.problem(f"機能ID {reply.function.id} の回答が2つあります", row=row, column="機能ID")
            replies[key] = reply
    _raise_if(rows)
    return list(replies.values())


def _reply(rows: Rows, cells: list[str], row: int, system: str | None,
           by_id: dict[tuple[str, str], Function]) -> Reply | None:
    sys_id = _system_of(rows, cells, row, system)
    fid, text, note = rows.cell(cells, "機能ID"), rows.cell(cells, "回答"), rows.cell(cells, "備考")
    answer = _ANSWER_WORDS.get(text.strip().lower()) or _ANSWER_WORDS.get(text.strip())
    function = by_id.get((sys_id or "", fid))
    if sys_id is not None and function is None:
        rows.problem(f"機能一覧にない機能IDです(「{fid}」)", row=row, column="機能ID")
    if answer is None:
        rows.problem(f"回答は fit・gap・運用で対応 のどれかです(「{text}」)", row=row, column="回答")
    elif answer != Answer.FIT and not note:
        rows.problem(f"「{answer}」には備考(どう対応するか)を書いてください", row=row, column="備考")
    if function is None or answer is None:
        return None
    if function.category == Category.FORBIDDEN and answer != Answer.GAP:
        rows.problem("実装不可の機能です。標準準拠システムには実装できません(回答は gap にしてください)",
                     row=row, column="回答")
    return Reply(function, answer, note)


def summarise(spec: list[Function], replies: list[Reply]) -> list[FitGapSummary]:
    """One summary per system of the spec, in catalogue order."""
    cat = catalog()
    out = []
    for s in cat.systems:
        functions = [f for f in spec if f.system == s.id]
        if not functions:
            continue
        mine = [r for r in replies if r.function.system == s.id]
        answered = {r.function.id for r in mine}
        required = [f for f in functions if f.category == Category.REQUIRED]
        gaps = tuple(r for r in mine if r.answer != Answer.FIT)
        out.append(FitGapSummary(
            system=s.id, system_name=s.name, functions=len(functions), required=len(required),
            fit=sum(1 for r in mine if r.answer == Answer.FIT), gap=sum(1 for r in mine if r.answer == Answer.GAP),
            operation=sum(1 for r in mine if r.answer == Answer.OPERATION),
            unanswered_required=sum(1 for f in required if f.id not in answered),
            required_gaps=tuple(r for r in gaps if r.function.category == Category.REQUIRED), gaps=gaps,
        ))
    return out


def summary_json(s: FitGapSummary) -> dict[str, object]:
    def item(r: Reply) -> dict[str, str]:
        return {"id": r.function.id, "name": r.function.name, "category": str(r.function.category),
                "answer": str(r.answer), "note": r.note}

    return {"system": s.system_name, "functions": s.functions, "required": s.required, "fit": s.fit, "gap": s.gap,
            "operation": s.operation, "unanswered_required": s.unanswered_required,
            "required_gaps": [item(r) for r in s.required_gaps], "gaps": [item(r) for r in s.gaps]}


def _system_of(rows: Rows, cells: list[str], row: int, system: str | None) -> str | None:
    text = rows.cell(cells, "業務")
    if system and not text:
        return system
    found = catalog().system(text) if text else None
    if found is None or (system and found.id != system):
        want = catalog().system(system) if system else None
        expected = f"(この画面では{want.name})" if want else ""
        rows.problem(f"業務が違います{expected}(「{text}」)" if text else "業務が空です", row=row, column="業務")
        return None
    return found.id


def _open_or_raise(path: Path, headers: tuple[str, ...]) -> Rows:
    problems: list[Problem] = []
    rows = open_rows(path, problems, headers)
    if rows is None:
        raise InputError(problems)
    return rows


def _raise_if(rows: Rows) -> None:
    if rows.problems:
        raise InputError(rows.problems)
