"""Files too large to commit, made at test time: each is refused quickly, by its limit, with a Japanese message."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from kyodo.hoiku.io import read_instance, validate
from kyodo.hoiku.model.errors import InputError
from kyodo.tables import Limits

CORPUS = Path(__file__).parent / "bad_inputs"
GOOD_CHILDREN, GOOD_FACILITIES = CORPUS / "good_children.csv", CORPUS / "good_facilities.csv"


def test_a_100_mb_children_csv_is_refused_by_the_size_limit_at_once(tmp_path: Path) -> None:
    big = tmp_path / "children.csv"
    head = GOOD_CHILDREN.read_bytes()
    row = b"C9,H9,2024-06-01,1,F01,F02,,,7,\xe5\xb0\xb1\xe5\x8a\xb4,20,8,,,,,120000\n"
    with big.open("wb") as f:
        f.write(head)
        f.write(row * (100 * 1024 * 1024 // len(row)))
    start = time.perf_counter()
    problems = validate(big, GOOD_FACILITIES, fiscal_year=2026)
    assert time.perf_counter() - start < 1.0
    ((file, row_number, message),) = [(p.file, p.row, p.message) for p in problems]
    assert file == "children.csv" and row_number is None
    assert "ファイルが大きすぎます(100 MB)" in message and "上限は32 MB" in message


def test_the_same_file_as_bytes_is_refused_as_well() -> None:
    data = GOOD_CHILDREN.read_bytes() * 20
    problems = validate(("upload.csv", data), GOOD_FACILITIES, fiscal_year=2026, limits=Limits(file_bytes=1024))
    assert [(p.file, p.message[:11]) for p in problems] == [("upload.csv", "ファイルが大きすぎます")]


def _zip_bomb(uncompressed_mb: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as f:
            block = b"<row><c><v>0</v></c></row>" * 20_000
            for _ in range(uncompressed_mb * 1024 * 1024 // len(block)):
                f.write(block)
    return buffer.getvalue()


def test_a_zip_bomb_facilities_file_is_refused_in_under_a_second(tmp_path: Path) -> None:
    bomb = tmp_path / "facilities.xlsx"
    bomb.write_bytes(_zip_bomb(200))  # under the unpacked-size limit: the compression ratio refuses it
    assert bomb.stat().st_size < 2 * 1024 * 1024  # about a megabyte that unpacks to 200 MB
    start = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read_instance(GOOD_CHILDREN, bomb, fiscal_year=2026)
    assert time.perf_counter() - start < 1.0
    (problem,) = exc.value.problems
    assert problem.file == "facilities.xlsx" and "圧縮率が異常です" in problem.message


def test_too_many_rows_are_refused_with_the_limit_named() -> None:
    rows = b"".join(
        f"C{n},H{n},2024-06-01,1,F01,,,,7,\u5c31\u52b4,20,8,,,,,0\n".encode() for n in range(10, 60)
    )
    problems = validate(("many.csv", GOOD_CHILDREN.read_bytes() + rows), GOOD_FACILITIES, fiscal_year=2026,
                        limits=Limits(rows=30))
    assert [p.message for p in problems] == ["行数が上限(30行)を超えています。ファイルを分けてください"]
