"""The results CSV: one row per child (UTF-8 with BOM, so Excel opens the Japanese text), from an Outcome.

The CLI writes it with `allocate --csv`; the web stores the same bytes for its download.
"""

from __future__ import annotations

from pathlib import Path

from kyodo.hoiku.outcome import Outcome
from kyodo.tables import csv_text, write_all

HEADER = (
    "児童番号",
    "氏名",
    "世帯番号",
    "年齢クラス",
    "指数",
    "結果",
    "内定施設番号",
    "内定施設名",
    "希望順位",
    "在園施設",
    "第1希望の待機順位",
    "要確認",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """Text as a spreadsheet will not run it: a leading = + - @ gets a quote (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def results_rows(outcome: Outcome) -> list[list[str]]:
    flags: dict[str, list[str]] = {}
    for flag in outcome.flags:
        flags.setdefault(flag.child_id, []).append(flag.message)
    rows = []
    for cid, child in outcome.instance.children.items():
        e = outcome.explanations[cid]
        score = outcome.scores.get(cid)
        points = score.at(e.assigned) if score is not None and e.assigned else e.total
        first = (
            outcome.waitlist.get((cid, child.choices[0])) if child.choices and e.assigned is None else None
        )
        values: list[object] = [
            cid,
            child.name,
            child.household_id,
            child.age_class,
            points,
            outcome.statuses[cid].label,
            e.assigned,
            e.assigned_name if e.assigned else "",
            e.choice_rank,
            child.current_facility,
            first,
            " / ".join(flags.get(cid, ())),
        ]
        rows.append([_cell(v) for v in values])
    return rows


def results_csv_bytes(outcome: Outcome) -> bytes:
    # The shared writer: text that Excel would take for a formula (= + - @ …) is written as text.
    return ("\ufeff" + csv_text(HEADER, results_rows(outcome))).encode("utf-8")


def write_results_csv(outcome: Outcome, path: Path) -> None:
    write_all({Path(path): lambda tmp: tmp.write_bytes(results_csv_bytes(outcome))})
