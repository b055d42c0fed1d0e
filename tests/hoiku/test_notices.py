"""PDF notices and appeal sheets (text read back with pypdf, fonts embedded) and the cut-off chart."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from kyodo.cli import main
from kyodo.hoiku.engine.pipeline import run_round
from kyodo.hoiku.io import write_instance
from kyodo.hoiku.outcome import Outcome, build_outcome
from kyodo.hoiku.outputs.notices import (
    FontNotFound,
    japanese_font,
    write_appeal_sheets,
    write_cutoff_chart,
    write_notices,
)
from kyodo.hoiku.tools.generate import generate_ward
from tests.hoiku.builders import child, facility, instance


def _result() -> Outcome:
    inst = instance(
        [facility("A", age1=1), facility("B", age1=0)],
        [
            child("c1", ["A"], points=40, name="山田 花子"),
            child("c2", ["A", "B"], points=38, name="佐藤 太郎"),
        ],
    )
    return build_outcome(run_round(inst, rules=None, fiscal_year=2026, seed=1), None)


def _embedded_japanese_fonts(reader: PdfReader) -> list[str]:
    names = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if "IPAex" in str(font["/BaseFont"]) and descriptor is not None:
                assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]
                names.append(str(font["/BaseFont"]))
    return names


def test_notices_are_one_batch_with_a_page_per_child_in_japanese_with_the_font_embedded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "notices.pdf"
    assert write_notices(_result(), path) == 2
    reader = PdfReader(path)
    assert len(reader.pages) == 2
    first, second = (p.extract_text() for p in reader.pages)
    assert "利用調整結果のお知らせ(内定)" in first and "山田 花子" in first
    assert "(保留)" in second and "佐藤 太郎" in second
    assert "最低指数は40点" in second and "下回りました" in second  # the reason at A
    assert "募集はありませんでした(募集なし)" in second  # B has no age-1 places
    assert "指数(入力値)" in second and "審査請求" in second
    assert _embedded_japanese_fonts(reader)


def test_appeal_sheets_list_points_and_reasons_to_check_and_fields_to_fill(tmp_path: Path) -> None:
    path = tmp_path / "appeals.pdf"
    assert write_appeal_sheets(_result(), path, child_ids=["c2"]) == 1
    reader = PdfReader(path)
    text = reader.pages[0].extract_text()
    assert "確認・申立て用シート" in text and "結果: 保留" in text
    assert "指数が最低指数を下回った" in text and "募集なし" in text and "申立人氏名" in text
    assert _embedded_japanese_fonts(reader)


def test_the_cut_off_chart_is_a_png(tmp_path: Path) -> None:
    path = tmp_path / "cutoffs.png"
    write_cutoff_chart(_result(), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert japanese_font().name in ("ipaexg.ttf", "fonts-japanese-gothic.ttf")
    monkeypatch.setenv("KYODO_JAPANESE_FONT", str(tmp_path / "none.ttf"))
    with pytest.raises(FontNotFound, match="フォント"):
        write_notices(_result(), tmp_path / "n.pdf")


def test_allocate_writes_notices_appeals_and_the_chart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ward = generate_ward(children=40, facilities=4, seed=2, fiscal_year=2026, max_choices=5)
    write_instance(ward, tmp_path, formats=("csv",), layout="kyodo")
    files = [str(tmp_path / "children.csv"), str(tmp_path / "facilities.csv")]
    code = main(["hoiku", "allocate", *files, "--rules", "koto", "--fiscal-year", "2026", "-o", str(tmp_path / "r.xlsx"),
                 "--notices", str(tmp_path / "n.pdf"), "--appeals", str(tmp_path / "a.pdf"),
                 "--cutoff-chart", str(tmp_path / "c.png")])  # fmt: skip
    assert code == 0 and "(結果通知)" in capsys.readouterr().out
    assert len(PdfReader(tmp_path / "n.pdf").pages) >= 40 and len(PdfReader(tmp_path / "a.pdf").pages) >= 40
    assert (tmp_path / "c.png").stat().st_size > 0


def test_allocate_without_the_font_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ward = generate_ward(children=10, facilities=2, seed=2, fiscal_year=2026, max_choices=5)
    write_instance(ward, tmp_path, formats=("csv",), layout="kyodo")
    monkeypatch.setenv("KYODO_JAPANESE_FONT", str(tmp_path / "none.ttf"))
    files = [str(tmp_path / "children.csv"), str(tmp_path / "facilities.csv")]
    code = main(["hoiku", "allocate", *files, "--rules", "koto", "--fiscal-year", "2026", "-o", str(tmp_path / "r.xlsx"),
                 "--notices", str(tmp_path / "n.pdf")])  # fmt: skip
    assert code == 1 and "フォント" in capsys.readouterr().err
    assert not (tmp_path / "r.xlsx").exists() and not (tmp_path / "n.pdf").exists()
