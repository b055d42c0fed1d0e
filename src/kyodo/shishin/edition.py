"""A municipal edition: an upstream version + variable values + local edits + annex sections (別紙).

An edition is itself a document: its metadata names the municipality as publisher, the upstream version it is
`based_on` and the variable values; its sections are the upstream text filled in and edited. Local edits are what
differs from the filled-in upstream text (`edits.local_edits`); annex sections are the edition's own.
"""

from __future__ import annotations

from dataclasses import replace

from kyodo.problems import InputError, Problem
from kyodo.shishin import variables
from kyodo.shishin.attribution import attribution
from kyodo.shishin.edits import summarise
from kyodo.shishin.model import ANNEX_PREFIX, Document, Metadata, Section, section_id
from kyodo.shishin.parse import parse_document, serialize


def start(upstream: Document, values: dict[str, str], publisher: str, *, name: str = "変数") -> Document:
    """A new edition of `upstream` for `publisher` with the variables filled in (InputError if one is missing)."""
    filled = variables.apply(upstream, values, upstream.meta.title, name)
    meta = Metadata(title=upstream.meta.title, publisher=publisher, version="1.0", licence=upstream.meta.licence,
                    date=None, variables=dict(values), based_on=upstream.meta.version)
    return replace(filled, meta=meta)


def _heading_line(section: Section) -> str:
    return section.text.split("\n", 1)[0] + "\n" if section.level else ""


def section_body(section: Section) -> str:
    """The section's text without its heading line (what the section editor shows)."""
    return section.text[len(_heading_line(section)):]


def _check_body(body: str, where: str) -> str:
    body = body.replace("\r\n", "\n")
    for i, line in enumerate(body.splitlines(), 1):
        if section_id(line) is not None:
            raise InputError([Problem("本文に見出し行(# で始まる行)は書けません。節を増やすには別紙を追加してください",
                                      file=where, row=i)])
    return body.strip("\n")


def _margins(text: str) -> tuple[str, str]:
    """The line breaks before and after a body, kept on edit so an edit changes no whitespace the merge would see."""
    core = text.strip("\n")
    if not core:
        return "\n", "\n"
    start = text.index(core)
    return text[:start], text[start + len(core):]


def replace_body(doc: Document, sid: str, body: str) -> Document:
    """The edition with one section's body replaced (its heading kept, so the merge still finds it)."""
    section = doc.section(sid)
    if section is None:
        raise KeyError(sid)
    before, after = _margins(section_body(section))
    core = _check_body(body, section.heading or "前文")
    text = _heading_line(section) + (before + core + after if core else after)
    return _reparse(doc, [replace(s, text=text) if s.id == sid else s for s in doc.sections])


def remove_section(doc: Document, sid: str) -> Document:
    return _reparse(doc, [s for s in doc.sections if s.id != sid])


def add_annex(doc: Document, title: str, body: str) -> Document:
    """An annex section (別紙) at the end; its heading starts with 別紙 so it is known as the edition's own."""
    title = " ".join(title.split())
    if not title:
        raise InputError([Problem("別紙の見出しを書いてください", file="別紙")])
    heading = title if title.startswith(ANNEX_PREFIX) else f"{ANNEX_PREFIX} {title}"
    sections = list(doc.sections)
    if sections and not sections[-1].text.endswith("\n\n"):
        last = sections[-1]
        sections[-1] = replace(last, text=last.text.rstrip("\n") + "\n\n")
    sections.append(Section(heading, f"## {heading}\n\n" + _check_body(body, heading) + "\n"))
    return _reparse(doc, sections)


def _reparse(doc: Document, sections: list[Section]) -> Document:
    """Through the parser again, so ids, lines and duplicate headings are checked as for a file."""
    return parse_document(serialize(doc.with_sections(sections)), doc.meta.title)


def set_values(doc: Document, values: dict[str, str]) -> Document:
    return replace(doc, meta=replace(doc.meta, variables=dict(values)))


def attribution_for(upstream: Document, edition: Document) -> str:
    """The attribution for the edition: upstream's source and licence, and what the edition changed."""
    return attribution(upstream.meta, summarise(upstream, edition), editor=edition.meta.publisher)
