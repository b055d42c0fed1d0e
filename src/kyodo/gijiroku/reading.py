"""Reading-based correction: put back the vocabulary's spelling where the recogniser heard its sound.

Whisper base often hears a proper noun right and writes it wrong: 亀戸 as カメイド, 南砂地区 as ミナミスナチック,
江東区 as 高等区. Each of those has the vocabulary term's reading. So the recognised text is read (SudachiPy
readings, a main dependency; katakana that the recogniser wrote is its own reading, letter by letter) and every
stretch of it is compared with the readings of the vocabulary:

1. Cut the text into units: one per morpheme, one per letter inside katakana words (so ミナミスナ can be found
   inside ミナミスナチック). Punctuation separates; a stretch never starts or ends on a particle or auxiliary.
2. Compare readings as phonetic keys (long vowels unified: トウヨウ = トーヨー), by edit distance in which a
   voicing difference (タ/ダ) costs half.
3. Accept by what the stretch is. Katakana or words the dictionary does not know: similarity ≥ 0.8 for keys of
   five sounds or more, ≥ 0.85 for four, exact for three; never for one or two. Ordinary dictionary words
   (東洋, 土曜): only an exact reading of five sounds or more (高等区 → 江東区), because a shorter homophone is
   too often a real word (東洋 is not 東陽). These limits are tested against near misses in tests/gijiroku.
4. Drop a match where the term is already spelled right over it (学童クラ inside 学童クラブ). Take the best
   matches that do not overlap (longest term, then highest similarity) and record each one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from kyodo.gijiroku.transcript import AppliedCorrection
from kyodo.gijiroku.vocabulary import Term, TermKind

READING_SOURCE = "reading"
MAX_UNITS = 12  # units in one stretch; terms are at most a dozen sounds
_FUNCTION_POS = ("助詞", "助動詞", "補助記号", "空白")
_KATAKANA = re.compile(r"^[ァ-ヴー]+$")
_HAS_KANJI = re.compile(r"[一-龥々]")
_VOICED = str.maketrans(
    "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ", "カキクケコサシスセソタチツテトハヒフヘホハヒフヘホウ"
)
_O_ROW, _U_ROW, _E_ROW = set("オコゴソゾトドノホボポモヨョロヲ"), set("ウクグスズツヅヌフブプムユュルゥ"), set("エケゲセゼテデネヘベペメレ")


def hiragana_to_katakana(text: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def phonetic_key(reading: str) -> str:
    """Katakana in one spelling per sound: ヂ→ジ, ヅ→ズ, ヲ→オ, and long vowels (オウ, ウウ, エイ) as ー."""
    kana = hiragana_to_katakana(reading).translate(str.maketrans("ヂヅヲ", "ジズオ"))
    out: list[str] = []
    for c in kana:
        prev = out[-1] if out else ""
        if (c == "ウ" and (prev in _O_ROW or prev in _U_ROW)) or (c == "イ" and prev in _E_ROW):
            out.append("ー")
        else:
            out.append(c)
    return "".join(out)


def similarity(a: str, b: str) -> float:
    """1 − distance / longer length, where a voicing difference counts half (タイキ vs ダイキ: 0.83)."""
    if not a or not b:
        return 0.0
    plain = Levenshtein.distance(a.translate(_VOICED), b.translate(_VOICED))
    full = Levenshtein.distance(a, b)
    return 1.0 - (plain + 0.5 * (full - plain)) / max(len(a), len(b))


def threshold(length: int, known_words: bool) -> float | None:
    """The similarity a stretch needs (None: never replaced). `known_words`: only ordinary dictionary words."""
    if known_words:
        return 1.0 if length >= 5 else None
    if length >= 5:
        return 0.8
    if length == 4:
        return 0.85
    return 1.0 if length == 3 else None


@dataclass(frozen=True, slots=True)
class Unit:
    surface: str
    key: str
    start: int
    end: int
    function: bool  # a particle or auxiliary: inside a stretch only
    known: bool  # an ordinary dictionary word (not katakana, not unknown to the dictionary)
    barrier: bool = False  # punctuation: no stretch crosses it


@functools.lru_cache(maxsize=1)
def _tokenizer():  # type: ignore[no-untyped-def]
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


@functools.lru_cache(maxsize=4096)
def reading_of(text: str) -> str:
    """The katakana reading of a text (SudachiPy; katakana stays as written)."""
    return "".join(
        m.surface() if _KATAKANA.match(m.surface()) else m.reading_form() for m in _tokenizer().tokenize(text)
    )


def units_of(text: str) -> list[Unit]:
    units: list[Unit] = []
    offset = 0
    for m in _tokenizer().tokenize(text):
        surface = m.surface()
        start, offset = offset, offset + len(surface)
        pos = m.part_of_speech()[0]
        if pos in ("補助記号", "空白"):
            units.append(Unit(surface, "", start, offset, True, True, barrier=True))
        elif _KATAKANA.match(surface):
            units += [Unit(c, c, start + i, start + i + 1, False, False) for i, c in enumerate(surface)]
        else:
            known = not m.is_oov() and bool(_HAS_KANJI.search(surface))
            units.append(Unit(surface, hiragana_to_katakana(m.reading_form()), start, offset,
                              pos in _FUNCTION_POS, known))
    return units


@dataclass(frozen=True, slots=True)
class IndexedTerm:
    text: str
    key: str


class ReadingIndex:
    """The vocabulary by the first sound of each reading (voicing ignored), for fast look-up."""

    def __init__(self, terms: Iterable[Term], readings: dict[str, str] | None = None) -> None:
        readings = readings or {}
        self.spellings: set[str] = set()
        self.by_first: dict[str, list[IndexedTerm]] = {}
        for term in terms:
            self._add(term.text, term.reading or readings.get(term.text) or reading_of(term.text))
            if term.kind == TermKind.TOWN:  # 南砂地区: a town is often said with 地区
                self._add(term.text + "地区", (term.reading or reading_of(term.text)) + "チク")

    def _add(self, text: str, reading: str) -> None:
        key = phonetic_key(reading)
        if len(key) < 3 or not reading:
            return
        self.spellings.add(text)
        self.by_first.setdefault(key[0].translate(_VOICED), []).append(IndexedTerm(text, key))

    def candidates(self, key: str) -> list[IndexedTerm]:
        return self.by_first.get(key[:1].translate(_VOICED), []) if key else []


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    wrong: str
    right: str
    score: float


def find_matches(text: str, index: ReadingIndex) -> list[Match]:
    """Non-overlapping replacements for a text, in text order."""
    units = units_of(text)
    found: list[Match] = []
    for i, first in enumerate(units):
        if first.barrier or first.function:
            continue
        terms = index.candidates(first.key)
        if not terms:
            continue
        longest = max(len(t.key) for t in terms) + 2
        key = ""
        for j in range(i, min(len(units), i + MAX_UNITS)):
            unit = units[j]
            if unit.barrier:
                break
            key += phonetic_key(unit.key) if unit.known or unit.function else unit.key
            if len(key) > longest:
                break
            if unit.function:
                continue
            stretch = units[i : j + 1]
            surface = text[first.start : unit.end]
            if surface in index.spellings:
                continue
            found += _score(stretch, surface, phonetic_key(key), terms)
    return _non_overlapping([m for m in found if not _already_spelled(text, m)])


def _already_spelled(text: str, match: Match) -> bool:
    """Whether the term is already written right where the match lies: a stretch that is part of the right
    spelling (学童クラ inside 学童クラブ, 対策につい inside 対策について) is not a mistake to replace."""
    at = text.find(match.right, max(0, match.start - len(match.right) + 1))
    while at != -1 and at < match.end:
        if at + len(match.right) > match.start:
            return True
        at = text.find(match.right, at + 1)
    return False


def _score(stretch: Sequence[Unit], surface: str, key: str, terms: Sequence[IndexedTerm]) -> list[Match]:
    known = all(u.known or u.function for u in stretch)
    matches = []
    for term in terms:
        if abs(len(term.key) - len(key)) > 2 or term.text == surface:
            continue
        needed = threshold(len(term.key), known)
        score = similarity(key, term.key)
        if needed is not None and score >= needed - 1e-9:
            matches.append(Match(stretch[0].start, stretch[-1].end, surface, term.text, score))
    return matches


def _non_overlapping(found: list[Match]) -> list[Match]:
    chosen: list[Match] = []
    for match in sorted(found, key=lambda m: (-len(m.right), -m.score, -(m.end - m.start), m.start)):
        if all(match.end <= c.start or match.start >= c.end for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)


def correct_by_reading(text: str, index: ReadingIndex) -> tuple[str, list[AppliedCorrection]]:
    """The text with close readings replaced by the vocabulary's spelling, and what was replaced (and how often)."""
    matches = find_matches(text, index)
    if not matches:
        return text, []
    pieces, cursor, counts = [], 0, dict[tuple[str, str], int]()
    for m in matches:
        pieces += [text[cursor : m.start], m.right]
        cursor = m.end
        counts[(m.wrong, m.right)] = counts.get((m.wrong, m.right), 0) + 1
    pieces.append(text[cursor:])
    applied = [AppliedCorrection(w, r, n, READING_SOURCE) for (w, r), n in counts.items()]
    return "".join(pieces), applied
