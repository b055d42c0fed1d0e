"""Runs every municipality's readable test cases (rules/data/<name>.cases.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kyodo.hoiku.engine.scoring import score_child
from kyodo.hoiku.model.instance import (
    BOOL_FACTS,
    CHILD_FACTS,
    HOUSEHOLD_FACTS,
    Child,
    Guardian,
    Household,
    Reason,
)
from kyodo.hoiku.rules import available_rules, load_rules
from kyodo.hoiku.rules.loader import DATA_DIR


def case_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.cases.yaml"))


def cases() -> list[Any]:
    found = []
    for path in case_files():
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            found.append(
                pytest.param(path.name.removesuffix(".cases.yaml"), case, id=f"{path.stem}: {case['name']}")
            )
    return found


def build(case_input: dict[str, Any]) -> tuple[Household, Child]:
    guardians = tuple(
        Guardian(
            reason=Reason(g["reason"]),
            days_per_month=g.get("days_per_month"),
            hours_per_day=g.get("hours_per_day"),
            days_per_week=g.get("days_per_week"),
            hours_per_week=g.get("hours_per_week"),
            grade=g.get("grade"),
        )
        for g in case_input.get("guardians", [])
    )
    household_in = dict(case_input.get("household") or {})
    household_facts = {k: household_in.get(k, False if k in BOOL_FACTS else None) for k in HOUSEHOLD_FACTS}
    household = Household(
        "H1", guardians, single_parent=bool(household_in.get("single_parent", False)), facts=household_facts
    )
    child_in = dict(case_input.get("child") or {})
    child_facts = {k: child_in.get(k, False if k in BOOL_FACTS else None) for k in CHILD_FACTS}
    child = Child(
        id="C1",
        household_id="H1",
        age_class=int(child_in.get("age_class", 1)),
        choices=tuple(child_in.get("choices", ["F1"])),
        current_facility=child_in.get("current_facility"),
        sibling_facilities=tuple(child_in.get("sibling_facilities", [])),
        facts=child_facts,
    )
    return household, child


def test_every_shipped_rules_file_loads_and_has_cases() -> None:
    names = available_rules()
    assert {"koto", "ota", "edogawa", "shinagawa"} <= set(names)
    for name in names:
        rules = load_rules(name)
        assert rules.base, name
        assert (DATA_DIR / f"{name}.cases.yaml").exists(), f"{name} has no test cases"


@pytest.mark.parametrize(("rules_name", "case"), cases())
def test_rule_case(rules_name: str, case: dict[str, Any]) -> None:
    rules = load_rules(rules_name)
    household, child = build(case["input"])
    score = score_child(
        rules,
        int(case["fiscal_year"]),
        household,
        child,
        siblings_applying=bool(case["input"].get("siblings_applying")),
    )
    expected = case["output"]
    assert score.total == expected["total"], [(i.id, i.points) for i in score.items]
    if "items" in expected:
        assert {i.id: i.points for i in score.items} == expected["items"]
    for facility_id, points in (expected.get("at") or {}).items():
        assert score.at(facility_id) == points
