"""A stored result re-runs byte for byte from its record and the same files; a changed input is caught."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo.cli import main
from kyodo.hoiku.engine.pipeline import Decision
from kyodo.hoiku.io import write_instance
from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.tools.generate import generate_ward
from kyodo.hoiku.tools.reproduce import read_decisions, reproduce, write_decisions


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ward")
    inst = generate_ward(children=250, facilities=10, seed=8, fiscal_year=2026, max_choices=5)
    write_instance(inst, folder, formats=("csv",), layout="kyodo")
    first = next(iter(inst.children.values()))
    write_decisions(
        [
            Decision("fix", first.id, first.choices[-1], reason="医療的ケア", by="山田"),
            Decision("withdraw", list(inst.children)[1], reason="転居", by="佐藤"),
        ],
        folder / "decisions.csv",
    )
    args = [
        str(folder / "children.csv"),
        str(folder / "facilities.csv"),
        "--rules",
        "koto",
        "--fiscal-year",
        "2026",
    ]
    assert main(["hoiku", "allocate", *args, "--seed", "11", "-o", str(folder / "r.xlsx"), "--json",
                 str(folder / "r.json"), "--decisions", str(folder / "decisions.csv")]) == 0  # fmt: skip
    return folder


def test_the_stored_json_is_reproduced_byte_for_byte(ward: Path) -> None:
    outcome = reproduce(ward / "r.json", ward / "children.csv", ward / "facilities.csv")
    assert outcome.identical and not outcome.problems and not outcome.differences
    assert outcome.outcome is not None and outcome.outcome.run is not None
    assert [d["kind"] for d in outcome.outcome.run.decisions] == ["fix", "withdraw"]


def test_the_command_says_so_and_exits_0(ward: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["hoiku", "reproduce", str(ward / "r.json"), str(ward / "children.csv"), str(ward / "facilities.csv")]
    )
    assert code == 0 and "バイト単位で一致" in capsys.readouterr().out


def test_a_changed_input_is_detected(ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Drop the last application: the file's hash differs, and so does the result.
    changed = tmp_path / "children.csv"
    lines = (ward / "children.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    changed.write_text("".join(lines[:-1]), encoding="utf-8-sig")
    outcome = reproduce(ward / "r.json", changed, ward / "facilities.csv")
    assert not outcome.identical
    assert any("children.csv" in p and "異なります" in p for p in outcome.problems)
    assert outcome.differences
    code = main(["hoiku", "reproduce", str(ward / "r.json"), str(changed), str(ward / "facilities.csv")])
    assert code == 1 and "再現できませんでした" in capsys.readouterr().err


def test_a_changed_seed_in_the_record_is_detected(ward: Path, tmp_path: Path) -> None:
    stored = tmp_path / "r.json"
    stored.write_bytes((ward / "r.json").read_bytes().replace(b'"seed":11', b'"seed":12', 1))
    outcome = reproduce(stored, ward / "children.csv", ward / "facilities.csv")
    assert not outcome.identical and not outcome.problems


def test_decisions_round_trip_through_csv_and_json(tmp_path: Path) -> None:
    decisions = [
        Decision("fix", "c1", "A", "理由,カンマ入り", "山田"),
        Decision("withdraw", "c2", None, "", ""),
    ]
    for name in ("d.csv", "d.json"):
        write_decisions(decisions, tmp_path / name)
        assert read_decisions(tmp_path / name) == decisions
    assert (
        (tmp_path / "d.csv").read_text(encoding="utf-8-sig").startswith("種類,児童番号,施設番号,理由,担当者")
    )


def test_a_bad_decision_row_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("種類,児童番号,施設番号,理由,担当者\n固定,c1,,,\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"2行目.*施設番号が必要"):
        read_decisions(path)
    path.write_text("種類,児童番号\n保留,c1\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"2行目.*固定・除外・辞退"):
        read_decisions(path)
