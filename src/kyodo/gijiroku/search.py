"""Search across an organisation's meetings: a plain normalised match, by words and by speaker.

Both sides are normalised the same way (NFKC, so full- and half-width forms meet; lower case; hiragana as
katakana, so とよす finds トヨス; spaces and punctuation dropped), and a hit holds every word of the query.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Row = TypeVar("Row")
_DROP = re.compile(r"[\s、。,.・!?!?「」『』()()]")


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    kana = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in folded)
    return _DROP.sub("", kana)


def query_words(query: str) -> list[str]:
    return [w for w in (normalise(p) for p in re.split(r"[\s  、,]+", query)) if w]


@dataclass(frozen=True, slots=True)
class Hit(Generic[Row]):
    row: Row
    speaker: str
    snippet: str


def snippet(text: str, word: str, width: int = 40) -> str:
    """The text around the first place the (normalised) word occurs; the start of the text if not found."""
    for start in range(len(text)):
        if normalise(text[start : start + len(word) * 2 + 4]).startswith(word):
            left, right = max(0, start - width // 2), min(len(text), start + width)
            return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")
    return text[:width] + ("…" if len(text) > width else "")


def find_segments(
    rows: Sequence[Row], query: str, speaker: str, text_of: Callable[[Row], str], speaker_of: Callable[[Row], str]
) -> list[Hit[Row]]:
    """Rows whose text holds every query word and whose speaker label holds `speaker` (either may be empty)."""
    words, who = query_words(query), normalise(speaker)
    hits: list[Hit[Row]] = []
    for row in rows:
        label = speaker_of(row)
        if who and who not in normalise(label):
            continue
        text = text_of(row)
        flat = normalise(text)
        if all(w in flat for w in words):
            hits.append(Hit(row, label, snippet(text, words[0]) if words else text[:60]))
    return hits
