"""Re-run a stored result and verify it byte for byte; staff decisions as a small file.

    decisions = read_decisions(Path("decisions.csv"))          # or .json
    outcome = reproduce(Path("result.json"), Path("children.csv"), Path("facilities.csv"))
    outcome.identical, outcome.problems, outcome.differences

A result JSON (kyodo.hoiku.outputs.result_json.write_json) carries its run record: the input files' sha256,
the rules file's name and sha256, the fiscal year, the seed, the engine version and the staff
decisions applied. `reproduce` checks the given files against those hashes, runs the round again
with the same rules, seed and decisions, and compares the new JSON text with the stored one.

Known limit: a run that used the exact solver (method cp_sat(FEASIBLE)) stopped at its time limit;
on a slower or busier machine the solver may stop elsewhere. OPTIMAL runs and deferred acceptance
runs do not depend on timing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kyodo.hoiku.io.decisions import decisions_of, read_decisions, write_decisions
from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.outcome import Outcome
from kyodo.hoiku.rules import load_rules

__all__ = ["Reproduction", "check_inputs", "decisions_of", "read_decisions", "reproduce", "write_decisions"]


@dataclass(frozen=True, slots=True)
class Reproduction:
    """What re-running a stored result found. `identical`: the new JSON equals the stored one byte for byte."""

    identical: bool
    problems: tuple[str, ...]  # inputs or rules that differ from the record (Japanese)
    differences: tuple[str, ...]  # how the new result differs (Japanese), empty when identical
    outcome: Outcome | None


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
    from kyodo.hoiku import run as run_round_files
    from kyodo.hoiku.outputs.result_json import json_text

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

    outcome = run_round_files(
        (children, facilities),
        loaded,
        seed=int(run["seed"]),
        decisions=decisions_of(run),
        combinations=combinations,
        fiscal_year=run.get("fiscal_year"),
    )
    text = json_text(outcome).encode("utf-8")
    if text == raw:
        return Reproduction(True, tuple(problems), (), outcome)
    return Reproduction(False, tuple(problems), tuple(_differences(data, json.loads(text))), outcome)


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
