"""The staff workbook and the JSON result, read back with openpyxl and json."""

from __future__ import annotations

import gc
import json
import stat
from pathlib import Path

import openpyxl
import pytest

from kyodo.hoiku import run_instance
from kyodo.hoiku.model.instance import Child, Facility, Household, Instance
from kyodo.hoiku.model.result import Flag, FlagKind, Priority, Result, RunRecord, Score, ScoreItem, Violation
from kyodo.hoiku.outcome import Outcome, build_outcome
from kyodo.hoiku.outputs.result_json import json_bytes, outcome_to_dict, write_assignment_json, write_json
from kyodo.hoiku.outputs.workbook import sheet_names, write_workbook
from kyodo.hoiku.tools.generate import generate_ward

LONG_NAME = "社会福祉法人とうきょう福祉会 さくらんぼ第二保育園 分園"


def _hand() -> Outcome:
    return build_outcome(_hand_result(), None)


def _hand_result() -> Result:
    """Two facilities; A (1 seat at age 1) goes to c1, c2 waits; c3 transfers from B to A's age-2 seat."""
    facilities = {
        "A": Facility("A", LONG_NAME, vacancies={1: 1, 2: 1}),
        "B": Facility("B", LONG_NAME, kind="小規模保育", vacancies={1: 0, 2: 0}),
    }
    children = {
        "c1": Child("c1", "h1", 1, ("A", "B")),
        "c2": Child("c2", "h2", 1, ("A",)),
        "c3": Child("c3", "h3", 2, ("A",), current_facility="B"),
        "c4": Child("c4", "h4", 2, ("A",), current_facility="B"),
    }
    instance = Instance(
        facilities, {h: Household(h) for h in ("h1", "h2", "h3", "h4")}, children, fiscal_year=2026
    )
    item = ScoreItem("guardian_1", "保護者1 就労", 20, reference="https://example.jp/kijun")
    sibling = ScoreItem("sibling_enrolled", "きょうだい在園", 2)
    scores = {
        "c1": Score("c1", 40, 2, (item,), {"A": (sibling,)}),
        "c2": Score("c2", 40, 0, (item,)),
        "c3": Score("c3", 38, 0),
        "c4": Score("c4", 30, 0),
    }
    priority = Priority(
        order={("A", 1): ("c1", "c2"), ("B", 1): ("c1",), ("A", 2): ("c3", "c4"), ("B", 2): ("c4", "c3")},
        decided_by={(("A", 1), "c2"): "points"},
        guaranteed=frozenset({(("B", 2), "c3"), (("B", 2), "c4")}),
    )
    return Result(
        instance=instance,
        scores=scores,
        priority=priority,
        assignment={"c1": "A", "c2": None, "c3": "A", "c4": "B"},
        violations=(
            Violation("wasted_seat", "例: 空きがあるのに保留", child_id="c2", facility_id="A", age_class=1),
        ),
        flags=(Flag("c2", FlagKind.LOTTERY_TIE, "同点を抽選で決めました"),),
        run=RunRecord("0.1.0", 42, 2026, "koto", "ab" * 32, {"children.csv": "cd" * 32}),
    )


def _rows(sheet: object) -> list[tuple[object, ...]]:
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]  # type: ignore[attr-defined]


def test_the_workbook_has_a_summary_a_sheet_per_facility_and_the_waitlist(tmp_path: Path) -> None:
    path = tmp_path / "out" / "result.xlsx"
    write_workbook(_hand(), path)
    workbook = openpyxl.load_workbook(path)
    names = workbook.sheetnames
    assert names[:3] == ["概要", "施設別集計", "最低指数"] and names[-3:] == ["保留", "要確認", "検査結果"]
    facility_sheets = names[3:-3]
    assert len(facility_sheets) == 2
    assert all(len(n) <= 31 for n in names)
    assert len({n.casefold() for n in names}) == len(names)
    assert facility_sheets[0].startswith("A 社会福祉法人")

    summary = _rows(workbook["概要"])
    assert summary[0] == (
        "年齢クラス", "申込者数", "内定", "転園内定", "在園継続", "保留", "うち転園申込", "募集人数", "残り枠"
    )  # fmt: skip
    # Age 1: 2 applicants, c1 offered; 1 vacancy used. Age 2: c3 moves from B to A, freeing its seat at B;
    # c4 keeps its seat at B (在園継続): neither an offer nor 保留.
    assert summary[2] == ("1歳児", 2, 1, 0, 0, 1, 0, 1, 0)
    assert summary[3] == ("2歳児", 2, 0, 1, 1, 0, 2, 1, 1)
    assert summary[7] == ("合計", 4, 1, 1, 1, 1, 2, 2, 1)
    labels = {r[0]: r[1] for r in summary[9:] if r and r[0]}
    assert labels["年度"] == 2026 and labels["乱数シード(抽選)"] == 42 and labels["利用調整基準"] == "江東区の利用調整基準(koto)"

    by_facility = _rows(workbook["施設別集計"])
    assert by_facility[0] == (
        "施設番号",
        "施設名",
        "種別",
        "年齢クラス",
        "募集人数",
        "申込者数",
        "内定",
        "転園内定",
        "在園継続",
        "最低指数",
        "残り枠",
    )
    assert [r[:1] + r[3:] for r in by_facility[1:]] == [
        ("A", 1, 1, 2, 1, 0, 0, 44, 0),
        ("A", 2, 1, 2, 0, 1, 0, 38, 0),
        ("B", 1, 0, 1, 0, 0, 0, None, 0),
        ("B", 2, 0, 2, 0, 0, 1, None, 1),  # c3 moved to A, freeing its seat at B
    ]

    a = _rows(workbook[facility_sheets[0]])
    assert a[0] == ("年齢クラス", "順位", "児童番号", "世帯番号", "指数", "希望順位", "結果", "転園")
    assert a[1:] == [
        (1, 1, "c1", "h1", 44, 1, "内定", None),
        (2, 1, "c3", "h3", 38, 1, "転園内定", "在園: B"),
    ]
    b = _rows(workbook[facility_sheets[1]])
    assert b[1:] == [(2, 1, "c4", "h4", 30, None, "在園継続", None)]

    waitlist = _rows(workbook["保留"])
    assert waitlist[0][:7] == (
        "児童番号",
        "世帯番号",
        "年齢クラス",
        "指数",
        "在園施設",
        "第1希望",
        "第1希望の待機順位",
    )
    # 保留 only: c4 keeps its seat (在園継続) and is listed on B's sheet, never on both.
    assert [r[:7] for r in waitlist[1:]] == [("c2", "h2", 1, 40, None, "A", 1)]
    assert _rows(workbook["要確認"])[1] == ("c2", "抽選で内定が分かれた", "同点を抽選で決めました")
    assert _rows(workbook["検査結果"])[1][:5] == (
        "空きがあるのに希望者が保留",
        "例: 空きがあるのに保留",
        "c2",
        "A",
        1,
    )


def test_sheet_names_are_short_unique_and_legal() -> None:
    names = sheet_names(["A/B [本園]", "x" * 40, "x" * 40, "概要", "X" * 40], reserved=["概要"])
    assert names[0] == "A_B _本園_"
    assert names[1] == "x" * 31
    assert names[2] == "x" * 28 + "(2)"
    assert names[3] == "概要(2)"
    assert names[4] == "X" * 28 + "(3)"  # Excel compares sheet names ignoring case
    assert all(len(n) <= 31 for n in names)


def test_the_json_has_everything_with_string_ids(tmp_path: Path) -> None:
    data = outcome_to_dict(_hand())
    assert data["assignment"] == {"c1": "A", "c2": None, "c3": "A", "c4": "B"}
    c1 = data["children"]["c1"]
    assert c1["status"] == "offered" and c1["choice_rank"] == 1
    assert c1["points"]["total"] == 42
    assert c1["points"]["at"] == {"A": 44, "B": 42}
    assert c1["points"]["items"][0] == {
        "id": "guardian_1",
        "label": "保護者1 就労",
        "points": 20,
        "reference": "https://example.jp/kijun",
        "needs_confirmation": False,
        "citation": None,
        "value": None,
    }
    assert data["children"]["c2"]["waitlist"] == {"A": 1}
    assert data["children"]["c2"]["flags"] == [{"kind": "lottery_tie", "message": "同点を抽選で決めました"}]
    assert data["children"]["c3"]["status"] == "transferred"
    assert data["children"]["c4"]["status"] == "stays"
    assert data["summary"]["counts"] == {"offered": 1, "transferred": 1, "stays": 1, "waitlisted": 1}
    assert data["facilities"]["A"]["assigned"] == {"1": ["c1"], "2": ["c3"]}
    assert data["violations"][0]["kind"] == "wasted_seat"
    assert data["run"]["seed"] == 42
    assert data["summary"]["by_facility"][0] == {
        "facility_id": "A",
        "name": LONG_NAME,
        "kind": "認可保育所",
        "age_class": 1,
        "vacancies": 1,
        "applicants": 2,
        "counts": {"offered": 1, "transferred": 0, "stays": 0, "waitlisted": 0},
        "new_seats": 1,
        "cutoff": 44,
        "cutoff_label": "44",
        "vacancies_left": 0,
    }
    write_json(_hand(), tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8")) == json.loads(json.dumps(data))


def test_the_json_bytes_are_those_the_standard_library_writes() -> None:
    """orjson writes them (it is ~10× faster); stored results of before must still reproduce byte for byte."""
    ward = generate_ward(
        children=300, facilities=12, seed=6, fiscal_year=2026, sibling_share=0.2, transfer_share=0.1
    )
    for outcome in (_hand(), run_instance(ward, "koto", fiscal_year=2026, seed=6)):
        expected = json.dumps(outcome_to_dict(outcome), ensure_ascii=False, separators=(",", ":")) + "\n"
        assert json_bytes(outcome) == expected.encode("utf-8")
        assert "保護者".encode() in json_bytes(outcome)  # Japanese as it is, not \\u escapes


def test_assignment_json_maps_every_child_to_a_facility_or_null(tmp_path: Path) -> None:
    path = tmp_path / "assignment.json"
    write_assignment_json(_hand(), path)
    assert json.loads(path.read_text(encoding="utf-8")) == {"c1": "A", "c2": None, "c3": "A", "c4": "B"}
    assert stat.S_IMODE(path.stat().st_mode) & 0o044  # readable by others, as with any file the user makes


# openpyxl's write-only sheets are generators; abandoned mid-write they complain when collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "result.xlsx"
    path.write_bytes(b"old")
    import kyodo.hoiku.outputs.workbook as output

    def boom(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(output, "_waitlist_sheet", boom)
    with pytest.raises(RuntimeError):
        write_workbook(_hand(), path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.xlsx"]
    gc.collect()


def test_a_real_run_writes_a_consistent_workbook(tmp_path: Path) -> None:
    ward = generate_ward(children=400, facilities=25, seed=4, fiscal_year=2026)
    outcome = run_instance(ward, "koto", fiscal_year=2026, seed=4)
    result = outcome.result
    write_workbook(outcome, tmp_path / "r.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    listed = [r[2] for name in workbook.sheetnames[3:-3] for r in _rows(workbook[name])[1:]]
    assigned = [cid for cid, fid in result.assignment.items() if fid is not None]
    assert sorted(listed) == sorted(assigned)
    waiting = {r[0] for r in _rows(workbook["保留"])[1:]}
    assert waiting == {cid for cid in ward.children if result.assignment.get(cid) is None}
    assert not waiting & set(listed)
    total = _rows(workbook["概要"])[7]
    assert total[0] == "合計" and total[1] == len(ward.children)
    data = outcome_to_dict(outcome)
    assert set(data["children"]) == set(ward.children)
    json.dumps(data)  # plain data only
