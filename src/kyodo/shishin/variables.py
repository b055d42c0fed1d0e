"""Variables (`{{自治体名}}`, `{{担当部署}}` …): the parts of an upstream guideline every municipality fills in."""

from __future__ import annotations

import re
from dataclasses import replace

from kyodo.problems import InputError, Problem
from kyodo.shishin.model import Document

PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s]+)\s*\}\}")


def used(doc: Document) -> list[str]:
    """Variable names the document uses, in order of first use."""
    names: dict[str, None] = {}
    for section in doc.sections:
        for found in PLACEHOLDER.finditer(section.text):
            names.setdefault(found.group(1))
    return list(names)


def apply(doc: Document, values: dict[str, str], name: str = "文書", values_name: str = "変数") -> Document:
    """The document with every placeholder replaced by its value.

    InputError (every problem at once) for a placeholder without a value (file and line of the placeholder) and for
    a value the document neither declares nor uses (a misspelt name would otherwise be ignored silently).
    """
    problems: list[Problem] = []
    sections = []
    for section in doc.sections:
        text = section.text
        for found in PLACEHOLDER.finditer(text):
            if found.group(1) not in values:
                line = section.line + text.count("\n", 0, found.start())
                problems.append(Problem(f"変数「{found.group(1)}」の値がありません", file=name, row=line))
        sections.append(replace(section, text=PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)))
    known = set(doc.meta.variables) | set(used(doc))
    problems += [Problem(f"変数「{key}」は文書「{doc.meta.title}」にありません", file=values_name)
                 for key in values if key not in known]
    if problems:
        raise InputError(problems)
    return replace(doc, sections=tuple(sections), meta=replace(doc.meta, variables=dict(values)))


def fill(text: str, values: dict[str, str]) -> str:
    """Placeholders in a piece of text replaced where a value is known (others left as written)."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)

