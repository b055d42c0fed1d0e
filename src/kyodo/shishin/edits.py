"""What changed between two documents, sentence by sentence: version diffs and an edition's local edits.

`diff` compares two documents section by section (for 東京都's diff between versions and for an edition against the
upstream text it was made from). `local_edits` lists an edition's edits against its upstream version, keyed by the
upstream sentence as written (with its `{{変数}}`), so edits of the same sentence by different municipalities can be
counted together (`hotspots`): a sentence many change is a signal to improve the upstream text.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from kyodo.shishin import variables
from kyodo.shishin.model import Document
from kyodo.shishin.sentences import sentences


class SectionStatus(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


class EditKind(StrEnum):
    REPLACED = "replaced"
    ADDED = "added"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return {EditKind.REPLACED: "変更", EditKind.ADDED: "追加", EditKind.REMOVED: "削除"}[self]


@dataclass(frozen=True, slots=True)
class DiffOp:
    kind: str  # "equal", "replace", "insert", "delete" (difflib's words)
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SectionDiff:
    id: str
    heading: str
    status: SectionStatus
    ops: tuple[DiffOp, ...]

    @property
    def changed_sentences(self) -> int:
        return sum(max(len(op.old), len(op.new)) for op in self.ops if op.kind != "equal")


@dataclass(frozen=True, slots=True)
class LocalEdit:
    section_id: str
    kind: EditKind
    before: str  # the upstream sentence as written ("" for an addition)
    after: str  # the edition's sentence ("" for a removal)


def sentence_ops(old: list[str], new: list[str]) -> tuple[DiffOp, ...]:
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return tuple(DiffOp(tag, tuple(old[i1:i2]), tuple(new[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes())


def diff(old: Document, new: Document) -> list[SectionDiff]:
    """Section by section in the new document's order, then the sections the new one removed."""
    out = []
    for section in new.sections:
        before = old.section(section.id)
        ops = sentence_ops(sentences(before.text) if before else [], sentences(section.text))
        if before is None:
            status = SectionStatus.ADDED
        else:
            status = SectionStatus.UNCHANGED if all(op.kind == "equal" for op in ops) else SectionStatus.CHANGED
        out.append(SectionDiff(section.id, section.heading, status, ops))
    for section in old.sections:
        if new.section(section.id) is None:
            out.append(SectionDiff(section.id, section.heading, SectionStatus.REMOVED,
                                   sentence_ops(sentences(section.text), [])))
    return out


def local_edits(upstream: Document, edition: Document) -> list[LocalEdit]:
    """The edition's edits against the upstream version it was made from (variables filled with its values)."""
    values = edition.meta.variables
    edits: list[LocalEdit] = []
    for section in upstream.sections:
        written = sentences(section.text)
        filled = sentences(variables.fill(section.text, values))
        if len(written) != len(filled):  # a value with a 。 in it: fall back to the filled text
            written = filled
        mine = edition.section(section.id)
        for op in sentence_ops(filled, sentences(mine.text) if mine else []):
            edits += _edits_of(section.id, op, written, filled)
    for section in edition.sections:
        if upstream.section(section.id) is None:
            edits += [LocalEdit(section.id, EditKind.ADDED, "", s) for s in sentences(section.text)]
    return edits


def _edits_of(section_id: str, op: DiffOp, written: list[str], filled: list[str]) -> list[LocalEdit]:
    if op.kind == "equal":
        return []
    start = _index(filled, op.old, written) if op.old else 0
    before = written[start:start + len(op.old)] if op.old else []
    out = []
    for i in range(max(len(op.old), len(op.new))):
        b = before[i] if i < len(before) else ""
        a = op.new[i] if i < len(op.new) else ""
        kind = EditKind.REPLACED if b and a else EditKind.ADDED if a else EditKind.REMOVED
        out.append(LocalEdit(section_id, kind, b, a))
    return out


def _index(filled: list[str], old: tuple[str, ...], written: list[str]) -> int:
    for i in range(len(filled) - len(old) + 1):
        if tuple(filled[i:i + len(old)]) == old:
            return i
    return 0


@dataclass(frozen=True, slots=True)
class Hotspot:
    section_id: str
    sentence: str  # the upstream sentence as written
    editions: int  # how many editions changed or removed it


def hotspots(pairs: Iterable[tuple[Document, Document]], limit: int = 10) -> list[Hotspot]:
    """Upstream sentences changed or removed by the most editions ((upstream, edition) pairs)."""
    counts: Counter[tuple[str, str]] = Counter()
    for upstream, edition in pairs:
        touched = {(e.section_id, e.before) for e in local_edits(upstream, edition) if e.before}
        counts.update(touched)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Hotspot(sid, sentence, n) for (sid, sentence), n in ranked[:limit]]


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    """An edition's changes in a line: for the attribution the licence asks for."""

    variables: tuple[str, ...]
    replaced: int
    added: int
    removed: int
    sections_changed: tuple[str, ...]
    annexes: tuple[str, ...]


def summarise(upstream: Document, edition: Document) -> ChangeSummary:
    edits = [e for e in local_edits(upstream, edition) if upstream.section(e.section_id) is not None]
    kinds = Counter(e.kind for e in edits)
    changed = tuple(dict.fromkeys(e.section_id for e in edits))
    annexes = tuple(s.heading for s in edition.sections if s.annex and upstream.section(s.id) is None)
    added_sections = sum(len(sentences(s.text)) for s in edition.sections
                         if upstream.section(s.id) is None and not s.annex)
    return ChangeSummary(
        variables=tuple(k for k in edition.meta.variables if k in variables.used(upstream)),
        replaced=kinds[EditKind.REPLACED], added=kinds[EditKind.ADDED] + added_sections,
        removed=kinds[EditKind.REMOVED], sections_changed=changed, annexes=annexes,
    )
