"""A guideline as HTML (markdown-it-py), DOCX (python-docx) and PDF (reportlab, `pdf.py`).

All three read the same blocks from markdown-it's token stream, so a heading, list or table looks the same in each.
Raw HTML in the Markdown is not passed through (a municipality's text is shown to others).
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from kyodo.shishin.model import HEADING, Document

FORMATS = ("html", "docx", "pdf")


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_text(doc: Document) -> str:
    """The body with `{#id}` anchors taken off the headings (they are for merging, not for readers)."""
    lines = []
    for line in doc.body.splitlines(keepends=True):
        found = HEADING.match(line.rstrip("\n"))
        lines.append(f"{found.group(1)} {found.group(2)}\n" if found and found.group(3) else line)
    return "".join(lines)


def html_fragment(doc: Document) -> str:
    return str(_markdown().render(markdown_text(doc)))


def html_document(doc: Document, attribution: str) -> str:
    title = html.escape(doc.meta.title)
    return (
        "<!doctype html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{title}</title>\n<style>body{{font-family:sans-serif;max-width:46em;margin:2em auto;"
        "line-height:1.8}table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em}"
        "footer{border-top:1px solid #999;margin-top:2em;font-size:.9em}</style>\n</head>\n<body>\n"
        f"<p class=\"meta\">{html.escape(doc.meta.publisher)} 第{html.escape(doc.meta.version)}版</p>\n"
        f"{html_fragment(doc)}<footer><p>{html.escape(attribution)}</p></footer>\n</body>\n</html>\n"
    )


@dataclass
class Block:
    kind: str  # "heading", "paragraph", "item", "table", "code"
    text: str = ""
    level: int = 0  # heading level; list depth for an item
    marker: str = ""  # "・" or "1." for an item
    rows: list[list[str]] = field(default_factory=list)


def _inline(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "hardbreak":
            parts.append("\n")
    return "".join(parts)


def blocks(doc: Document) -> list[Block]:
    tokens = _markdown().parse(markdown_text(doc))
    out: list[Block] = []
    lists: list[list[int]] = []  # per open list: [ordered?, next number]
    marker = ""  # the marker of a list item whose first paragraph is still to come
    row: list[str] | None = None
    table: Block | None = None
    for i, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append([token.type == "ordered_list_open", int(token.attrGet("start") or 1)])
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif token.type == "list_item_open":
            ordered, number = lists[-1]
            marker = f"{number}." if ordered else "・"
            lists[-1][1] = number + 1
        elif token.type == "heading_open":
            out.append(Block("heading", _inline(tokens[i + 1]), level=int(token.tag[1])))
        elif token.type == "table_open":
            table = Block("table")
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and table is not None and row is not None:
            table.rows.append(row)
        elif token.type == "table_close" and table is not None:
            out.append(table)
            table = None
        elif token.type == "inline" and table is not None and row is not None:
            row.append(_inline(token))
        elif token.type == "inline" and tokens[i - 1].type == "paragraph_open":
            kind = "item" if marker else "paragraph"
            out.append(Block(kind, _inline(token), level=len(lists), marker=marker))
            marker = ""
        elif token.type in ("fence", "code_block"):
            out.append(Block("code", token.content.rstrip("\n")))
    return out


def to_html(doc: Document, attribution: str) -> bytes:
    return html_document(doc, attribution).encode("utf-8")


def to_docx(doc: Document, attribution: str) -> bytes:
    from docx import Document as Docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    out = Docx()
    for style_name in ("Normal", "Title", *(f"Heading {n}" for n in range(1, 7))):
        style = out.styles[style_name]
        style.font.name = "IPAexGothic"
        rpr = style.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "IPAexゴシック")
    out.styles["Normal"].font.size = Pt(10.5)
    out.core_properties.title = doc.meta.title
    out.core_properties.author = doc.meta.publisher
    out.add_paragraph(f"{doc.meta.publisher} 第{doc.meta.version}版")
    for block in blocks(doc):
        if block.kind == "heading":
            out.add_heading(block.text, level=min(block.level, 6))
        elif block.kind == "item":
            style = "List Number" if block.marker[:1].isdigit() else "List Bullet"
            out.add_paragraph(block.text, style=style if block.level == 1 else f"{style} 2")
        elif block.kind == "table" and block.rows:
            table = out.add_table(rows=len(block.rows), cols=max(len(r) for r in block.rows))
            table.style = "Table Grid"
            for r, cells in enumerate(block.rows):
                for c, text in enumerate(cells):
                    table.cell(r, c).text = text
        else:
            out.add_paragraph(block.text)
    out.add_paragraph("")
    out.add_paragraph(attribution)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def render(doc: Document, attribution: str, fmt: str) -> bytes:
    """The document in one of FORMATS; ValueError for another."""
    if fmt == "html":
        return to_html(doc, attribution)
    if fmt == "docx":
        return to_docx(doc, attribution)
    if fmt == "pdf":
        from kyodo.shishin.pdf import to_pdf

        return to_pdf(doc, attribution, blocks(doc))
    raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")


def format_of(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else None
