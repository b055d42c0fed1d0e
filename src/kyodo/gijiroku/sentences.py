"""Sentences and turns: restore 。 and 、 where recognition dropped them, and cut utterances between sentences.

Whisper often writes a whole chunk without a mark, and a chunk (up to 30 s of speech) may hold several
speakers. Cutting utterances at chunk or word boundaries put turns in the middle of words (ミ / ナミスナチック).
So the recognised words of the whole meeting are read as one stream:

1. Join the words; read the stream with SudachiPy (morphemes with their part of speech).
2. Restore marks at morpheme boundaries only, never inside a word:
   - 。 after a polite sentence-final form (ます, です, ました, でした, ません, ください, ましょう, でしょう)
     and any final particles after it (か, ね, よ), when what follows is not a particle or auxiliary
     (考えていますけど, ですので continue the sentence);
   - 、 at a pause of PAUSE_COMMA_S or more before a content word.
3. Cut the stream into sentences at 。?!; a sentence's speaker is the one the diarizer hears most during it
   (speakers rarely change inside a sentence, the diarizer's 3 s windows often do). A long stretch without a
   sentence mark (over LONG_SENTENCE_S) is judged piece by piece between pauses instead.
4. Consecutive sentences of one speaker form an utterance, unless a pause of UTTERANCE_GAP_S falls between.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from kyodo.gijiroku.diarize import speaker_at
from kyodo.gijiroku.transcript import Segment, SpeakerTurn, Utterance

SENTENCE_MARKS = "。?!?!"
MARKS = SENTENCE_MARKS + "、,,."
PAUSE_COMMA_S = 0.5
PAUSE_PIECE_S = 0.5
LONG_SENTENCE_S = 15.0
UTTERANCE_GAP_S = 2.0
PIECE_CHARS = 4000  # up to 4 bytes a character in UTF-8: twice this stays under SudachiPy's 49,149 bytes
# Sentence-final polite forms by surface (Sudachi's conjugation tags say 連体形 for ます before a noun).
_FINAL_AUX = frozenset({"ます", "です", "ん", "ください", "う"})
_FINAL_AFTER = {"ん": ("ませ",), "う": ("ましょ", "でしょ")}
_FINAL_PAST = ("まし", "でし")
_NON_FINAL_PARTICLES = ("接続助詞", "準体助詞", "格助詞", "副助詞", "係助詞")


@dataclass(frozen=True, slots=True)
class TimedChar:
    char: str
    start: float
    end: float
    inserted: bool = False  # a mark restored here, not recognised


@functools.lru_cache(maxsize=1)
def _tokenizer():  # type: ignore[no-untyped-def]
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


def _is_final(surfaces: Sequence[str], pos: Sequence[tuple[str, ...]], i: int) -> bool:
    s, p = surfaces[i], pos[i]
    if s == "た" and p[0] == "助動詞":
        return i > 0 and surfaces[i - 1] in _FINAL_PAST
    if s == "ください":
        return True
    if s not in _FINAL_AUX or p[0] != "助動詞":
        return False
    needed = _FINAL_AFTER.get(s)
    return needed is None or (i > 0 and surfaces[i - 1] in needed)


def _sentence_ends(surfaces: Sequence[str], pos: Sequence[tuple[str, ...]]) -> set[int]:
    """Token indexes after which a sentence ends (before the next token)."""
    ends: set[int] = set()
    for i in range(len(surfaces)):
        if not _is_final(surfaces, pos, i):
            continue
        j = i
        while j + 1 < len(surfaces) and pos[j + 1][0] == "助詞" and pos[j + 1][1] == "終助詞":
            j += 1
        nxt = pos[j + 1] if j + 1 < len(surfaces) else None
        if nxt is None or nxt[0] == "補助記号" or not (nxt[0] == "助動詞" or (nxt[0] == "助詞" and nxt[1] in _NON_FINAL_PARTICLES)):
            ends.add(j)
    return ends


def timed_chars(segments: Sequence[Segment]) -> list[TimedChar]:
    """Every recognised character with the time of the word it belongs to (words spread evenly)."""
    chars: list[TimedChar] = []
    for seg in segments:
        words = [(w.text.strip(), w.start, w.end) for w in seg.words] or [(seg.text.strip(), seg.start, seg.end)]
        for text, start, end in words:
            step = (end - start) / max(len(text), 1)
            chars += [TimedChar(c, start + k * step, start + (k + 1) * step) for k, c in enumerate(text)]
    return chars


def _pieces_for_tokenizer(chars: Sequence[TimedChar]) -> list[Sequence[TimedChar]]:
    """The stream cut into pieces SudachiPy accepts (it refuses input over 49,149 bytes: a two-hour session's text
    is about 110 KB). A piece ends after PIECE_CHARS characters at the next mark, after one and a half times that
    at a pause, and at twice that length wherever it is."""
    pieces: list[Sequence[TimedChar]] = []
    first = 0
    for i in range(1, len(chars)):
        size = i - first
        after_mark = chars[i - 1].char in MARKS
        pause = chars[i].start - chars[i - 1].end >= PAUSE_COMMA_S
        if size >= 2 * PIECE_CHARS or (size >= PIECE_CHARS and after_mark) or (size >= 1.5 * PIECE_CHARS and pause):
            pieces.append(chars[first:i])
            first = i
    pieces.append(chars[first:])
    return pieces


def punctuate(chars: Sequence[TimedChar]) -> list[TimedChar]:
    """The stream with 。 and 、 restored at morpheme boundaries (marked `inserted`), piece by piece."""
    return [c for piece in _pieces_for_tokenizer(chars) for c in _punctuate(piece)]


def _punctuate(chars: Sequence[TimedChar]) -> list[TimedChar]:
    text = "".join(c.char for c in chars)
    if not text:
        return []
    tokens = list(_tokenizer().tokenize(text))
    surfaces = [m.surface() for m in tokens]
    pos = [tuple(m.part_of_speech()) for m in tokens]
    ends = _sentence_ends(surfaces, pos)
    out: list[TimedChar] = []
    offset = 0
    for i, surface in enumerate(surfaces):
        piece = chars[offset : offset + len(surface)]
        offset += len(surface)
        prev = out[-1] if out else None
        content = pos[i][0] not in ("助詞", "助動詞", "補助記号")
        if prev is not None and content and prev.char not in MARKS and piece[0].start - prev.end >= PAUSE_COMMA_S:
            out.append(TimedChar("、", prev.end, prev.end, inserted=True))
        out += piece
        next_char = chars[offset].char if offset < len(chars) else ""
        if i in ends and (not next_char or next_char not in MARKS):
            if out[-1].char == "、" and out[-1].inserted:
                out.pop()
            out.append(TimedChar("。", out[-1].end, out[-1].end, inserted=True))
    return out


@dataclass(slots=True)
class Sentence:
    chars: list[TimedChar]
    speaker: int = 0

    @property
    def start(self) -> float:
        return self.chars[0].start

    @property
    def end(self) -> float:
        return self.chars[-1].end


def split_sentences(chars: Sequence[TimedChar]) -> list[Sentence]:
    sentences: list[Sentence] = []
    current: list[TimedChar] = []
    for c in chars:
        if not current and c.char in MARKS:
            continue  # a mark at the start of a sentence belongs to the one before
        current.append(c)
        if c.char in SENTENCE_MARKS:
            sentences.append(Sentence(current))
            current = []
    if current:
        sentences.append(Sentence(current))
    return sentences


def _pieces(sentence: Sentence) -> list[Sentence]:
    """A long sentence without marks, cut at pauses (for speakers only; the text stays whole)."""
    pieces: list[Sentence] = [Sentence([sentence.chars[0]])]
    for prev, c in zip(sentence.chars, sentence.chars[1:], strict=False):
        if c.start - prev.end >= PAUSE_PIECE_S and not c.inserted:
            pieces.append(Sentence([c]))
        else:
            pieces[-1].chars.append(c)
    return pieces


def attribute(sentences: Sequence[Sentence], turns: Sequence[SpeakerTurn]) -> list[Sentence]:
    """Each sentence (or, for a long one, each piece between pauses) with the speaker heard most during it."""
    out: list[Sentence] = []
    for sentence in sentences:
        parts = _pieces(sentence) if sentence.end - sentence.start > LONG_SENTENCE_S else [sentence]
        for part in parts:
            spoken = [c for c in part.chars if not c.inserted] or part.chars
            part.speaker = speaker_at(turns, spoken[0].start, spoken[-1].end)
            out.append(part)
    return out


def build_utterances(segments: Sequence[Segment], turns: Sequence[SpeakerTurn],
                     restore_marks: bool = True) -> list[Utterance]:
    """Recognised segments → utterances cut between sentences at speaker changes and long pauses.

    `raw_text` keeps exactly the recognised characters; `punctuated` has the restored marks too.
    """
    chars = timed_chars(segments)
    stream = punctuate(chars) if restore_marks else chars
    utterances: list[Utterance] = []
    for sentence in attribute(split_sentences(stream), turns):
        spoken = [c for c in sentence.chars if not c.inserted]
        if not spoken:
            continue
        last = utterances[-1] if utterances else None
        raw = "".join(c.char for c in spoken)
        text = "".join(c.char for c in sentence.chars)
        if last is not None and last.speaker == sentence.speaker and spoken[0].start - last.end < UTTERANCE_GAP_S:
            last.raw_text += raw
            last.punctuated += text
            last.end = max(last.end, spoken[-1].end)
        else:
            utterances.append(Utterance(sentence.speaker, spoken[0].start, spoken[-1].end, raw, punctuated=text))
    return [u for u in utterances if u.raw_text.strip()]
