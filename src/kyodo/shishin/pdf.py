"""A guideline as PDF with the IPAex Gothic font embedded (it prints the same on any machine, no network)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from kyodo.shishin.model import Document
from kyodo.shishin.render import Block

FONT = "IPAexGothic-shishin"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from kyodo.hoiku.outputs.notices.fonts import japanese_font

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(japanese_font("gothic"))))


def to_pdf(doc: Document, attribution: str, content: list[Block]) -> bytes:
    """Raises `FontNotFound` (Japanese, says what to install) when the IPAex font is missing."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=17, wordWrap="CJK")
    sizes = {1: 18, 2: 14, 3: 12}
    heading = {n: ParagraphStyle(f"h{n}", parent=base, fontSize=sizes.get(n, 11), leading=sizes.get(n, 11) * 1.6,
                                 spaceBefore=8, spaceAfter=4) for n in range(1, 7)}
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=13, textColor=colors.grey)

    def para(text: str, style: ParagraphStyle = base) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    story: list[object] = [para(f"{doc.meta.publisher} 第{doc.meta.version}版", small)]
    for block in content:
        if block.kind == "heading":
            story.append(para(block.text, heading[min(block.level, 6)]))
        elif block.kind == "item":
            indent = ParagraphStyle(f"item{block.level}", parent=base, leftIndent=12 * block.level,
                                    firstLineIndent=-10)
            story.append(para(f"{block.marker} {block.text}", indent))
        elif block.kind == "table" and block.rows:
            width = max(len(r) for r in block.rows)
            rows = [[para(c) for c in r] + [para("")] * (width - len(r)) for r in block.rows]
            table = Table(rows, colWidths=[170 * mm / width] * width)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(table)
        else:
            story.append(para(block.text))
        story.append(Spacer(1, 3))
    story += [Spacer(1, 12), para(attribution, small)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=doc.meta.title, author=doc.meta.publisher,
                      leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm).build(story)
    return buffer.getvalue()
