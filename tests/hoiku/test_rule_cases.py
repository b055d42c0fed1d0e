"""Runs every municipality's readable test cases (rules/data/<name>.cases.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kyodo.hoiku.engine.scoring import score_child
from kyodo.hoiku.rules import available_rules, load_rules
from kyodo.hoiku.rules.cases import build_case
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
    household, child, _siblings = build_case(case["input"])  # the same builder the rules workbook's 例 uses
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
