"""Reading Kyodo's template and ChilmAI's format from CSV (UTF-8, BOM, Shift-JIS) and XLSX."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kyodo.hoiku.io import read_instance, validate, write_instance
from kyodo.hoiku.io.values import CellError, parse_bool, parse_date, parse_hours, parse_reason
from kyodo.hoiku.model.errors import InputError
from kyodo.hoiku.model.instance import Child, Facility, Guardian, Household, Instance, Reason

EXAMPLES = Path(__file__).parents[2] / "examples" / "hoiku"


def _without_source(instance: Instance) -> Instance:
    return dataclasses.replace(instance, source={})


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _csv_to_xlsx(src: Path, dst: Path) -> Path:
    import csv

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    with src.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            sheet.append(row)
    workbook.save(dst)
    return dst


def test_it_reads_the_example_files() -> None:
    instance = read_instance(
        EXAMPLES / "children.csv", EXAMPLES / "facilities.csv", fiscal_year=2026, choice_limit=10
    )
    assert len(instance.children) == 12
    assert len(instance.facilities) == 6
    assert instance.fiscal_year == 2026
    assert instance.source == {"children": "children.csv", "facilities": "facilities.csv"}
    c1 = instance.children["C0001"]
    assert c1.age_class == 0
    assert c1.birth_date == date(2025, 6, 12)
    assert c1.choices == ("F01", "F02", "F04")
    assert c1.name == "港 さくら"
    assert instance.children["C0004"].current_facility == "F05"
    assert instance.children["C0004"].facts["small_scale_graduate"] is True
    assert instance.children["C0003"].sibling_facilities == ("F03",)
    h = instance.households["H001"]
    assert h.guardians == (
        Guardian(Reason.EMPLOYMENT, days_per_month=20, hours_per_day=8.0, days_per_week=5),
        Guardian(Reason.EMPLOYMENT, days_per_month=20, hours_per_day=8.0, days_per_week=5),
    )
    assert h.facts["municipal_tax"] == 185000
    assert h.facts["return_from_leave"] is True
    assert h.facts["waiting_months"] is None  # a blank number is missing, not 0
    assert instance.households["H003"].single_parent is True
    assert instance.households["H006"].guardians[1] == Guardian(Reason.ILLNESS, grade="入院")
    f6 = instance.facilities["F06"]
    assert f6 == Facility(
        "F06",
        "こころナーサリー新橋",
        "小規模保育",
        {0: 0, 1: 1, 2: 0},  # 3-5歳 blank: a small-scale facility has no such classes
        35.662979,
        139.753349,
    )
    assert not instance.points_given


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_it_detects_the_encoding(tmp_path: Path, encoding: str) -> None:
    children = _write(tmp_path / "c.csv", (EXAMPLES / "children.csv").read_text(encoding="utf-8"), encoding)
    facilities = _write(
        tmp_path / "f.csv", (EXAMPLES / "facilities.csv").read_text(encoding="utf-8"), encoding
    )
    expected = read_instance(EXAMPLES / "children.csv", EXAMPLES / "facilities.csv", fiscal_year=2026)
    got = read_instance(children, facilities, fiscal_year=2026)
    assert _without_source(got) == _without_source(expected)


def test_it_reads_xlsx_like_csv(tmp_path: Path) -> None:
    children = _csv_to_xlsx(EXAMPLES / "children.csv", tmp_path / "c.xlsx")
    facilities = _csv_to_xlsx(EXAMPLES / "facilities.csv", tmp_path / "f.xlsx")
    expected = read_instance(EXAMPLES / "children.csv", EXAMPLES / "facilities.csv", fiscal_year=2026)
    assert _without_source(read_instance(children, facilities, fiscal_year=2026)) == _without_source(expected)


def test_it_reads_typed_excel_cells(tmp_path: Path) -> None:
    from datetime import datetime

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["児童番号", "世帯番号", "生年月日", "第1希望", "保護者1_事由", "保護者1_1日時間"])
    sheet.append([101, 7, datetime(2024, 5, 1), 12, "就労", 7.5])
    workbook.save(tmp_path / "c.xlsx")
    _write(tmp_path / "f.csv", "施設番号,施設名,0歳,1歳,2歳,3歳,4歳,5歳\n12,A園,1,1,1,1,1,1\n")
    instance = read_instance(tmp_path / "c.xlsx", tmp_path / "f.csv", fiscal_year=2026)
    child = instance.children["101"]
    assert (child.household_id, child.birth_date, child.age_class, child.choices) == (
        "7",
        date(2024, 5, 1),
        1,
        ("12",),
    )
    assert instance.households["7"].guardians == (Guardian(Reason.EMPLOYMENT, hours_per_day=7.5),)


def test_it_reads_chilmai_format_with_points_per_choice(tmp_path: Path) -> None:
    # Full-width digits in headers and values, as a clerk's Excel may have them; ChilmAI reads them after NFKC.
    children = _write(
        tmp_path / "children.csv",
        "申請者番号,世帯番号,年齢,点数１,点数2,希望保育園ID_１,希望保育園ID_2,希望保育園ID_3,在籍保育所ID,きょうだいパターン\n"
        "１,10,0,40,42,101,102,103,,7\n"
        "2,11,1,38,,102,,,101,\n"
        "3,11,2,38,39,101,102,,,7\n",
        "cp932",
    )
    facilities = _write(
        tmp_path / "facilities.csv",
        "保育所ID,保育所名,0歳募集人数,1歳募集人数,2歳募集人数,3歳募集人数,4歳募集人数,5歳募集人数\n"
        "101,あおぞら保育園,3,2,1,0,0,0\n102,みどり保育園,1,1,1,1,1,1\n103,さくら保育園,0,0,0,0,0,0\n",
    )
    instance = read_instance(children, facilities)
    assert instance.points_given
    assert instance.children["1"] == Child(
        "1", "10", 0, ("101", "102", "103"), given_points=40, given_points_at={"102": 42}
    )
    assert instance.children["2"].current_facility == "101"
    assert instance.children["2"].given_points_at == {}
    assert instance.households["11"] == Household("11")
    assert instance.facilities["101"].vacancies == {0: 3, 1: 2, 2: 1, 3: 0, 4: 0, 5: 0}


def test_a_bare_points_column_is_points_at_every_choice(tmp_path: Path) -> None:
    children = _write(tmp_path / "c.csv", "申請者番号,世帯番号,年齢,点数,希望保育園ID_1\n1,1,3,45,A\n")
    facilities = _write(
        tmp_path / "f.csv",
        "保育所ID,保育所名,0歳募集人数,1歳募集人数,2歳募集人数,3歳募集人数,4歳募集人数,5歳募集人数\nA,A園,0,0,0,1,0,0\n",
    )
    assert read_instance(children, facilities).children["1"].given_points == 45


def test_without_a_fiscal_year_the_age_class_column_is_required(tmp_path: Path) -> None:
    children = _write(tmp_path / "c.csv", "児童番号,世帯番号,生年月日,第1希望\n1,1,2024-05-01,A\n")
    facilities = _write(tmp_path / "f.csv", "施設番号,施設名,0歳,1歳,2歳,3歳,4歳,5歳\nA,A園,1,1,1,1,1,1\n")
    problems = validate(children, facilities)
    assert [(p.file, p.row, p.column) for p in problems] == [("c.csv", 1, "年齢クラス")]
    assert read_instance(children, facilities, fiscal_year=2026).children["1"].age_class == 1


def test_it_collects_every_problem_before_raising(tmp_path: Path) -> None:
    children = _write(
        tmp_path / "c.csv",
        "児童番号,世帯番号,年齢クラス,第1希望,第2希望\n1,1,6,A,A\n1,2,0,Z,\n3,3,x,A,\n",
    )
    facilities = _write(tmp_path / "f.csv", "施設番号,施設名,0歳,1歳,2歳,3歳,4歳,5歳\nA,A園,-1,1,1,1,1,1\n")
    with pytest.raises(InputError) as exc:
        read_instance(children, facilities)
    where = sorted((p.file, p.row or 0, p.column or "") for p in exc.value.problems)
    assert where == [
        ("c.csv", 2, "年齢クラス"),
        ("c.csv", 2, "第2希望"),
        ("c.csv", 3, "児童番号"),
        ("c.csv", 4, "年齢クラス"),
        ("f.csv", 2, "0歳"),
    ]
    assert "c.csv 3行目 「児童番号」列: 児童番号「1」が重複しています(2行目と同じです)" in str(exc.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-01", date(2024, 5, 1)),
        ("2024/5/1", date(2024, 5, 1)),
        ("２０２４／５／１", date(2024, 5, 1)),
        ("2024年5月1日", date(2024, 5, 1)),
        ("20240501", date(2024, 5, 1)),
        ("R6.5.1", date(2024, 5, 1)),
        ("令和6年5月1日", date(2024, 5, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("H31.4.30", date(2019, 4, 30)),
        ("2024-05-01 00:00:00", date(2024, 5, 1)),
    ],
)
def test_it_parses_birth_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2024-02-30", "昨日", "5/1", "R6.13.1"])
def test_it_rejects_bad_dates(text: str) -> None:
    with pytest.raises(CellError):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("就労(居宅外)", Reason.EMPLOYMENT),
        ("就労（居宅外）", Reason.EMPLOYMENT),
        ("就労", Reason.EMPLOYMENT),
        ("居宅内就労", Reason.EMPLOYMENT_HOME),
        ("就労(居宅内)", Reason.EMPLOYMENT_HOME),
        ("疾病", Reason.ILLNESS),
        ("疾病・負傷", Reason.ILLNESS),
        ("求職", Reason.JOB_SEEKING),
        ("妊娠・出産", Reason.BIRTH),
        ("介護・看護", Reason.CARE),
        ("employment", Reason.EMPLOYMENT),
    ],
)
def test_it_reads_reasons_in_japanese(text: str, reason: Reason) -> None:
    assert parse_reason(text) == reason


def test_it_reads_yes_no_and_hours() -> None:
    assert [parse_bool(s) for s in ["○", "1", "はい", "有", "", "0", "×", "いいえ"]] == [True] * 4 + [
        False
    ] * 4
    assert parse_hours("7:30") == 7.5
    assert parse_hours("７.５") == 7.5


def _big_instance(n_children: int, n_facilities: int) -> Instance:
    facilities = {
        f"F{i:04d}": Facility(f"F{i:04d}", f"保育園{i}", vacancies={a: 3 for a in range(6)})
        for i in range(n_facilities)
    }
    ids = list(facilities)
    households = {}
    children = {}
    for i in range(n_children):
        hid = f"H{i:06d}"
        households[hid] = Household(
            hid,
            (Guardian(Reason.EMPLOYMENT, 20, 8.0), Guardian(Reason.EMPLOYMENT_HOME, 16, 6.5)),
            facts={"municipal_tax": 100000 + i},
        )
        choices = tuple(ids[(i * 7 + k * 13) % n_facilities] for k in range(5))
        children[f"C{i:06d}"] = Child(
            f"C{i:06d}", hid, i % 6, choices, birth_date=date(2021 + i % 5, 1 + i % 12, 1 + i % 28)
        )
    return Instance(facilities, households, children)


def test_it_reads_a_large_ward_back_exactly(tmp_path: Path) -> None:
    # Reading speed is measured in benchmarks/hoiku_allocate.py, never by a timed test.
    original = _big_instance(5_000, 300)
    write_instance(original, tmp_path, formats=("csv",))
    instance = read_instance(tmp_path / "children.csv", tmp_path / "facilities.csv")
    assert len(instance.children) == 5_000
    assert instance.children["C004999"].choices == original.children["C004999"].choices
    assert instance.households["H004999"].facts["municipal_tax"] == 104999
