"""One entry point, one Outcome: rules by name, by path or as an object give the same bytes; the CLI is thin."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import kyodo.hoiku as hoiku
from kyodo.cli import main
from kyodo.hoiku.io import InputFile, write_instance
from kyodo.hoiku.model.result import Status
from kyodo.hoiku.rules import load_rules
from kyodo.hoiku.rules.loader import DATA_DIR
from kyodo.hoiku.tools.generate import generate_ward


@pytest.fixture(scope="module")
def ward(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("ward")
    instance = generate_ward(children=150, facilities=10, seed=51, fiscal_year=2026, max_choices=5)
    write_instance(instance, directory, formats=("csv", "xlsx"), layout="kyodo")
    return directory


def _allocate(ward: Path, out: Path, rules: str, *extra: str) -> int:
    return int(main(["hoiku", "allocate", str(ward / "children.csv"), str(ward / "facilities.csv"), "--rules", rules,
                 "--fiscal-year", "2026", "--seed", "3", "-o", str(out / "r.xlsx"), "--json", str(out / "r.json"),
                 "--csv", str(out / "r.csv"), *extra]))  # fmt: skip


def test_rules_by_name_and_by_path_give_byte_identical_outputs(ward: Path, tmp_path: Path) -> None:
    assert _allocate(ward, tmp_path / "name", "koto") == 0
    assert _allocate(ward, tmp_path / "path", str(DATA_DIR / "koto.yaml")) == 0
    for name in ("r.xlsx", "r.json", "r.csv"):
        assert (tmp_path / "name" / name).read_bytes() == (tmp_path / "path" / name).read_bytes(), name


def test_allocate_runs_without_the_cyclic_collector_and_switches_it_back_on(
    ward: Path, tmp_path: Path
) -> None:
    import gc

    seen: list[bool] = []
    real_run = hoiku.run

    def spy(*args: object, **kwargs: object) -> hoiku.Outcome:
        seen.append(gc.isenabled())
        return real_run(*args, **kwargs)  # type: ignore[arg-type]

    assert gc.isenabled()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hoiku, "run", spy)
        assert _allocate(ward, tmp_path, "koto") == 0
        assert seen == [False] and gc.isenabled()
        patch.setattr(hoiku, "run", lambda *a, **k: (_ for _ in ()).throw(OSError("disk")))
        assert _allocate(ward, tmp_path / "again", "koto") == 1  # a failed job switches it back on too
    assert gc.isenabled()


def test_a_rules_file_under_another_name_keeps_its_tie_break_labels(ward: Path, tmp_path: Path) -> None:
    """The labels come from the run's Rules object, never from looking the rules up again by name."""
    copy = tmp_path / "my_ward_rules.yaml"
    shutil.copy(DATA_DIR / "koto.yaml", copy)
    files = (ward / "children.csv", ward / "facilities.csv")
    by_name = hoiku.run(files, "koto", seed=3, fiscal_year=2026)
    by_copy = hoiku.run(files, copy, seed=3, fiscal_year=2026)
    assert by_copy.rules is not None and by_copy.run is not None and by_copy.run.rules_name == "my_ward_rules"
    assert by_copy.explanations == by_name.explanations
    labels = {t.label for t in load_rules("koto").tie_break}
    assert any(r.criterion in labels for e in by_copy.explanations.values() for r in e.choices)


def test_bytes_and_paths_give_the_same_outcome(ward: Path) -> None:
    paths = (ward / "children.xlsx", ward / "facilities.xlsx")
    uploads = tuple(InputFile(p.name, p.read_bytes()) for p in paths)
    a = hoiku.run(paths, "koto", seed=3, fiscal_year=2026)
    b = hoiku.run(uploads, "koto", seed=3, fiscal_year=2026)
    assert a.assignment == b.assignment and a.summary == b.summary and a.run == b.run


def test_the_summary_counts_every_child_once_by_status(ward: Path) -> None:
    outcome = hoiku.run((ward / "children.csv", ward / "facilities.csv"), "koto", seed=3, fiscal_year=2026)
    counts = outcome.summary.counts
    assert sum(counts.values()) == len(outcome.instance.children)
    for cid, child in outcome.instance.children.items():
        status = outcome.statuses[cid]
        got = outcome.assignment[cid]
        assert (status == Status.WAITLISTED) == (got is None)
        assert (status == Status.STAYS) == (got is not None and got == child.current_facility)
        assert outcome.explanations[cid].status == status
    by_age = outcome.summary.by_age
    assert all(sum(a.counts.values()) == a.applicants for a in by_age)


def test_the_cli_blocking_count_includes_blocking_coalitions() -> None:
    from kyodo.hoiku.cli_allocate import summary_lines
    from kyodo.hoiku.model.result import CheckKind, Violation

    outcome = hoiku.run_instance(generate_ward(children=30, facilities=3, seed=2, fiscal_year=2026), "koto",
                                 fiscal_year=2026, seed=1)  # fmt: skip
    coalition = Violation(CheckKind.BLOCKING_COALITION, "世帯Xが提携", child_id="c1")
    envy = Violation(CheckKind.JUSTIFIED_ENVY, "児童が先に内定", child_id="c2")
    capacity = Violation(CheckKind.CAPACITY, "定員超過")
    result = replace(outcome.result, violations=(coalition, envy, capacity))
    lines = summary_lines(hoiku.build_outcome(result, outcome.rules))
    assert "独立検査: 問題3件(うちブロッキング2件)" in lines


@pytest.mark.parametrize("year", ["226", "20266", "1899"])
def test_an_implausible_fiscal_year_is_refused_before_any_work(
    ward: Path, tmp_path: Path, year: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["hoiku", "allocate", str(ward / "children.csv"), str(ward / "facilities.csv"), "--rules", "koto",
                 "--fiscal-year", year, "-o", str(tmp_path / "r.xlsx")])  # fmt: skip
    assert code == 1 and f"--fiscal-year {year} は年度として範囲外です" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_an_output_under_a_file_is_refused_before_any_work(
    ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    code = _allocate(ward, tmp_path, "koto", "--assignment-json", str(blocker / "sub" / "a.json"))
    err = capsys.readouterr().err
    assert code == 1 and "はファイルなので、フォルダを作れません" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing else written


def test_an_output_that_is_a_folder_is_refused(
    ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "r.xlsx").mkdir()
    assert _allocate(ward, tmp_path, "koto") == 1
    assert "-o" in capsys.readouterr().err and not (tmp_path / "r.json").exists()


def test_an_output_that_would_overwrite_an_input_is_refused(
    ward: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["hoiku", "allocate", str(ward / "children.csv"), str(ward / "facilities.csv"), "--rules", "koto",
                 "--fiscal-year", "2026", "-o", str(tmp_path / "r.xlsx"), "--csv", str(ward / "children.csv")])  # fmt: skip
    assert code == 1 and "入力ファイルです" in capsys.readouterr().err


def test_a_failing_output_leaves_nothing_written(
    ward: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import kyodo.hoiku.outputs.results_csv as results_csv

    def boom(outcome: object) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(results_csv, "results_csv_bytes", boom)
    assert _allocate(ward, tmp_path, "koto") == 1
    assert "disk full" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # neither the workbook nor the JSON, and no temporary files


def test_text_that_looks_like_a_formula_stays_text_in_the_workbook(tmp_path: Path) -> None:
    import openpyxl

    from kyodo.hoiku.outputs.workbook import write_workbook
    from tests.hoiku.builders import child, facility, instance

    inst = instance([facility("=HYPERLINK(1)", age1=1)], [child("+c1", ["=HYPERLINK(1)"], points=40), child("@c2", ["=HYPERLINK(1)"], points=30)])  # fmt: skip
    write_workbook(hoiku.run_instance(inst, None, seed=1, fiscal_year=2026), tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {"=HYPERLINK(1)", "+c1", "@c2"} <= texts
    assert all(c.data_type != "f" for c in cells)
