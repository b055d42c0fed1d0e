"""Three-way merge of one section's sentence sequence (base, ours, theirs), built on `merge3`.

`merge3` finds the regions both sides left alone and says which side changed each other region. Like a line-based
merge it calls a region a conflict when both sides changed *adjacent* sentences with nothing unchanged between them;
in Japanese prose sentences sit side by side with no separator, so a local deletion right beside an upstream edit
would conflict. Such a region is refined here: the two sides' edits are laid against the base sentences and only
edits that touch the same base sentences (or insert at the same place) stay a conflict; the rest are applied.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from merge3 import Merge3


class Source(StrEnum):
    UNCHANGED = "unchanged"  # in all three
    OURS = "ours"  # changed only in the edition
    THEIRS = "theirs"  # changed only upstream
    SAME = "same"  # changed alike on both sides
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class Region:
    source: Source
    pieces: tuple[str, ...] = ()  # the merged pieces (not for a conflict)
    base: tuple[str, ...] = ()  # a conflict's three sides
    ours: tuple[str, ...] = ()
    theirs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Edit:
    start: int  # base positions [start, end) replaced by pieces
    end: int
    pieces: tuple[str, ...]
    side: Source


def merge_pieces(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> list[Region]:
    """Regions in order; the merged text is their pieces (conflicts shown separately)."""
    regions: list[Region] = []
    for group in Merge3(list(base), list(ours), list(theirs)).merge_groups():
        kind = group[0]
        if kind == "conflict":
            regions.extend(_refine(group[1], group[2], group[3]))  # type: ignore[misc]
        else:
            regions.append(Region(_SOURCES[kind], tuple(group[1])))
    return regions


_SOURCES = {"unchanged": Source.UNCHANGED, "a": Source.OURS, "b": Source.THEIRS, "same": Source.SAME}


def _edits(base: Sequence[str], side: Sequence[str], who: Source) -> list[_Edit]:
    matcher = difflib.SequenceMatcher(None, list(base), list(side), autojunk=False)
    return [_Edit(i1, i2, tuple(side[j1:j2]), who)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


def _touch(a: _Edit, b: _Edit) -> bool:
    """Whether two edits from different sides cannot both be applied without choosing."""
    if a.start < b.end and b.start < a.end:
        return True  # they replace a common base sentence
    if a.start == a.end and b.start == b.end:
        return a.start == b.start  # two insertions at the same place: which order?
    inserted, other = (a, b) if a.start == a.end else (b, a)
    return inserted.start == inserted.end and other.start < inserted.start < other.end


def _clusters(edits: list[_Edit]) -> Iterator[list[_Edit]]:
    """Edits grouped so that edits of different sides that touch share a group (base order)."""
    edits = sorted(edits, key=lambda e: (e.start, e.end))
    group: list[_Edit] = []
    for edit in edits:
        if group and any(_touch(edit, g) or (edit.side == g.side and edit.start < g.end) for g in group):
            group.append(edit)
            continue
        if group:
            yield group
        group = [edit]
    if group:
        yield group


def _apply(base: Sequence[str], start: int, end: int, edits: list[_Edit]) -> tuple[str, ...]:
    out: list[str] = []
    at = start
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        out.extend(base[at:edit.start])
        out.extend(edit.pieces)
        at = edit.end
    out.extend(base[at:end])
    return tuple(out)


def _refine(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> Iterator[Region]:
    edits = _edits(base, ours, Source.OURS) + _edits(base, theirs, Source.THEIRS)
    at = 0
    for group in _clusters(edits):
        start, end = min(e.start for e in group), max(e.end for e in group)
        if at < start:
            yield Region(Source.UNCHANGED, tuple(base[at:start]))
        sides = {e.side for e in group}
        if len(sides) == 1:
            yield Region(sides.pop(), _apply(base, start, end, group))
        else:
            mine = _apply(base, start, end, [e for e in group if e.side == Source.OURS])
            upstream = _apply(base, start, end, [e for e in group if e.side == Source.THEIRS])
            if mine == upstream:
                yield Region(Source.SAME, mine)
            else:
                yield Region(Source.CONFLICT, base=tuple(base[start:end]), ours=mine, theirs=upstream)
        at = end
    if at < len(base):
        yield Region(Source.UNCHANGED, tuple(base[at:]))
