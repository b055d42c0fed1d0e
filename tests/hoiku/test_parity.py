"""Parity with a manual result: agreement, and a crafted case per cause of a difference."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kyodo.cli import main
from kyodo.hoiku.rules import TieBreak
from kyodo.hoiku.tools.parity import parity, read_manual
from kyodo.problems import InputError

TIES = [
    TieBreak("base_points", "higher", "基準指数の合計が高い世帯"),
    TieBreak("municipal_tax", "lower", "住民税所得割額が低い世帯"),
]


def child(
    cid: str, points: int, choices: list[str], assigned: str | None, *, base: int | None = None, **extra: Any
) -> tuple[str, dict[str, Any]]:
    return cid, {
        "household_id": extra.get("household", f"H{cid}"),
        "age_class": 1,
        "status": "offered" if assigned else "waitlisted",
        "assigned": assigned,
        "choices": choices,
        "current_facility": extra.get("current"),
        "points": {
            "total": points,
            "base": points if base is None else base,
            "adjustment": 0 if base is None else points - base,
            "lower_guardian": points // 2,
            "at": {f: points for f in choices},
        },
    }


def result(*children: tuple[str, dict[str, Any]], places: int = 1) -> dict[str, Any]:
    return {
        "format": "kyodo.hoiku.result/2",
        "run": None,
        "children": dict(children),
        "facilities": {
            f: {"name": f"{f}保育園", "vacancies": {"1": places}, "assigned": {}} for f in ("A", "B", "C")
        },
    }


def test_the_same_result_agrees_fully() -> None:
    r = result(child("1", 40, ["A"], "A"), child("2", 30, ["A"], None))
    report = parity(r, {"1": "A", "2": None}, TIES)
    assert (report.children, report.same, report.share, report.differences) == (2, 2, 1.0, ())


def test_a_child_placed_below_a_higher_one_names_both_with_points() -> None:
    r = result(child("1", 40, ["A", "B"], "A"), child("2", 30, ["A", "B"], "B"))
    report = parity(r, {"1": "B", "2": "A"}, TIES)
    assert report.share == 0
    assert {d.cause for d in report.differences} == {"priority"}
    text = report.differences[0].text
    assert "児童2(30点)" in text and "児童1(40点)" in text and "決め手: 指数" in text
    assert {(d.child_id, d.other_child_id) for d in report.differences} == {("1", "2"), ("2", "1")}


def test_the_deciding_tie_break_step_is_named() -> None:
    r = result(child("1", 40, ["A"], "A", base=40), child("2", 40, ["A"], None, base=38))
    report = parity(r, {"1": None, "2": "A"}, TIES)
    assert "決め手: 同点時の優先順位「基準指数の合計が高い世帯」" in report.differences[0].text


def test_a_tie_decided_by_a_fact_the_result_lacks_is_not_called_an_inversion() -> None:
    r = result(child("1", 40, ["A"], "A"), child("2", 40, ["A"], None))
    report = parity(r, {"1": None, "2": "A"}, TIES)
    assert {d.cause for d in report.differences} == {"chain"}


def test_over_capacity_in_the_manual_result() -> None:
    r = result(child("1", 40, ["A"], "A"), child("2", 30, ["A"], None))
    report = parity(r, {"1": "A", "2": "A"}, TIES)
    (d,) = report.differences
    assert d.cause == "capacity" and "受け入れられる1人(募集人数と転園で空く席)を超えて" in d.text


def test_a_transfer_left_in_place() -> None:
    r = result(child("1", 30, ["A"], "A", current="C"))
    (d,) = parity(r, {"1": None}, TIES).differences
    assert d.cause == "transfer" and "C保育園(C)" in d.text


def test_siblings_placed_apart_are_a_sibling_condition() -> None:
    r = result(
        child("1", 30, ["A", "B"], "A", household="H"),
        child("2", 30, ["A", "B"], "A", household="H"),
        places=2,
    )
    report = parity(r, {"1": "B", "2": "A"}, TIES)
    (d,) = report.differences
    assert d.cause == "sibling" and "児童2" in d.text


def test_a_facility_the_child_did_not_ask_for() -> None:
    r = result(child("1", 30, ["A"], "A"))
    (d,) = parity(r, {"1": "B"}, TIES).differences
    assert d.cause == "not_chosen"


BAD_MANUALS = [
    ("児童番号,施設番号\n9,A\n1,A\n", "2行目 「児童番号」列: 児童番号「9」は結果にありません"),
    ("児童番号,施設番号\n1,A\n1,B\n", "3行目 「児童番号」列: 児童番号「1」が2回あります"),
    ("児童番号,施設番号\n1,Z\n", "「施設番号」列: 施設番号「Z」は結果にありません"),
    ("児童番号\n1\n", "「施設番号」列がありません"),
    ("児童番号,施設番号\n", "結果の児童1人が手作業の結果にありません"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_MANUALS)
def test_bad_manual_results_are_named(text: str, expected: str, tmp_path: Path) -> None:
    path = tmp_path / "manual.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_manual(path, result(child("1", 30, ["A"], "A")))
    assert any(expected in str(p) for p in caught.value.problems), caught.value.problems


def test_cli_writes_json_and_workbook_from_an_allocate_result(tmp_path: Path) -> None:
    gen, out = tmp_path / "gen", tmp_path
    assert (
        main(
            ["hoiku", "generate", "--children", "120", "--facilities", "6", "--seed", "3", "--out", str(gen)]
        )
        == 0
    )
    run = out / "r.json"
    assert (
        main(
            [
                "hoiku",
                "allocate",
                str(gen / "children.csv"),
                str(gen / "facilities.csv"),
                "--rules",
                "koto",
                "--fiscal-year",
                "2026",
                "--seed",
                "1",
                "-o",
                str(out / "r.xlsx"),
                "--json",
                str(run),
            ]
        )
        == 0
    )
    data = json.loads(run.read_text(encoding="utf-8"))
    placed = [c for c, v in data["children"].items() if v["assigned"] and not v["current_facility"]]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["児童番号", "施設番号"])
    for cid, v in data["children"].items():
        sheet.append([cid, None if cid == placed[0] else v["assigned"]])
    manual = out / "manual.xlsx"
    book.save(manual)
    assert (
        main(
            [
                "hoiku",
                "parity",
                str(run),
                str(manual),
                "--json",
                str(out / "p.json"),
                "-o",
                str(out / "p.xlsx"),
            ]
        )
        == 0
    )
    report = json.loads((out / "p.json").read_text(encoding="utf-8"))
    assert report["same"] == report["children"] - 1
    assert report["differences"][0]["child_id"] == placed[0]
    assert openpyxl.load_workbook(out / "p.xlsx").sheetnames == ["概要", "違い"]
