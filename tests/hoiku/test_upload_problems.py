"""A missing column is one problem; a file made for another fiscal year is explained once (the CLI too)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kyodo.cli import main
from kyodo.hoiku.io import validate, write_instance
from kyodo.hoiku.io.fiscal_year import explain_year, files_fiscal_year, fitting_year
from kyodo.hoiku.tools.generate import generate_ward


@pytest.fixture(scope="module")
def ward(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("ward")
    write_instance(generate_ward(children=40, facilities=5, seed=2, fiscal_year=2026, max_choices=3), directory,
                   formats=("csv",))
    return directory


def _drop(ward: Path, column: str, target: Path) -> Path:
    lines = (ward / "children.csv").read_text(encoding="utf-8-sig").splitlines()
    at = lines[0].split(",").index(column)
    target.write_text("\n".join(",".join(c for i, c in enumerate(x.split(",")) if i != at) for x in lines),
                      encoding="utf-8")
    return target


def test_a_column_rows_need_is_reported_once_at_the_header(ward, tmp_path):
    problems = validate(_drop(ward, "保護者1_事由", tmp_path / "c.csv"), ward / "facilities.csv")
    [problem] = problems
    assert problem.row == 1 and problem.column == "保護者1_事由"
    assert "列「保護者1_事由」がありません" in problem.message and "行でこの列の値が必要です" in problem.message


def test_the_fitting_year_follows_april_first():
    from datetime import date

    assert fitting_year(date(2024, 4, 1), 2) == 2026 and fitting_year(date(2024, 4, 2), 1) == 2026


def test_the_files_year_is_read_and_its_mismatch_explained_once(ward):
    found = files_fiscal_year(ward / "children.csv")
    assert found is not None and (found.year, found.agreeing, found.dated) == (2026, 40, 40)
    problems = validate(ward / "children.csv", ward / "facilities.csv", fiscal_year=2027)
    assert len(problems) >= 30
    explained, year = explain_year(problems, ward / "children.csv", 2027, "年度を{year}に。")
    assert year == found and len(explained) == 1
    assert "2026年度" in explained[0].message and "年度を2026に。" in explained[0].message


def test_files_that_fit_the_year_are_left_alone(ward):
    problems = validate(ward / "children.csv", ward / "facilities.csv", fiscal_year=2026)
    assert explain_year(problems, ward / "children.csv", 2026, "") == ([], None)


def test_the_cli_validate_prints_each_problem_once(ward, tmp_path, capsys):
    code = main(["hoiku", "validate", str(ward / "children.csv"), str(ward / "facilities.csv"), "--fiscal-year", "2027"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("  - ") == 1 and "--fiscal-year 2026 を指定してください" in err
