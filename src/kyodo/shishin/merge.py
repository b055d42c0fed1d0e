"""Updating a municipal edition to a new upstream version: a three-way merge per section at sentence level.

base = the upstream version the edition started from, ours = the edition, theirs = the new upstream version; the
edition's variable values are applied to both upstream texts first, so a filled-in 〇〇区 is no local change.
Sections are matched by id. Upstream's order wins; a section only the edition has (an annex, a local addition) stays
right after the section it followed in the edition. Nothing from either side is lost: every change is applied or
shown in a conflict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import StrEnum

from kyodo.problems import InputError, Problem
from kyodo.shishin import variables
from kyodo.shishin.model import Document, Metadata, Section
from kyodo.shishin.parse import front_matter, parse_document
from kyodo.shishin.sentence_merge import Region, Source, merge_pieces
from kyodo.shishin.sentences import split


class ConflictKind(StrEnum):
    BOTH_CHANGED = "both_changed"
    DELETED_HERE = "deleted_here"
    DELETED_UPSTREAM = "deleted_upstream"
    BOTH_ADDED = "both_added"

    @property
    def label(self) -> str:
        return {
            ConflictKind.BOTH_CHANGED: "同じ文を自治体版と東京都の新しい版の両方で変更",
            ConflictKind.DELETED_HERE: "自治体版で削除した節を東京都が変更",
            ConflictKind.DELETED_UPSTREAM: "東京都が削除した節を自治体版で変更",
            ConflictKind.BOTH_ADDED: "同じ見出しの節を両方で追加",
        }[self]


class Resolution(StrEnum):
    OURS = "ours"  # keep the edition's text
    THEIRS = "theirs"  # take the new upstream text
    EDIT = "edit"  # write a new text


class SectionOrigin(StrEnum):
    SHARED = "shared"  # in the upstream versions and the edition
    NEW_UPSTREAM = "new_upstream"
    LOCAL = "local"  # the edition's own (annex or addition)


@dataclass(frozen=True, slots=True)
class Conflict:
    index: int
    section_id: str
    heading: str
    kind: ConflictKind
    base: str
    ours: str
    theirs: str

    def as_dict(self) -> dict[str, object]:
        return {"index": self.index, "section": self.section_id, "heading": self.heading, "kind": str(self.kind),
                "kind_label": self.kind.label, "base": self.base, "ours": self.ours, "theirs": self.theirs}


@dataclass(frozen=True, slots=True)
class Chunk:
    text: str = ""
    conflict: int | None = None  # index into MergeResult.conflicts
    source: Source = Source.UNCHANGED  # where a clean chunk's text came from


@dataclass(frozen=True, slots=True)
class MergedSection:
    id: str
    origin: SectionOrigin
    chunks: tuple[Chunk, ...]
    heading: str = ""


@dataclass(slots=True)
class MergeStats:
    """Sentences (whitespace between them not counted) by where the merged text took them from."""

    unchanged: int = 0
    from_ours: int = 0  # the edition's local changes kept
    from_theirs: int = 0  # upstream changes applied
    same: int = 0  # changed alike on both sides
    conflicting: int = 0  # sentences of either side inside conflicts
    new_sections: int = 0
    local_sections: int = 0
    dropped_sections: int = 0

    @property
    def clean(self) -> int:
        return self.from_ours + self.from_theirs + self.same


@dataclass(frozen=True, slots=True)
class MergeResult:
    meta: Metadata
    sections: tuple[MergedSection, ...]
    conflicts: tuple[Conflict, ...]
    stats: MergeStats = field(default_factory=MergeStats)

    @property
    def clean(self) -> bool:
        return not self.conflicts

    def document(self, resolutions: dict[int, tuple[Resolution, str]] | None = None) -> Document:
        """The merged document. Each conflict needs a resolution (index → (choice, text for EDIT)); ValueError if not."""
        resolutions = resolutions or {}
        missing = [c.index for c in self.conflicts if c.index not in resolutions]
        if missing:
            raise ValueError(f"unresolved conflicts: {missing}")
        body = "".join(self._section_text(s, resolutions) for s in self.sections)
        return parse_document(front_matter(self.meta) + body, "統合結果")

    def _section_text(self, section: MergedSection, resolutions: dict[int, tuple[Resolution, str]]) -> str:
        parts = []
        for chunk in section.chunks:
            if chunk.conflict is None:
                parts.append(chunk.text)
                continue
            choice, edited = resolutions[chunk.conflict]
            conflict = self.conflicts[chunk.conflict]
            parts.append({Resolution.OURS: conflict.ours, Resolution.THEIRS: conflict.theirs,
                          Resolution.EDIT: edited.replace("\r\n", "\n")}[choice])
        return "".join(parts)

    def marked_text(self, ours_label: str = "自治体版", theirs_label: str = "東京都の新しい版") -> str:
        """The whole document, conflicts marked as in a version-control merge (<<<<<<< … >>>>>>>)."""
        parts = []
        for section in self.sections:
            for chunk in section.chunks:
                if chunk.conflict is None:
                    parts.append(chunk.text)
                    continue
                c = self.conflicts[chunk.conflict]
                if parts and not parts[-1].endswith("\n"):
                    parts.append("\n")
                parts += [f"<<<<<<< {ours_label}\n", _line(c.ours), "||||||| 元の版\n", _line(c.base), "=======\n",
                          _line(c.theirs), f">>>>>>> {theirs_label}\n"]
        return front_matter(self.meta) + "".join(parts)

    def conflicts_json(self) -> str:
        return json.dumps([c.as_dict() for c in self.conflicts], ensure_ascii=False, indent=2)


def _line(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def update(base: Document, ours: Document, theirs: Document, *, values: dict[str, str] | None = None,
           names: tuple[str, str, str] = ("元の版", "自治体版", "新しい版")) -> MergeResult:
    """Merge the new upstream version `theirs` into the edition `ours` made from `base`.

    `values` are the edition's variable values (by default those in its metadata); InputError when an upstream text
    uses a variable without a value.
    """
    values = dict(ours.meta.variables if values is None else values)
    base_filled = variables.apply(base, values, names[0])
    theirs_filled = variables.apply(theirs, values, names[2])
    if ours.meta.based_on and ours.meta.based_on != base.meta.version:
        raise InputError([Problem(
            f"自治体版は第{ours.meta.based_on}版から作られていますが、元の版として第{base.meta.version}版が渡されました",
            file=names[1], row=1)])
    return merge(base_filled, ours, theirs_filled)


def merge(base: Document, ours: Document, theirs: Document) -> MergeResult:
    """Three-way merge of documents whose variables are already filled in."""
    state = _State()
    order = _order(base, ours, theirs)
    merged = [s for s in (state.section(sid, base, ours, theirs) for sid in order) if s is not None]
    meta = replace(ours.meta, based_on=theirs.meta.version)
    return MergeResult(meta=meta, sections=tuple(merged), conflicts=tuple(state.conflicts), stats=state.stats)


def _order(base: Document, ours: Document, theirs: Document) -> list[str]:
    order = [s.id for s in theirs.sections]
    # Sections upstream removed but the edition still has, then the edition's own, after what they followed there.
    previous: str | None = None
    for section in ours.sections:
        if section.id not in order:
            at = order.index(previous) + 1 if previous is not None else 0
            order.insert(at, section.id)
        previous = section.id
    return order


def _count(pieces: tuple[str, ...] | list[str]) -> int:
    return sum(1 for p in pieces if p.strip())


class _State:
    def __init__(self) -> None:
        self.conflicts: list[Conflict] = []
        self.stats = MergeStats()

    def section(self, sid: str, base: Document, ours: Document, theirs: Document) -> MergedSection | None:
        b, o, t = base.section(sid), ours.section(sid), theirs.section(sid)
        if b is None and o is None:
            self.stats.new_sections += 1
            assert t is not None
            self.stats.from_theirs += _count(t.pieces())
            return MergedSection(sid, SectionOrigin.NEW_UPSTREAM, (Chunk(t.text, source=Source.THEIRS),), t.heading)
        if b is None and t is None:
            self.stats.local_sections += 1
            assert o is not None
            self.stats.from_ours += _count(o.pieces())
            return MergedSection(sid, SectionOrigin.LOCAL, (Chunk(o.text, source=Source.OURS),), o.heading)
        if o is None or t is None:
            return self._deleted_on_one_side(sid, b, o, t)
        kind = ConflictKind.BOTH_CHANGED if b is not None else ConflictKind.BOTH_ADDED
        regions = merge_pieces(b.pieces() if b else [], o.pieces(), t.pieces())
        chunks = tuple(self._chunk(r, sid, o.heading or t.heading, kind) for r in regions)
        origin = SectionOrigin.SHARED if b is not None else SectionOrigin.LOCAL
        return MergedSection(sid, origin, chunks, t.heading)

    def _deleted_on_one_side(self, sid: str, b: Section | None, o: Section | None,
                             t: Section | None) -> MergedSection | None:
        kept = o or t
        assert b is not None and kept is not None
        if kept.text == b.text:
            self.stats.dropped_sections += 1
            return None  # deleted on one side, untouched on the other: the deletion stands
        kind = ConflictKind.DELETED_UPSTREAM if o is not None else ConflictKind.DELETED_HERE
        region = Region(Source.CONFLICT, base=tuple(split(b.text)), ours=tuple(split(o.text) if o else ()),
                        theirs=tuple(split(t.text) if t else ()))
        return MergedSection(sid, SectionOrigin.SHARED, (self._chunk(region, sid, kept.heading, kind),), kept.heading)

    def _chunk(self, region: Region, sid: str, heading: str, kind: ConflictKind) -> Chunk:
        if region.source == Source.CONFLICT and not "".join((*region.ours, *region.theirs)).strip():
            # Both sides changed only whitespace here: nothing a reader could choose between; upstream's layout wins.
            return Chunk("".join(region.theirs), source=Source.THEIRS)
        if region.source != Source.CONFLICT:
            field_name = {Source.UNCHANGED: "unchanged", Source.OURS: "from_ours", Source.THEIRS: "from_theirs",
                          Source.SAME: "same"}[region.source]
            setattr(self.stats, field_name, getattr(self.stats, field_name) + _count(region.pieces))
            return Chunk("".join(region.pieces), source=region.source)
        conflict = Conflict(len(self.conflicts), sid, heading, kind, "".join(region.base), "".join(region.ours),
                            "".join(region.theirs))
        self.conflicts.append(conflict)
        self.stats.conflicting += _count(region.ours) + _count(region.theirs)
        return Chunk(conflict=conflict.index, source=Source.CONFLICT)

