"""A guideline as data: metadata (title, publisher, version, date, licence, changelog) and headed sections.

A document is Markdown with YAML front matter. Every heading starts a section; text before the first heading is the
preamble (id ""). A section's id is its heading text, or the `{#id}` written at the end of the heading, which lets
an author rename a heading without the merge taking it for a new section. A section whose heading starts with 別紙 is
an annex: in a municipal edition it is the municipality's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from kyodo.shishin import sentences

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]*\{#([^}\s]+)\})?[ \t]*$")
ANNEX_PREFIX = "別紙"


class Licence(StrEnum):
    CC_BY_4 = "CC-BY-4.0"
    PDL_1 = "PDL-1.0"
    CC0 = "CC0-1.0"

    @property
    def label(self) -> str:
        return {
            Licence.CC_BY_4: "CC BY 4.0",
            Licence.PDL_1: "公共データ利用規約(第1.0版)",
            Licence.CC0: "CC0 1.0",
        }[self]

    @property
    def url(self) -> str:
        return {
            Licence.CC_BY_4: "https://creativecommons.org/licenses/by/4.0/deed.ja",
            Licence.PDL_1: "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
            Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/deed.ja",
        }[self]


@dataclass(frozen=True, slots=True)
class ChangelogEntry:
    version: str
    date: date | None
    note: str


@dataclass(frozen=True, slots=True)
class Metadata:
    title: str
    publisher: str
    version: str
    licence: Licence
    date: date | None = None
    changelog: tuple[ChangelogEntry, ...] = ()
    # In an upstream guideline: variable name → what to fill in. In an edition: variable name → its value.
    variables: dict[str, str] = field(default_factory=dict)
    based_on: str | None = None  # an edition: the upstream version it was made from


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    text: str  # the heading line (none for the preamble) and the body, exactly as written
    line: int = 1  # where it starts in its file (1-based)

    @property
    def heading(self) -> str:
        first = self.text.split("\n", 1)[0]
        found = HEADING.match(first)
        return found.group(2) if found else ""

    @property
    def level(self) -> int:
        found = HEADING.match(self.text.split("\n", 1)[0])
        return len(found.group(1)) if found else 0

    @property
    def annex(self) -> bool:
        return self.heading.startswith(ANNEX_PREFIX)

    def pieces(self) -> list[str]:
        return sentences.split(self.text)


@dataclass(frozen=True, slots=True)
class Document:
    meta: Metadata
    sections: tuple[Section, ...]

    @property
    def body(self) -> str:
        return "".join(s.text for s in self.sections)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def with_sections(self, sections: list[Section]) -> Document:
        return replace(self, sections=tuple(sections))

    def sentence_count(self) -> int:
        return sum(len(sentences.sentences(s.text)) for s in self.sections)


def section_id(heading_line: str) -> str | None:
    """The id of a heading line, or None when the line is no heading."""
    found = HEADING.match(heading_line.rstrip("\r\n"))
    if not found:
        return None
    return found.group(3) or found.group(2).strip()
