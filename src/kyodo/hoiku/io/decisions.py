"""Staff decisions as a small file: CSV (種類,児童番号,施設番号,理由,担当者) or JSON [{kind, child_id, …}].

decisions = read_decisions(Path("decisions.csv"))
write_decisions(decisions, Path("decisions.json"))
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kyodo.hoiku.model.decision import DECISION_KINDS, Decision, DecisionKind
from kyodo.hoiku.model.errors import RuleError
from kyodo.problems import Problem
from kyodo.tables import TableError, csv_text, read_table, write_atomic

# Decision files: CSV with Japanese (or English) headers, or JSON [{kind, child_id, facility_id, reason, by}].
CSV_HEADER = ("種類", "児童番号", "施設番号", "理由", "担当者")
CSV_KEYS = ("kind", "child_id", "facility_id", "reason", "by")
KIND_WORDS: Mapping[str, str] = {
    "fix": "fix",
    "固定": "fix",
    "指定": "fix",
    "forbid": "forbid",
    "除外": "forbid",
    "withdraw": "withdraw",
    "辞退": "withdraw",
    **{label: kind for kind, label in DECISION_KINDS.items()},
}
KIND_NAMES: Mapping[str, str] = {"fix": "固定", "forbid": "除外", "withdraw": "辞退"}


def read_decisions(path: Path) -> list[Decision]:
    """Staff decisions from a .csv (種類,児童番号,施設番号,理由,担当者) or .json file.

    種類 is 固定 / 除外 / 辞退 (or fix / forbid / withdraw). Raises RuleError naming the row.
    """
    path = Path(path)
    rows: list[tuple[str, Mapping[str, Any]]] = []
    if path.suffix.lower() == ".json":
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleError(f"{path.name}: 職員判断のファイルを読めません({exc})") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RuleError(f"{path.name}: JSON として読めません({exc})") from exc
        items = data.get("decisions", []) if isinstance(data, dict) else data
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise RuleError(f"{path.name}: 職員判断の一覧(オブジェクトの配列)が必要です")
        rows = [(f"{n}件目", item) for n, item in enumerate(items, start=1)]
    else:
        # CSV or XLSX through the shared reader (encodings, limits, the formula guard read back as plain text),
        # every row checked by read_decision_table; the CLI stops at the first problem.
        table = read_decision_table(path, name=path.name)
        if table.problems:
            raise RuleError(str(table.problems[0]))
        return [d for _n, d in table.rows]
    decisions = []
    for where, row in rows:
        kind = KIND_WORDS.get(str(row.get("kind") or "").strip())
        if kind is None:
            raise RuleError(
                f"{path.name} {where}: 種類「{row.get('kind')}」は 固定・除外・辞退 のどれかにしてください"
            )
        try:
            decisions.append(
                Decision(
                    DecisionKind(kind),
                    str(row.get("child_id") or "").strip(),
                    str(row.get("facility_id") or "").strip() or None,
                    str(row.get("reason") or ""),
                    str(row.get("by") or ""),
                )
            )
        except ValueError:
            raise RuleError(f"{path.name} {where}: 「{KIND_NAMES[kind]}」には施設番号が必要です") from None
        if not decisions[-1].child_id:
            raise RuleError(f"{path.name} {where}: 児童番号がありません")
    return decisions


@dataclass(frozen=True, slots=True)
class DecisionTable:
    """A decisions table read in full: the decisions with their rows, and every problem found (file, row, column)."""

    file: str
    rows: list[tuple[int, Decision]] = field(default_factory=list)
    columns: Mapping[str, str] = field(default_factory=dict)  # key (kind, child_id, …) → the header as written
    problems: list[Problem] = field(default_factory=list)


def read_decision_table(source: bytes | Path, *, name: str) -> DecisionTable:
    """Every row of a decisions CSV or XLSX (the format of `read_decisions`), checked one by one.

    Unlike `read_decisions`, which stops at the first error, this lists every problem, so that a clerk fixes the
    file once. Rows with a problem are left out of `rows`; a caller saves nothing unless `problems` is empty."""
    try:
        table = read_table(source, name=name)
    except TableError as exc:
        return DecisionTable(name, problems=[exc.problem])
    header = [h.strip() for h in table.headers]
    keys = {**dict(zip(CSV_HEADER, CSV_KEYS, strict=True)), **{k: k for k in CSV_KEYS}}
    columns = {keys[h]: h for h in header if h in keys}
    unknown = [h for h in header if h and h not in keys]
    if unknown or "child_id" not in columns or "kind" not in columns:
        message = f"1行目(見出し)は「{','.join(CSV_HEADER)}」にしてください"
        if unknown:
            message += f"(知らない見出し: {'、'.join(unknown)})"
        return DecisionTable(table.file, problems=[Problem(message, file=table.file, row=1)])
    found = DecisionTable(table.file, columns=columns)
    for n, cells in table.rows:
        if not any(c.strip() for c in cells):
            continue
        row = {keys[h]: c.strip() for h, c in zip(header, cells, strict=False) if h}
        problems = _row_problems(row, table.file, n, columns)
        if problems:
            found.problems.extend(problems)
            continue
        kind = DecisionKind(KIND_WORDS[row["kind"]])
        decision = Decision(kind, row["child_id"], row.get("facility_id") or None, row.get("reason") or "",
                            row.get("by") or "")
        found.rows.append((n, decision))
    return found


def _row_problems(row: Mapping[str, str], file: str, n: int, columns: Mapping[str, str]) -> list[Problem]:
    problems = []
    kind = KIND_WORDS.get(row.get("kind", ""))
    if kind is None:
        problems.append(Problem(f"種類「{row.get('kind', '')}」は 固定・除外・辞退 のどれかにしてください",
                                file=file, row=n, column=columns["kind"]))
    if not row.get("child_id"):
        problems.append(Problem("児童番号がありません", file=file, row=n, column=columns["child_id"]))
    if kind in ("fix", "forbid") and not row.get("facility_id"):
        problems.append(Problem(f"「{KIND_NAMES[kind]}」には施設番号が必要です", file=file, row=n,
                                column=columns.get("facility_id", CSV_HEADER[2])))
    return problems


def write_decisions(decisions: Iterable[Decision], path: Path) -> None:
    """Decisions as CSV (UTF-8 with BOM, for Excel) or, for a .json path, JSON."""
    items = [d.as_dict() for d in decisions]

    def write(tmp: Path) -> None:
        if Path(path).suffix.lower() == ".json":
            tmp.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            return
        rows = [[KIND_NAMES[str(i["kind"])], i["child_id"], i["facility_id"] or "", i["reason"], i["by"]]
                for i in items]
        tmp.write_text(csv_text(CSV_HEADER, rows), encoding="utf-8-sig", newline="")

    write_atomic(Path(path), write)


def decisions_of(run: Mapping[str, Any]) -> list[Decision]:
    """The decisions a stored run record (the JSON's "run") applied."""
    return [
        Decision(d["kind"], d["child_id"], d.get("facility_id"), d.get("reason") or "", d.get("by") or "")
        for d in run.get("decisions") or ()
    ]
