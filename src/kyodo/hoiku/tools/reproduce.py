"""Re-run a stored result and verify it byte for byte; staff decisions as a small file.

    decisions = read_decisions(Path("decisions.csv"))          # or .json
    outcome = reproduce(Path("result.json"), Path("children.csv"), Path("facilities.csv"))
    outcome.identical, outcome.problems, outcome.differences

A result JSON (kyodo.hoiku.outputs.workbook.write_json) carries its run record: the input files' sha256,
the rules file's name and sha256, the fiscal year, the seed, the engine version and the staff
decisions applied. `reproduce` checks the given files against those hashes, runs the round again
with the same rules, seed and decisions, and compares the new JSON text with the stored one.

Known limit: a run that used the exact solver (method cp_sat(FEASIBLE)) stopped at its time limit;
on a slower or busier machine the solver may stop elsewhere. OPTIMAL runs and deferred acceptance
runs do not depend on timing.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kyodo.hoiku.engine.pipeline import DECISION_KINDS, Decision, run_round
from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.model.result import Result
from kyodo.hoiku.rules import load_rules
from kyodo.tables import write_atomic

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
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path.name}: 職員判断のファイルを読めません({exc})") from exc
    rows: list[tuple[str, Mapping[str, Any]]] = []
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RuleError(f"{path.name}: JSON として読めません({exc})") from exc
        items = data.get("decisions", []) if isinstance(data, dict) else data
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise RuleError(f"{path.name}: 職員判断の一覧(オブジェクトの配列)が必要です")
        rows = [(f"{n}件目", item) for n, item in enumerate(items, start=1)]
    else:
        reader = csv.reader(text.splitlines())
        header = [h.strip() for h in next(reader, [])]
        keys = {**dict(zip(CSV_HEADER, CSV_KEYS, strict=True)), **{k: k for k in CSV_KEYS}}
        unknown = [h for h in header if h and h not in keys]
        if unknown or ("児童番号" not in header and "child_id" not in header):
            raise RuleError(f"{path.name}: 1行目は「{','.join(CSV_HEADER)}」にしてください")
        for n, cells in enumerate(reader, start=2):
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
                    kind,
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
    items = [
        {"kind": d.kind, "child_id": d.child_id, "facility_id": d.facility_id, "reason": d.reason, "by": d.by}
        for d in decisions
    ]

    def write(tmp: Path) -> None:
        if Path(path).suffix.lower() == ".json":
            tmp.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            return
        with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_HEADER)
            for i in items:
                writer.writerow(
                    [KIND_NAMES[str(i["kind"])], i["child_id"], i["facility_id"] or "", i["reason"], i["by"]]
                )

    write_atomic(Path(path), write)


def decisions_of(run: Mapping[str, Any]) -> list[Decision]:
    """The decisions a stored run record (the JSON's "run") applied."""
    return [
        Decision(d["kind"], d["child_id"], d.get("facility_id"), d.get("reason") or "", d.get("by") or "")
        for d in run.get("decisions") or ()
    ]


@dataclass(frozen=True, slots=True)
class Reproduction:
    """What re-running a stored result found. `identical`: the new JSON equals the stored one byte for byte."""

    identical: bool
    problems: tuple[str, ...]  # inputs or rules that differ from the record (Japanese)
    differences: tuple[str, ...]  # how the new result differs (Japanese), empty when identical
    result: Result | None


def sha256_of(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def check_inputs(recorded: Mapping[str, str], files: Sequence[Path]) -> list[str]:
    """Japanese messages for given files whose content is not the recorded one (matched by name, else by content)."""
    given = {Path(f).name: sha256_of(f) for f in files}
    problems = []
    for name, digest in given.items():
        expected = recorded.get(name)
        if expected is None:
            if digest not in recorded.values():
                problems.append(
                    f"入力ファイル「{name}」は記録にありません(記録: {', '.join(recorded) or 'なし'})"
                )
        elif expected != digest:
            problems.append(
                f"入力ファイル「{name}」の内容が記録と異なります(記録 sha256:{expected[:12]}…、今回 {digest[:12]}…)"
            )
    missing = set(recorded.values()) - set(given.values())
    if missing and not problems:
        problems.append(f"記録された入力ファイル{len(missing)}件が指定されていません")
    return problems


def reproduce(
    stored: Path,
    children: Path,
    facilities: Path,
    *,
    combinations: Path | None = None,
    rules: str | None = None,
) -> Reproduction:
    """Steps: read the stored JSON's run record; check the input files' and the rules file's hashes;
    read the inputs as the CLI does (the recorded fiscal year, the rules' choice limit); run the round
    with the recorded seed and decisions; compare the new JSON text with the stored bytes."""
    from kyodo.hoiku.io import read_instance
    from kyodo.hoiku.outputs.workbook import json_text

    raw = Path(stored).read_bytes()
    data = json.loads(raw.decode("utf-8"))
    run = data.get("run")
    if not isinstance(run, dict):
        raise RuleError(f"{Path(stored).name}: 実行記録(run)がありません。再現できません")
    files = [children, facilities, *([combinations] if combinations else [])]
    problems = check_inputs(run.get("inputs_sha256") or {}, files)
    rules_name = rules or run.get("rules_name")
    loaded = load_rules(rules_name) if rules_name else None
    if loaded is not None and run.get("rules_sha256") and loaded.sha256 != run["rules_sha256"]:
        problems.append(f"利用調整基準「{rules_name}」の内容が記録と異なります(sha256 が一致しません)")
    import kyodo

    if run.get("engine_version") != kyodo.__version__:
        problems.append(
            f"エンジンの版が異なります(記録 {run.get('engine_version')}、今回 {kyodo.__version__})"
        )

    year = run.get("fiscal_year")
    limit = loaded.choice_limit.at(year) if loaded is not None and loaded.choice_limit and year else None
    instance = read_instance(children, facilities, fiscal_year=year, choice_limit=limit)
    if combinations:
        from kyodo.hoiku.io.combinations import read_combinations

        instance = read_combinations(combinations, instance)
    result = run_round(
        instance,
        rules=loaded,
        fiscal_year=year,
        seed=int(run["seed"]),
        decisions=decisions_of(run),
        inputs_sha256={Path(f).name: sha256_of(f) for f in files},
    )
    text = json_text(result).encode("utf-8")
    if text == raw:
        return Reproduction(True, tuple(problems), (), result)
    return Reproduction(False, tuple(problems), tuple(_differences(data, json.loads(text))), result)


def _differences(before: Mapping[str, Any], after: Mapping[str, Any], limit: int = 20) -> list[str]:
    found = []
    old, new = before.get("assignment") or {}, after.get("assignment") or {}
    for cid in list(old) + [c for c in new if c not in old]:
        if old.get(cid, "(なし)") != new.get(cid, "(なし)"):
            found.append(
                f"児童{cid}: 記録 {old.get(cid, '(申込なし)') or '保留'} → 今回 {new.get(cid, '(申込なし)') or '保留'}"
            )
    shown = found[:limit] + ([f"ほか{len(found) - limit}人"] if len(found) > limit else [])
    parts = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
    return shown + ([f"異なる項目: {', '.join(parts)}"] if parts else ["JSON の文字列の並びが異なります"])
