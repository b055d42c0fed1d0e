"""Every file of the bad-input corpus gives exactly the located Japanese problems cases.yaml lists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kyodo.hoiku.io import read_instance, validate
from kyodo.hoiku.model.errors import InputError

CORPUS = Path(__file__).parent / "bad_inputs"
CASES: list[dict[str, Any]] = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _args(case: dict[str, Any]) -> tuple[Path, Path, dict[str, Any]]:
    children = CORPUS / case.get("children", "good_children.csv")
    facilities = CORPUS / case.get("facilities", "good_facilities.csv")
    return (
        children,
        facilities,
        {"fiscal_year": case.get("fiscal_year", 2026), "choice_limit": case.get("choice_limit")},
    )


def test_the_corpus_is_large_and_every_file_is_used() -> None:
    assert len(CASES) >= 25
    used = {c.get("children", "good_children.csv") for c in CASES} | {
        c.get("facilities", "good_facilities.csv") for c in CASES
    }
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx", ".xls")}
    assert files - used == {"good_chilmai_children.csv"}
    assert used <= files


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_each_bad_input_is_reported_at_its_file_row_and_column(case: dict[str, Any]) -> None:
    children, facilities, kwargs = _args(case)
    problems = validate(children, facilities, **kwargs)
    got = sorted((p.file, p.row, p.column) for p in problems)
    expected = sorted((e["file"], e["row"], e["column"]) for e in case["expect"])
    assert got == expected, [str(p) for p in problems]
    for e in case["expect"]:
        (problem,) = [p for p in problems if (p.file, p.row, p.column) == (e["file"], e["row"], e["column"])]
        assert e["message"] in problem.message
        assert JAPANESE.search(problem.message)
    with pytest.raises(InputError) as exc:
        read_instance(children, facilities, **kwargs)
    assert exc.value.problems == problems


@pytest.mark.parametrize("children", ["good_children.csv", "good_chilmai_children.csv"])
def test_the_good_files_read_cleanly(children: str) -> None:
    instance = read_instance(CORPUS / children, CORPUS / "good_facilities.csv", fiscal_year=2026)
    assert len(instance.children) in (3, 4)
