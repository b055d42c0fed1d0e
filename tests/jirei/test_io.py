from __future__ import annotations

from pathlib import Path

import pytest

from kyodo.jirei.io import COLUMNS, REQUIRED_COLUMNS, parse_year, read_cases, write_cases
from kyodo.jirei.vocab import Status
from kyodo.problems import InputError

BAD = Path(__file__).parent / "data" / "bad"
HEADER = ",".join(REQUIRED_COLUMNS)


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_cases(path)
    return [str(p) for p in exc.value.problems]


def test_a_good_file_is_read_with_aliases_resolved(tmp_path):
    path = _csv(tmp_path, "K1,江東区,会議録AI,議会,ＡＩ－ＯＣＲ、RPA,検討・実証したが導入に至らず,概要です,,教訓です")
    [record] = read_cases(path)
    assert record.field == "議会・会議"
    assert record.technologies == ("AI-OCR", "RPA")
    assert record.status == Status.NOT_ADOPTED and record.failed
    assert not record.published


@pytest.mark.parametrize("name, expected", [
    ("missing_column.csv", "「教訓」列: 列「教訓」がありません"),
    ("unknown_status.csv", "2行目 「状況」列: 「うまくいった」は状況"),
    ("unknown_organisation.csv", "2行目 「団体」列: 「横浜市」は東京都か都内の区市町村"),
    ("duplicate_id.csv", "3行目 「事例ID」列: 事例ID「A1」が2行目と重なっています"),
    ("bad_year.csv", "2行目 「開始年度」列: 年度として読めません"),
    ("blank_title.csv", "2行目 「タイトル」列: 値が空です"),
    ("unknown_technology.csv", "2行目 「技術」列: 「量子計算」は技術の分類にありません"),
    ("empty.csv", "ファイルが空です"),
    ("header_only.csv", "事例の行がありません"),
])
def test_each_bad_file_names_file_row_and_column(name, expected):
    problems = _problems(BAD / name)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith(name) for p in problems)


def test_every_problem_is_reported_not_only_the_first(tmp_path):
    path = _csv(tmp_path, "A,横浜市,,謎,,不明,,,", "B,江東区,題,子育て,,導入済み,,,")
    problems = _problems(path)
    assert len(problems) >= 6


def test_years_in_the_forms_clerks_write():
    assert parse_year("2024") == parse_year("2024年度") == parse_year("令和6年度") == parse_year("R6") == 2024
    assert parse_year("令和元年度") == 2019
    assert parse_year("昨年") is None


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_written_cases_read_back_the_same(tmp_path, suffix):
    from kyodo.jirei.generate import generate_cases

    records = generate_cases(20, seed=3)
    path = tmp_path / f"cases{suffix}"
    write_cases(path, records, with_contact=True)
    back = read_cases(path)
    assert [(r.case_id, r.title, r.status, r.technologies, r.start_year, r.published, r.contact) for r in back] == [
        (r.case_id, r.title, r.status, r.technologies, r.start_year, r.published, r.contact) for r in records]


def test_the_contact_is_left_out_unless_asked(tmp_path):
    from kyodo.jirei.generate import KOTO_CASES

    path = tmp_path / "out.csv"
    write_cases(path, KOTO_CASES)
    assert "情報システム課" not in path.read_text("utf-8-sig")
    assert path.read_text("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
