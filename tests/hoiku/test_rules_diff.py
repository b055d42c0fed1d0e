"""What changed between two versions of a ward's rules; confirming one value; a version's canonical text."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.rules import available_rules, load_rules, parse_rules
from kyodo.hoiku.rules.confirm import confirm_value
from kyodo.hoiku.rules.diff import Change, diff_rules, rule_items
from kyodo.hoiku.rules.loader import DATA_DIR, Status
from kyodo.hoiku.rules.versions import from_shipped, from_yaml, rules_from_text, run_cases
from kyodo.hoiku.rules.workbook import export_workbook
from kyodo.problems import InputError


def _doc(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def _rules(doc: dict[str, Any]):  # type: ignore[no-untyped-def]
    return parse_rules(doc, name="x", file_name="x.yaml")


@pytest.mark.parametrize("name", available_rules())
def test_a_ward_has_no_changes_against_itself(name):
    assert diff_rules(load_rules(name), load_rules(name)) == []


def test_a_changed_point_count_is_one_change_old_to_new():
    doc = _doc("koto")
    new = copy.deepcopy(doc)
    new["base"]["employment"]["table"][1]["points"] = 13
    changes = diff_rules(_rules(doc), _rules(new))
    assert len(changes) == 1
    (change,) = changes
    assert change.change == Change.CHANGED and change.section == "基準指数"
    assert "月の就労日数20以上" in change.label and "週の就労時間35以上" in change.label
    assert [(f.name, f.old, f.new) for f in change.fields] == [("点数", "11点", "13点")]


def test_an_added_and_a_removed_adjustment_are_named():
    doc = _doc("koto")
    new = copy.deepcopy(doc)
    removed = new["adjustments"].pop(0)
    new["adjustments"].append(
        {"id": "new_item", "label": "生活保護世帯(新)", "when": {"welfare": True}, "points": 4, "source": "unconfirmed"}
    )
    changes = {(c.change, c.label): c for c in diff_rules(_rules(doc), _rules(new))}
    assert set(changes) == {(Change.ADDED, "生活保護世帯(新)"), (Change.REMOVED, removed["label"])}
    added = changes[(Change.ADDED, "生活保護世帯(新)")]
    assert added.new is not None and added.new["点数"] == "4点" and added.new["条件"] == "生活保護世帯"
    assert added.new["状態"] == "要確認" and added.new["出典"].startswith("未確認")


def test_changed_conditions_are_a_removed_and_an_added_row():
    doc = _doc("koto")
    new = copy.deepcopy(doc)
    new["base"]["employment"]["table"][4]["min_hours_per_week"] = 12
    kinds = sorted(c.change.value for c in diff_rules(_rules(doc), _rules(new)))
    assert kinds == sorted([Change.ADDED.value, Change.REMOVED.value])


def test_a_value_by_fiscal_year_and_a_source_change_are_shown():
    doc = _doc("koto")
    new = copy.deepcopy(doc)
    new["adjustments"][0]["points"] = {2026: new["adjustments"][0]["points"], 2027: 1}
    new["adjustments"][0]["source"] = "kidsline"
    new["adjustments"][0]["section"] = "別表2 1"
    (change,) = diff_rules(_rules(doc), _rules(new))
    fields = {f.name: (f.old, f.new) for f in change.fields}
    assert fields["点数"][1].endswith("2027年度から1点") and fields["出典の箇所"] == ("", "別表2 1")
    assert fields["出典"][1].startswith("KIDSLINE")


def test_a_reordered_tie_break_changes_the_steps_rank():
    doc = _doc("koto")
    new = copy.deepcopy(doc)
    new["tie_break"][0], new["tie_break"][1] = new["tie_break"][1], new["tie_break"][0]
    changes = diff_rules(_rules(doc), _rules(new))
    assert [(c.section, [(f.name, f.old, f.new) for f in c.fields]) for c in changes] == [
        ("同点時の優先順位", [("順位", "2", "1")]),
        ("同点時の優先順位", [("順位", "1", "2")]),
    ]


def test_every_value_of_every_ward_confirms_one_at_a_time():
    for name in available_rules():
        doc = _doc(name)
        rules = _rules(doc)
        confirmed, _ = rules.status_counts()
        for where, provenance in rules.values():
            doc = confirm_value(doc, where, by="区 確認者", on="2026-12-01")
            after = _rules(doc)
            changes = diff_rules(rules, after)
            assert after.status_counts()[0] == confirmed + (0 if provenance.confirmed else 1), (name, where)
            assert [f.name for c in changes for f in c.fields if f.name != "状態"] == [], (name, where)
            assert len(changes) == (0 if provenance.confirmed else 1), (name, where)
            rules, confirmed = after, after.status_counts()[0]
        assert rules.status_counts()[1] == 0
        by_where = dict(rules.values())
        assert {p.confirmed_by for p in by_where.values()} <= {"区 確認者"} | {
            p.confirmed_by for _, p in load_rules(name).values() if p.confirmed
        }


def test_confirming_a_grade_keeps_the_other_grades_and_the_source():
    doc = _doc("koto")
    new = _rules(confirm_value(doc, "base.illness.grades.入院", by="有栖", on="2026-12-01"))
    grades = new.base[next(r for r in new.base if r.value == "illness")].grade_provenance
    assert grades["入院"].status == Status.CONFIRMED and grades["入院"].confirmed_by == "有栖"
    assert grades["通院加療"].status == Status.TO_CONFIRM
    assert grades["入院"].source == grades["通院加療"].source
    assert doc["base"]["illness"]["grades"]["入院"] == 12  # the caller's document is not changed


def test_confirming_an_unknown_value_or_without_a_name_is_refused():
    with pytest.raises(RuleError, match="ありません"):
        confirm_value(_doc("koto"), "adjustments.no_such_item", by="有栖", on="2026-12-01")
    with pytest.raises(RuleError, match="ありません"):
        confirm_value(_doc("koto"), "base.employment.table[99]", by="有栖", on="2026-12-01")
    with pytest.raises(RuleError, match="確認者"):
        confirm_value(_doc("koto"), "household", by=" ", on="2026-12-01")


def test_every_item_with_provenance_is_a_value_of_the_rules():
    for name in available_rules():
        rules = load_rules(name)
        wheres = [i.where for i in rule_items(rules) if i.where is not None]
        assert wheres == [w for w, _ in rules.values()]


@pytest.mark.parametrize("name", available_rules())
def test_a_shipped_ward_gives_a_canonical_text_with_the_same_rules_and_passing_examples(name):
    version = from_shipped(name)
    assert diff_rules(load_rules(name), version.rules) == []
    again = rules_from_text(version.rules_yaml, name="v", file_name="v.yaml")
    assert diff_rules(version.rules, again) == []
    results = run_cases(again, yaml.safe_load(version.cases_yaml))
    assert results and all(r.passed and r.computed == r.expected for r in results)


def test_a_yaml_upload_is_checked_with_its_examples():
    text = (DATA_DIR / "koto.yaml").read_bytes()
    cases = yaml.safe_load((DATA_DIR / "koto.cases.yaml").read_text(encoding="utf-8"))
    cases[0]["output"]["total"] += 1
    bad_cases = yaml.safe_dump(cases, allow_unicode=True).encode()
    with pytest.raises(InputError) as caught:
        from_yaml(text, "koto.yaml", bad_cases, "koto.cases.yaml")
    (problem,) = caught.value.problems
    assert problem.file == "koto.cases.yaml" and "1番目の例" in problem.message and "期待" in problem.message
    with pytest.raises(InputError) as caught:
        from_yaml(text.replace(b"combine: sum", b"combine: average"), "koto.yaml")
    assert "household.combine" in caught.value.problems[0].message


def test_a_workbook_export_of_a_version_gives_the_same_text_back():
    from kyodo.hoiku.rules.versions import cases_of, from_workbook

    version = from_shipped("shinagawa")
    book = export_workbook(version.rules, cases_of(version.cases_yaml))
    again = from_workbook(book, "x.xlsx", "同梱の基準「shinagawa」から作成")
    assert again.rules_yaml == version.rules_yaml and again.cases_yaml == version.cases_yaml
