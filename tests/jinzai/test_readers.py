"""Reading the two files: a good pair round-trips; every bad input is named by file, row and column."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kyodo.jinzai.errors import InputError
from kyodo.jinzai.formats import REQUEST_COLUMNS, SPECIALIST_COLUMNS, request_rows, specialist_rows
from kyodo.jinzai.generate import generate
from kyodo.jinzai.io import table_writer
from kyodo.jinzai.readers import read_instance
from kyodo.tables import write_all

EXAMPLES = Path(__file__).parents[2] / "examples" / "jinzai"


def _write(folder: Path, suffix: str = ".csv", encoding: str | None = None) -> tuple[Path, Path]:
    inst = generate(specialists=12, requests=15, seed=7)
    s, r = folder / f"specialists{suffix}", folder / f"requests{suffix}"
    write_all(
        {
            s: table_writer(suffix, list(SPECIALIST_COLUMNS), specialist_rows(inst)),
            r: table_writer(suffix, list(REQUEST_COLUMNS), request_rows(inst)),
        }
    )
    if encoding:
        for path in (s, r):
            path.write_bytes(path.read_text(encoding="utf-8-sig").encode(encoding))
    return s, r


@pytest.mark.parametrize(("suffix", "encoding"), [(".csv", None), (".csv", "cp932"), (".xlsx", None)])
def test_a_generated_pair_reads_back_unchanged(tmp_path: Path, suffix: str, encoding: str | None) -> None:
    s, r = _write(tmp_path, suffix, encoding)
    assert read_instance(s, r) == generate(specialists=12, requests=15, seed=7)


def _edit(path: Path, row: int, column: str, value: str | None) -> None:
    """Set one cell (row as a spreadsheet numbers it); value None deletes the whole column."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    index = rows[0].index(column)
    for i, cells in enumerate(rows, start=1):
        if value is None:
            del cells[index]
        elif i == row:
            cells[index] = value
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


BAD = [
    # (file, row, column, new value or None to drop the column, expected words)
    ("specialists", 1, "スキル", None, "必須の列がありません"),
    ("requests", 1, "開始日", None, "必須の列がありません"),
    ("specialists", 3, "スキル", "量子魔法:3", "「量子魔法」はDX推進スキル標準のスキル項目にありません"),
    ("specialists", 4, "スキル", "クラウドインフラ活用:5", "レベル「5」は1〜4の整数"),
    ("requests", 2, "必要スキル", "クラウドインフラ活用", "スキル項目にありません"),
    ("requests", 5, "必要スキル", "クラウドインフラ活用:ゼロ", "1〜4の整数"),
    ("requests", 3, "開始日", "2026-13-01", "日付として読めません"),
    ("requests", 3, "終了日", "2026-04-01", "終了日が開始日より前です"),
    ("specialists", 2, "不在期間", "2026-05-01~いつか", "日付として読めません"),
    ("specialists", 2, "週あたり稼働時間", "たくさん", "整数ではありません"),
    ("specialists", 2, "週あたり稼働時間", "0", "1以上の整数"),
    ("specialists", 5, "対応形態", "どこでも", "現地・リモート / リモートのみ / 現地のみ のいずれか"),
    ("specialists", 5, "拠点地域", "大阪", "区部 / 多摩 / 島しょ"),
    ("specialists", 6, "利益相反団体", "横浜市", "都内の区市町村として見つかりません"),
    ("requests", 4, "団体", "さいたま市", "都内の区市町村として見つかりません"),
    ("requests", 4, "支援形態", "出張", "現地 / リモート"),
    ("requests", 6, "工数", "", "値が空です"),
    ("requests", 6, "工数単位", "週", "日 / 時間"),
    ("requests", 7, "緊急度", "至急", "通常 / 高 / 緊急"),
    ("requests", 8, "希望人材ID", "P9999", "人材「P9999」は人材一覧にいません"),
    ("requests", 8, "除外する専門人材", "P0001; P9998", "人材「P9998」は人材一覧にいません"),
    ("requests", 9, "依頼ID", "R0001", "2行目と重複しています"),
    ("specialists", 3, "人材ID", "", "値が空です"),
    ("specialists", 4, "週あたり稼働日数", "2", "両方に値があります"),
    ("specialists", 4, "人材類型", "魔法使い", "サイバーセキュリティ のいずれか"),
    ("specialists", 7, "上限件数", "-1", "0以上の整数"),
    ("specialists", 8, "スキル", "", "値が空です"),
    ("requests", 2, "目的", "", "値が空です"),
]


@pytest.mark.parametrize(("which", "row", "column", "value", "words"), BAD)
def test_bad_input_is_reported_with_file_row_and_column(
    tmp_path: Path, which: str, row: int, column: str, value: str | None, words: str
) -> None:
    s, r = _write(tmp_path)
    target = s if which == "specialists" else r
    _edit(target, row, column, value)
    with pytest.raises(InputError) as exc:
        read_instance(s, r)
    matching = [p for p in exc.value.problems if words in p.message]
    assert matching, [str(p) for p in exc.value.problems]
    found = matching[0]
    assert (found.file, found.row, found.column) == (target.name, row, column)
    assert f"{target.name} {row}行目 「{column}」列" in str(found)


def test_weekly_availability_may_be_written_in_days_instead_of_hours(tmp_path: Path) -> None:
    s, r = _write(tmp_path)
    _edit(s, 2, "週あたり稼働時間", "")
    _edit(s, 2, "週あたり稼働日数", "2")
    assert read_instance(s, r).specialists[0].hours_per_week == 16
    _edit(s, 2, "週あたり稼働日数", "8")
    with pytest.raises(InputError, match="1週は7日までです"):
        read_instance(s, r)
    _edit(s, 2, "週あたり稼働日数", "")
    with pytest.raises(InputError, match="値が空です"):
        read_instance(s, r)


def test_excluded_specialists_are_read_per_request_and_the_column_may_be_left_out(tmp_path: Path) -> None:
    s, r = _write(tmp_path)
    _edit(r, 3, "除外する専門人材", "P0002;P0005、 P0002")
    requests = read_instance(s, r).requests
    assert requests[1].excluded == frozenset({"P0002", "P0005"})
    assert all(not q.excluded for q in requests if q is not requests[1])
    _edit(r, 1, "除外する専門人材", None)  # files made before the column existed still read
    assert all(not q.excluded for q in read_instance(s, r).requests)


def test_a_file_without_either_availability_column_is_refused_once_at_the_header(tmp_path: Path) -> None:
    s, r = _write(tmp_path)
    _edit(s, 1, "週あたり稼働時間", None)
    _edit(s, 1, "週あたり稼働日数", None)
    with pytest.raises(InputError) as exc:
        read_instance(s, r)
    [problem] = exc.value.problems
    assert (problem.row, problem.column) == (1, "週あたり稼働時間")
    assert "どちらかが必要です" in problem.message


def test_the_program_cap_is_enforced_when_a_request_is_read(tmp_path: Path) -> None:
    s, r = _write(tmp_path)
    _edit(r, 2, "支援形態", "リモート")
    _edit(r, 2, "工数単位", "時間")
    _edit(r, 2, "工数", "11")
    with pytest.raises(InputError, match="リモート支援は1案件10時間までです"):
        read_instance(s, r)
    _edit(r, 2, "支援形態", "現地")
    _edit(r, 2, "工数単位", "日")
    _edit(r, 2, "工数", "4")
    with pytest.raises(InputError, match="現地支援は1案件3日までです"):
        read_instance(s, r)


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    s, r = _write(tmp_path)
    _edit(s, 2, "スキル", "謎:1")
    _edit(r, 3, "開始日", "あした")
    with pytest.raises(InputError) as exc:
        read_instance(s, r)
    assert {p.file for p in exc.value.problems} == {s.name, r.name}


def test_a_missing_file_and_a_wrong_kind_of_file_are_errors(tmp_path: Path) -> None:
    s, r = _write(tmp_path)
    with pytest.raises(InputError, match="ファイルがありません"):
        read_instance(tmp_path / "nothing.csv", r)
    other = tmp_path / "requests.txt"
    other.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match=r"Excel\(.xlsx\)か CSV"):
        read_instance(s, other)


def test_the_example_templates_read_cleanly_and_document_every_column() -> None:
    inst = read_instance(EXAMPLES / "specialists.csv", EXAMPLES / "requests.csv")
    assert inst.specialists and inst.requests
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for column in [*SPECIALIST_COLUMNS, *REQUEST_COLUMNS]:
        assert f"| {column} |" in readme, column
