"""Staff decisions as a small file: CSV (種類,児童番号,施設番号,理由,担当者) or JSON [{kind, child_id, …}].

decisions = read_decisions(Path("decisions.csv"))
write_decisions(decisions, Path("decisions.json"))
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kyodo.hoiku.model.decision import DECISION_KINDS, Decision, DecisionKind
from kyodo.hoiku.model.errors import RuleError
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
        # CSV through the shared reader (encodings, limits, and the formula guard read back as plain text).
        try:
            table = read_table(path)
        except TableError as exc:
            raise RuleError(str(exc.problem)) from exc
        header = [h.strip() for h in table.headers]
        keys = {**dict(zip(CSV_HEADER, CSV_KEYS, strict=True)), **{k: k for k in CSV_KEYS}}
        unknown = [h for h in header if h and h not in keys]
        if unknown or ("児童番号" not in header and "child_id" not in header):
            raise RuleError(f"{path.name}: 1行目は「{','.join(CSV_HEADER)}」にしてください")
        for n, cells in table.rows:
            if any(c.strip() for c in cells):
                rows.append(
                    (f"{n}行目", {keys[h]: c.strip() for h, c in zip(header, cells, strict=False) if h})
                )
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
