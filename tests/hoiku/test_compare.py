"""What-if: a rules variant (sibling bonus +2 → +4) changes outcomes, reported by group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kyodo.cli import main
from kyodo.hoiku.io import write_instance
from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.model.instance import Guardian, Household, Reason
from kyodo.hoiku.tools.compare import compare, format_comparison, load_variant, merge
from kyodo.hoiku.tools.generate import generate_ward
from tests.hoiku.builders import child, facility, instance

FULL = Guardian(Reason.EMPLOYMENT, days_per_month=20, hours_per_day=8, days_per_week=5)
NO_FACTS = {
    "unlicensed_care": False,
    "welfare": False,
    "grandparent_can_care": False,
    "nursery_worker": False,
    "return_from_leave": False,
    "municipal_tax": 100_000,
}
CHILD_FACTS = {
    "twins": False,
    "small_scale_graduate": False,
    "readmission_after_leave": False,
    "born_during_leave": False,
}
SIBLING_PLUS_4 = (
    "name: きょうだい在園加点 +4\noverrides:\n  adjustments:\n    - {id: sibling_enrolled, points: 4}\n"
)


def _instance():  # type: ignore[no-untyped-def]
    # x: 24 + 育休復帰 2 + 保育士 1 = 27. s: 24 + きょうだい在園 2 = 26 at A only (28 with +4).
    homes = {
        "HX": Household(
            "HX", (FULL, FULL), facts={**NO_FACTS, "return_from_leave": True, "nursery_worker": True}
        ),
        "HS": Household("HS", (FULL, FULL), facts=NO_FACTS),
    }
    return instance(
        [facility("A", age1=1), facility("B", age1=1)],
        [
            child("x", ["A", "B"], household="HX", facts=CHILD_FACTS),
            child("s", ["A", "B"], household="HS", facts=CHILD_FACTS, sibling_facilities=("A",)),
        ],
        homes,
    )


def test_a_doubled_sibling_bonus_gives_the_sibling_family_its_first_choice(tmp_path: Path) -> None:
    (tmp_path / "v.yaml").write_text(SIBLING_PLUS_4, encoding="utf-8")
    variant = load_variant("koto", tmp_path / "v.yaml")
    assert next(a for a in variant.adjustments if a.id == "sibling_enrolled").points.at(2026) == 4
    assert variant.title == "きょうだい在園加点 +4" and variant.sha256
    c = compare(_instance(), "koto", variant, fiscal_year=2026, seed=1)
    assert (c.a.assignment["s"], c.b.assignment["s"]) == ("B", "A")
    everyone = c.groups[0]
    assert (everyone.label, everyone.children, everyone.offered_a, everyone.offered_b) == ("全体", 2, 2, 2)
    assert (everyone.first_choice_a, everyone.first_choice_b, everyone.moved) == (1, 1, 2)
    changes = {ch.child_id: ch for ch in c.changes}
    assert "指数が26点から28点" in changes["s"].text
    report = format_comparison(c)
    assert "きょうだい在園加点 +4" in report and "1歳児" in report and "結果が変わる児童: 2人" in report


def test_overrides_merge_items_by_id_and_replace_other_lists() -> None:
    base = {
        "a": {"b": 1, "c": 2},
        "adjustments": [{"id": "x", "points": 1}, {"id": "y", "points": 2}],
        "t": [1, 2],
    }
    out = merge(
        base,
        {"a": {"c": 3}, "adjustments": [{"id": "y", "remove": True}, {"id": "z", "points": 5}], "t": [9]},
    )
    assert out == {
        "a": {"b": 1, "c": 3},
        "adjustments": [{"id": "x", "points": 1}, {"id": "z", "points": 5}],
        "t": [9],
    }
    assert base["adjustments"][1] == {"id": "y", "points": 2}  # the base is not changed
    with pytest.raises(RuleError, match="削除する項目「w」"):
        merge(base, {"adjustments": [{"id": "w", "remove": True}]})


def test_the_compare_command_reports_groups(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inst = generate_ward(children=200, facilities=8, seed=4, fiscal_year=2026, max_choices=5)
    write_instance(inst, tmp_path, formats=("csv",), layout="kyodo")
    (tmp_path / "v.yaml").write_text(SIBLING_PLUS_4, encoding="utf-8")
    files = [str(tmp_path / "children.csv"), str(tmp_path / "facilities.csv")]
    code = main(["hoiku", "compare", *files, "--rules", "koto", "--fiscal-year", "2026",
                 "--variant", str(tmp_path / "v.yaml"), "--json", str(tmp_path / "c.json")])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert all(label in out for label in ("全体", "ひとり親世帯", "きょうだい同時申込", "転園申込"))
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert data["groups"][0]["children"] == 200 and "together_a" in data["families"]
