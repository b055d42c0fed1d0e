"""Search across an organisation's meetings, by words and by speaker, through the database's full-text index.

Both sides are normalised the same way (NFKC, so full- and half-width forms meet; lower case; hiragana as
katakana, so とよす finds トヨス; spaces and punctuation dropped), and a hit holds every word of the query
anywhere in its text, inside longer words too (南砂 finds 南砂地区).

The index stores each text as its overlapping character pairs (`index_text`: 原案の → 原案 案の), so a query
word is a phrase of its pairs: FTS5 on SQLite, a tsvector with `<->` on PostgreSQL (the same two indexes the
case search of kyodo.web.jirei uses). Pairs, not the case search's SudachiPy words: minutes are searched for
what was said as written, and a word analyser splits a hiragana spelling or a town inside a compound its own way.
"""

from __future__ import annotations

import re
import unicodedata
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


def _letters(text: str) -> str:
    """The normalised text, letters and digits only (what both indexes keep as token characters)."""
    return "".join(c for c in normalise(text) if c.isalnum())


def _pairs(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def index_text(text: str) -> str:
    """What the index stores for a text: its character pairs, then its last character alone (so that a
    one-character query finds it at the very end as well)."""
    flat = _letters(text)
    return " ".join([*_pairs(flat), flat[-1]]) if flat else ""


def _query_pieces(query: str) -> list[list[str]]:
    """Per query word, the pairs it must show in a row (a one-character word: that character alone)."""
    words = [_letters(w) for w in query_words(query)]
    return [_pairs(w) or [w] for w in words if w]


def fts5_match(query: str) -> str:
    """An FTS5 MATCH expression holding every word: a phrase of its pairs, or a prefix for one character."""
    return " AND ".join(f'"{" ".join(p)}"' if len(p[0]) == 2 else f'"{p[0]}"*' for p in _query_pieces(query))


def tsquery(query: str) -> str:
    """The same for PostgreSQL's to_tsquery('simple', …): pairs joined by <-> (next to each other)."""
    return " & ".join("(" + " <-> ".join(p) + ")" if len(p[0]) == 2 else f"{p[0]}:*" for p in _query_pieces(query))


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


def hit(row: Row, text: str, speaker: str, query: str) -> Hit[Row]:
    """A found row with its speaker label and the text around the query's first word."""
    words = query_words(query)
    return Hit(row, speaker, snippet(text, words[0]) if words else text[:60])
