"""Japanese text → search tokens: the one analyser used for stored cases, queries and highlights alike.

Steps, for a text of any width or spelling:
1. SudachiPy (core dictionary) splits it into words, mode C (long units: 議事録, 人工知能, 生成AI) and, inside each,
   mode A (short units: 議事 録, 人工 知能, 生成 AI). Its input rewriting already unifies full/half width
   (ＡＩ, ｶﾀｶﾅ) and its normalised form unifies many 表記揺れ (問合せ → 問い合わせ, サーバ → サーバー, 子ども → 子供).
   Offsets stay those of the original text, which is what highlighting needs.
2. Each form is NFKC-folded, lower-cased, stripped of everything but letters and digits (so that both full-text
   engines see it as one token), and mapped through `data/synonyms.yaml`: `variants` first, then synonym groups,
   each of which becomes its first term (会議録 → 議事録, 保育園 → 保育所). Multi-word members (AI OCR) are found as
   runs of words.
3. Particles, auxiliary verbs, symbols and a few empty words are dropped.

A stored case keeps, per word, its long form, its short parts and its synonym group; a query word matches through
its long form, or through all its short parts together (see `kyodo.jirei.query`).
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml
from sudachipy import Dictionary, SplitMode  # type: ignore[import-untyped]

_SKIP_POS = frozenset({"助詞", "助動詞", "補助記号", "空白", "記号"})
# Normalised forms that say nothing about a case (する, ある, いる, なる, こと …).
_EMPTY = frozenset({"為る", "有る", "居る", "成る", "出来る", "こと", "もの", "ため", "よう", "これ", "それ", "等",
                    "的", "此れ", "其れ", "様", "事", "物", "為"})
_local = threading.local()


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a text: where it is (original offsets) and the tokens it contributes."""

    begin: int
    end: int
    key: str  # the long form, synonym-mapped: what a query word is matched on first
    parts: tuple[str, ...]  # the short forms when the long word splits (議事録 → 議事 録), else ()

    @property
    def tokens(self) -> tuple[str, ...]:
        return (self.key, *self.parts)


@dataclass(frozen=True, slots=True)
class Synonyms:
    canonical: Mapping[str, str]  # folded single-token form → group token
    phrases: Mapping[tuple[str, ...], str]  # folded multi-word member → group token
    variants: Mapping[str, str]
    longest_phrase: int


def _tokenizer() -> Any:
    # SudachiPy tokenizers are not thread-safe; the dictionary is loaded once per thread (≈0.2 s).
    tok = getattr(_local, "tokenizer", None)
    if tok is None:
        tok = _local.tokenizer = Dictionary(dict="core").tokenizer()
    return tok


def fold(text: str) -> str:
    """NFKC, lower case, letters and digits only (the alphabet both FTS5 and PostgreSQL keep as one token)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def _raw_words(text: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """(begin, end, folded long form, folded short forms) of each content word, before synonyms."""
    tok = _tokenizer()
    words = []
    for m in tok.tokenize(text, SplitMode.C):
        if m.part_of_speech()[0] in _SKIP_POS or m.normalized_form() in _EMPTY:
            continue
        key = fold(m.normalized_form())
        if not key:
            continue
        subs = m.split(SplitMode.A) if m.end() - m.begin() > 1 else [m]
        parts = tuple(p for p in (fold(s.normalized_form()) for s in subs if s.normalized_form() not in _EMPTY)
                      if p)
        words.append((m.begin(), m.end(), key, parts if len(parts) > 1 else ()))
    return words


@cache
def synonyms() -> Synonyms:
    raw = yaml.safe_load(resources.files("kyodo.jirei").joinpath("data/synonyms.yaml").read_text("utf-8"))
    variants = {fold(k): fold(v) for k, v in (raw.get("variants") or {}).items()}
    canonical: dict[str, str] = {}
    phrases: dict[tuple[str, ...], str] = {}
    for group in raw["groups"]:
        members = [tuple(_variant(variants, w[2]) for w in _raw_words(str(t))) for t in group["terms"]]
        token = "".join(members[0])
        for member in members:
            target = canonical if len(member) == 1 else phrases
            key = member[0] if len(member) == 1 else member
            if key in target and target[key] != token:  # type: ignore[index, operator]
                raise ValueError(f"synonyms.yaml: {''.join(member)!r} is in two groups")
            target[key] = token  # type: ignore[index]
        canonical.setdefault("".join(members[0]), token)
    return Synonyms(MappingProxyType(canonical), MappingProxyType(phrases), MappingProxyType(variants),
                    max((len(p) for p in phrases), default=1))


@cache
def synonym_tokens() -> frozenset[str]:
    """The tokens that stand for a synonym group."""
    s = synonyms()
    return frozenset(s.canonical.values()) | frozenset(s.phrases.values())


def _variant(variants: Mapping[str, str], form: str) -> str:
    return variants.get(form, form)


def _map(form: str) -> str:
    s = synonyms()
    form = s.variants.get(form, form)
    return s.canonical.get(form, form)


def analyse(text: str) -> list[Word]:
    """The content words of `text`, synonym-mapped, in order; a multi-word synonym adds one word spanning its run."""
    if not text.strip():
        return []
    s = synonyms()
    raw = _raw_words(text)
    words = [Word(b, e, _map(k), tuple(_map(p) for p in parts)) for b, e, k, parts in raw]
    if s.phrases:
        keys = [_variant(s.variants, k) for _, _, k, _ in raw]
        for i in range(len(raw)):
            for n in range(2, min(s.longest_phrase, len(raw) - i) + 1):
                group = s.phrases.get(tuple(keys[i:i + n]))
                if group is not None:
                    words.append(Word(raw[i][0], raw[i + n - 1][1], group, ()))
        words.sort(key=lambda w: (w.begin, -w.end))
    return words


def tokens(text: str) -> list[str]:
    """Every token `text` stores in the index, in order (a word's long form, then its short parts)."""
    return [t for w in analyse(text) for t in w.tokens]


@lru_cache(maxsize=8192)
def token_string(text: str) -> str:
    """The space-joined tokens, as stored beside the case for FTS5 and PostgreSQL's tsvector.

    Cached: imports repeat many texts (organisation and field names, a clerk's boilerplate).
    """
    return " ".join(tokens(text))
