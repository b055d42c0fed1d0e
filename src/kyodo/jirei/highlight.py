"""Marking the words a query matched, on the original text (whatever its width or spelling)."""

from __future__ import annotations

from dataclasses import dataclass

from kyodo.jirei.query import ParsedQuery
from kyodo.jirei.text import analyse


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    hit: bool


def _hit_ranges(text: str, query: ParsedQuery) -> list[tuple[int, int]]:
    singles = {alt[0] for term in query.terms for alt in term.alternatives if len(alt) == 1}
    sets = [frozenset(alt) for term in query.terms for alt in term.alternatives]
    ranges = []
    for word in analyse(text):
        tokens = set(word.tokens)
        if word.key in singles or tokens & singles or any(s <= tokens for s in sets):
            ranges.append((word.begin, word.end))
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(ranges):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def highlight(text: str, query: ParsedQuery) -> list[Segment]:
    """The whole text as segments, matched words marked."""
    segments, at = [], 0
    for begin, end in _hit_ranges(text, query) if query.terms else []:
        if begin > at:
            segments.append(Segment(text[at:begin], False))
        segments.append(Segment(text[begin:end], True))
        at = end
    if at < len(text):
        segments.append(Segment(text[at:], False))
    return segments


def snippet(text: str, query: ParsedQuery, width: int = 120) -> list[Segment]:
    """About `width` characters around the first match (the start of the text when nothing matched)."""
    ranges = _hit_ranges(text, query) if query.terms else []
    start = max(0, ranges[0][0] - width // 4) if ranges else 0
    end = min(len(text), start + width)
    piece = text[start:end]
    segments = highlight(piece, query) if ranges else [Segment(piece, False)]
    if start > 0:
        segments.insert(0, Segment("…", False))
    if end < len(text):
        segments.append(Segment("…", False))
    return segments
