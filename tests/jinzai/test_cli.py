"""`kyodo jinzai generate | match | group` end to end, including failures that must leave nothing behind."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kyodo.cli import main
from kyodo.jinzai.check import violations
from kyodo.jinzai.readers import read_instance


def _generate(folder: Path, fmt: str = "csv") -> tuple[Path, Path]:
    code = main(["jinzai", "generate", "--specialists", "25", "--requests", "40", "--seed", "3",
                 "--format", fmt, "--out", str(folder)])
    assert code == 0
    return folder / f"specialists.{fmt}", folder / f"requests.{fmt}"


def test_match_writes_a_plan_whose_json_lists_assignments_and_reasons(tmp_path: Path) -> None:
    s, r = _generate(tmp_path, "xlsx")
    out, js = tmp_path / "plan.xlsx", tmp_path / "plan.json"
    assert main(["jinzai", "match", str(s), str(r), "-o", str(out), "--json", str(js), "--time-limit", "5"]) == 0
    data = json.loads(js.read_text(encoding="utf-8"))
    instance = read_instance(s, r)
    plan = {a["request"]: a["specialist"]["id"] for a in data["assignments"]}
    assert violations(instance, plan) == []
    assert len(data["assignments"]) + len(data["unmatched"]) == 40
    first = data["assignments"][0]
    assert {"request", "specialist", "hours", "days", "period", "mode"} <= set(first)
    assert all(u["reason"] for u in data["unmatched"])
    from openpyxl import load_workbook

    assert load_workbook(out).sheetnames == ["割当", "未割当", "公平性", "共同化候補"]


def test_replanning_from_a_previous_plan_keeps_its_assignments(tmp_path: Path) -> None:
    s, r = _generate(tmp_path)
    first = tmp_path / "first.json"
    assert main(["jinzai", "match", str(s), str(r), "--json", str(first), "--method", "greedy"]) == 0
    before = {a["request"]: a["specialist"]["id"] for a in json.loads(first.read_text(encoding="utf-8"))["assignments"]}
    released = sorted(before)[0]
    second = tmp_path / "second.json"
    args = ["jinzai", "match", str(s), str(r), "--json", str(second), "--confirmed", str(first),
            "--release", released, "--time-limit", "5"]
    assert main(args) == 0
    after = json.loads(second.read_text(encoding="utf-8"))["assignments"]
    kept = {a["request"]: a["specialist"]["id"] for a in after if a["confirmed"]}
    assert kept == {k: v for k, v in before.items() if k != released}


def test_bad_input_exits_non_zero_names_the_cell_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s, r = _generate(tmp_path)
    rows = list(csv.reader(r.open(encoding="utf-8-sig")))
    rows[2][rows[0].index("必要スキル")] = "クラウドインフラ活用:9"
    with r.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    out, js = tmp_path / "plan.xlsx", tmp_path / "plan.json"
    assert main(["jinzai", "match", str(s), str(r), "-o", str(out), "--json", str(js)]) == 1
    err = capsys.readouterr().err
    assert "requests.csv 3行目 「必要スキル」列" in err and "1〜4" in err
    assert not out.exists() and not js.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requests.csv", "specialists.csv"]


def test_match_refuses_a_non_excel_output_name_and_a_release_that_is_not_in_the_plan(tmp_path: Path) -> None:
    s, r = _generate(tmp_path)
    assert main(["jinzai", "match", str(s), str(r), "-o", str(tmp_path / "plan.txt")]) == 1
    prev = tmp_path / "prev.json"
    prev.write_text('{"assignments": []}', encoding="utf-8")
    code = main(["jinzai", "match", str(s), str(r), "--json", str(tmp_path / "p.json"),
                 "--confirmed", str(prev), "--release", "R0001"])
    assert code == 1
    assert not (tmp_path / "p.json").exists()


def test_group_lists_joint_projects_with_a_ledger(tmp_path: Path) -> None:
    s, r = _generate(tmp_path)
    js = tmp_path / "joint.json"
    assert main(["jinzai", "group", str(r), "--specialists", str(s), "--json", str(js)]) == 0
    for project in json.loads(js.read_text(encoding="utf-8")):
        assert len(project["ledger"]) >= 2
        assert project["total_yen"] == sum(x["base_share_yen"] + x["service_yen"] for x in project["ledger"])


def test_generate_refuses_a_bad_quarter(tmp_path: Path) -> None:
    assert main(["jinzai", "generate", "--quarter", "2026-4", "--out", str(tmp_path)]) == 1
    assert list(tmp_path.iterdir()) == []
