"""Example households (`<name>.cases.yaml`): read them, build them, and check their expected points."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.model.instance import (
    BOOL_FACTS,
    CHILD_FACTS,
    HOUSEHOLD_FACTS,
    Child,
    Guardian,
    Household,
    Reason,
)
from kyodo.hoiku.rules.loader import DATA_DIR, Rules


def cases_path(name_or_path: str | Path) -> Path:
    """`koto` → data/koto.cases.yaml; `x/foo.yaml` → x/foo.cases.yaml."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        return path.with_name(f"{path.stem}.cases.yaml")
    return DATA_DIR / f"{name_or_path}.cases.yaml"


def load_cases(name_or_path: str | Path) -> list[dict[str, Any]]:
    """The example households beside a rules file ([] when there is no cases file)."""
    path = cases_path(name_or_path)
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleError(f"{path.name}: YAML として読めません({exc})") from exc
    if not isinstance(data, list) or not all(isinstance(c, dict) for c in data):
        raise RuleError(f"{path.name}: 例の並び(リスト)が必要です")
    return data


def build_case(given: Mapping[str, Any]) -> tuple[Household, Child, bool]:
    """(household, child, siblings_applying) of one example's `input`. Raises KeyError/ValueError on bad input."""
    guardians = tuple(
        Guardian(
            reason=Reason(g["reason"]),
            days_per_month=g.get("days_per_month"),
            hours_per_day=g.get("hours_per_day"),
            days_per_week=g.get("days_per_week"),
            hours_per_week=g.get("hours_per_week"),
            grade=g.get("grade"),
        )
        for g in given.get("guardians", [])
    )
    household_in = dict(given.get("household") or {})
    household_facts = {k: household_in.get(k, False if k in BOOL_FACTS else None) for k in HOUSEHOLD_FACTS}
    household = Household(
        "H1", guardians, single_parent=bool(household_in.get("single_parent", False)), facts=household_facts
    )
    child_in = dict(given.get("child") or {})
    child_facts = {k: child_in.get(k, False if k in BOOL_FACTS else None) for k in CHILD_FACTS}
    child = Child(
        id="C1",
        household_id="H1",
        age_class=int(child_in.get("age_class", 1)),
        choices=tuple(child_in.get("choices", ["F1"])),
        current_facility=child_in.get("current_facility"),
        sibling_facilities=tuple(child_in.get("sibling_facilities", [])),
        sibling_graduating=tuple(child_in.get("sibling_graduating", [])),
        facts=child_facts,
    )
    return household, child, bool(given.get("siblings_applying", False))


def case_mismatches(rules: Rules, case: Mapping[str, Any]) -> list[str]:
    """What differs between an example's expected points and the rules' (in Japanese); [] when it passes."""
    return score_case(rules, case)[1]


def score_case(rules: Rules, case: Mapping[str, Any]) -> tuple[int | None, list[str]]:
    """(the total the rules give the example, or None when it cannot be computed; what differs from its
    expected points). One computation for both, so that a page's pass/fail and points agree."""
    from kyodo.hoiku.engine.scoring import score_child

    try:
        household, child, siblings = build_case(case.get("input") or {})
        score = score_child(rules, int(case["fiscal_year"]), household, child, siblings_applying=siblings)
    except RuleError as exc:
        return None, [f"計算できません({exc})"]
    except (KeyError, ValueError, TypeError) as exc:
        return None, [f"入力が正しくありません({exc})"]
    expected = case.get("output") or {}
    found: list[str] = []
    if "total" in expected and score.total != expected["total"]:
        found.append(f"合計は{score.total}点です(期待 {expected['total']}点)")
    items = {i.id: i.points for i in score.items}
    wanted = expected.get("items")
    if wanted is not None:
        for item_id in dict.fromkeys([*wanted, *items]):
            if items.get(item_id) != wanted.get(item_id):
                found.append(
                    f"内訳「{item_id}」は{items.get(item_id, 'なし')}です(期待 {wanted.get(item_id, 'なし')})"
                )
    for facility, points in (expected.get("at") or {}).items():
        if score.at(facility) != points:
            found.append(f"施設{facility}での指数は{score.at(facility)}点です(期待 {points}点)")
    return score.total, found
