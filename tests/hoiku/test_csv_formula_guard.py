"""Every CSV the nursery engine writes keeps formula-like text as text (a name starting with = never runs in Excel)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from kyodo.hoiku import InputFile, run
from kyodo.hoiku.io.decisions import read_decisions, write_decisions
from kyodo.hoiku.model.decision import Decision
from kyodo.hoiku.outputs.results_csv import results_csv_bytes

EXAMPLES = Path(__file__).parents[2] / "examples" / "hoiku"
EVIL = "=1+2"


def test_the_results_csv_writes_a_formula_like_name_as_text():
    children = (EXAMPLES / "children.csv").read_text(encoding="utf-8-sig").replace("港 さくら", EVIL, 1)
    outcome = run([InputFile("children.csv", children.encode()), EXAMPLES / "facilities.csv"], "koto",
                  fiscal_year=2026)
    rows = list(csv.reader(io.StringIO(results_csv_bytes(outcome).decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert "'" + EVIL in cells and EVIL not in cells


def test_staff_decisions_round_trip_and_a_formula_like_reason_stays_text(tmp_path: Path):
    path = tmp_path / "decisions.csv"
    decision = Decision("withdraw", "C0001", None, "+C2 の申し出", "職員")
    write_decisions([decision], path)
    assert "'+C2 の申し出" in path.read_text(encoding="utf-8-sig")
    assert read_decisions(path)[0].reason == "+C2 の申し出"  # the reader removes the guard again
