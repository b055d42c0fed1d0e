"""A search box's text → a parsed query, and that query in each database's full-text syntax.

Syntax a municipal user can guess: words separated by spaces (全角 or 半角) must all be found for a case to come
first, and cases with only some of them follow; ``-語`` leaves out cases with that word; ``"…"`` keeps spaces inside
one word. A word of the failure list (導入に至らなかった, うまくいかなかった, 失敗 …; `data/vocabulary.yaml`) is not
searched for as text: it asks for 「導入に至らなかった事例」 only, which is how such cases are written
(実証したが導入せず, 中止) rather than with those words.

Each query word becomes one or more `Term`s (one per content word, e.g. 議事録作成 → 議事録, 作成). A term matches a
case through its long form (synonym-mapped) or through all its short parts together.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kyodo.jirei.text import analyse, synonym_tokens
from kyodo.jirei.vocab import vocabulary

_WORD = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # the query word as typed (for messages)
    alternatives: tuple[tuple[str, ...], ...]  # any one of these token sets, all tokens of the set

    @property
    def tokens(self) -> frozenset[str]:
        return frozenset(t for alt in self.alternatives for t in alt)


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    text: str
    terms: tuple[Term, ...]
    excluded: tuple[Term, ...]
    failures_only: bool

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.excluded

    @property
    def highlight_tokens(self) -> frozenset[str]:
        return frozenset(t for term in self.terms for t in term.tokens)


def _terms(word: str) -> list[Term]:
    words = analyse(word)
    # A multi-word synonym (AI OCR) stands for the words it spans.
    spans = [w for w in words if any(o is not w and w.begin <= o.begin and o.end <= w.end and (o.begin, o.end)
                                     != (w.begin, w.end) for o in words)]
    covered = {id(o) for s in spans for o in words if o is not s and s.begin <= o.begin and o.end <= s.end}
    terms = []
    for w in words:
        if id(w) in covered:
            continue
        alternatives: tuple[tuple[str, ...], ...] = ((w.key,),)
        if w.parts and w.key not in synonym_tokens():  # a synonym is matched by its group, not by its pieces
            alternatives += (w.parts,)
        terms.append(Term(word[w.begin:w.end] if w.end <= len(word) else word, alternatives))
    return terms


def parse_query(text: str) -> ParsedQuery:
    normalised = unicodedata.normalize("NFKC", text)
    failures_only = False
    for phrase in vocabulary().failure_words:
        if phrase in normalised:
            failures_only = True
            normalised = normalised.replace(phrase, " ")
    terms: list[Term] = []
    excluded: list[Term] = []
    for m in _WORD.finditer(normalised):
        negative = bool(m.group(1)) or (m.group(3) or "").startswith("-")
        word = m.group(2) if m.group(2) is not None else (m.group(3) or "").lstrip("-")
        target = excluded if negative else terms
        for term in _terms(word):
            if term not in target:
                target.append(term)
    return ParsedQuery(text, tuple(terms), tuple(excluded), failures_only)


# --- the database syntaxes. Tokens are letters and digits only (text.fold), so quoting is all they need.
def _fts5_term(term: Term) -> str:
    alts = [" AND ".join(f'"{t}"' for t in alt) for alt in term.alternatives]
    return "(" + " OR ".join(f"({a})" if " " in a else a for a in alts) + ")"


def fts5_match(terms: tuple[Term, ...], *, all_terms: bool) -> str:
    """An FTS5 MATCH expression: every term (all_terms) or any of them."""
    return (" AND " if all_terms else " OR ").join(_fts5_term(t) for t in terms)


def _ts_term(term: Term) -> str:
    alts = [" & ".join(f"'{t}'" for t in alt) for alt in term.alternatives]
    return "(" + " | ".join(f"({a})" if "&" in a else a for a in alts) + ")"


def tsquery(terms: tuple[Term, ...], *, all_terms: bool) -> str:
    """A PostgreSQL to_tsquery('simple', …) text: every term (all_terms) or any of them."""
    return (" & " if all_terms else " | ").join(_ts_term(t) for t in terms)
