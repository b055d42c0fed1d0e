from __future__ import annotations

import io
from pathlib import Path

import pytest

from kyodo.shishin.render import blocks, render

from .helpers import doc

BODY = ("# 指針 {#top}\n\n本文の一文目。二文目。\n\n## 一覧\n\n- 項目A\n- 項目B\n\n1. 手順一\n2. 手順二\n\n"
        "| 列1 | 列2 |\n|---|---|\n| 値1 | 値2 |\n\n<script>alert(1)</script>\n")


def test_the_blocks_are_read_from_the_markdown():
    kinds = [(b.kind, b.text or b.rows, b.marker) for b in blocks(doc(BODY))]
    assert kinds[:6] == [("heading", "指針", ""), ("paragraph", "本文の一文目。二文目。", ""), ("heading", "一覧", ""),
                         ("item", "項目A", "・"), ("item", "項目B", "・"), ("item", "手順一", "1.")]
    assert ("table", [["列1", "列2"], ["値1", "値2"]], "") in kinds


def test_html_shows_the_attribution_and_never_passes_raw_html_through():
    html = render(doc(BODY), "出典の表示", "html").decode()
    assert "<h1>指針</h1>" in html and "{#top}" not in html
    assert "<table>" in html and "<footer><p>出典の表示</p></footer>" in html
    assert "<script>" not in html


def test_docx_holds_the_text_and_the_attribution():
    from docx import Document

    data = render(doc(BODY), "出典の表示", "docx")
    text = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "指針" in text and "項目A" in text and "出典の表示" in text


def test_pdf_embeds_a_japanese_font(tmp_path: Path):
    pypdf = pytest.importorskip("pypdf")
    data = render(doc(BODY), "出典の表示", "pdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages)
    assert "本文の一文目。二文目。" in text and "出典の表示" in text
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any("IPAex" in str(f["/BaseFont"]) for f in fonts)


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError):
        render(doc(BODY), "", "rtf")
