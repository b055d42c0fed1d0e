"""Ranking in memory: BM25 over the stored tokens, for a file of cases (the CLI) and the judged test corpus.

The web app ranks in the database instead (SQLite FTS5's bm25, PostgreSQL's ts_rank_cd over the same tokens); both
follow the same order of business, which lives here:
1. drop cases with an excluded word, and keep only failures when the query asks for them (or the filter does);
2. cases that have every query term come first, then cases with some of them;
3. within each, by BM25 (title words weigh `TITLE_WEIGHT` times body words), then by case id for a stable order.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from kyodo.jirei.query import ParsedQuery, Term, parse_query
from kyodo.jirei.records import CaseRecord, index_texts
from kyodo.jirei.vocab import Status, vocabulary

K1, B = 1.2, 0.75
TITLE_WEIGHT = 4.0
FACETS = ("field", "technology", "status", "band", "year")


@dataclass(frozen=True, slots=True)
class Filters:
    """Facet choices (empty: any) and the 「導入に至らなかった事例」 filter."""

    fields: frozenset[str] = frozenset()
    technologies: frozenset[str] = frozenset()
    statuses: frozenset[Status] = frozenset()
    bands: frozenset[str] = frozenset()
    years: frozenset[int] = frozenset()
    failures_only: bool = False

    def statuses_for(self, query: ParsedQuery) -> frozenset[Status]:
        """The statuses a search may return (empty: any), the query's own failure words included."""
        if not (self.failures_only or query.failures_only):
            return self.statuses
        failed = vocabulary().failed_statuses
        return self.statuses & failed if self.statuses else failed


NO_FILTERS = Filters()


@dataclass(frozen=True, slots=True)
class Hit:
    case_id: str
    score: float
    all_terms: bool


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: ParsedQuery
    hits: tuple[Hit, ...]  # best first, at most the limit asked for
    total: int  # every case that matched, beyond the limit too
    facets: Mapping[str, tuple[tuple[str, int], ...]]  # facet → (value, cases), most first

    @property
    def ids(self) -> list[str]:
        return [h.case_id for h in self.hits]


def facet_values(record: CaseRecord) -> dict[str, tuple[str, ...]]:
    return {
        "field": (record.field,), "technology": record.technologies, "status": (str(record.status),),
        "band": (vocabulary().band_of(record.organisation),),
        "year": (str(record.start_year),) if record.start_year else (),
    }


def count_facets(rows: Iterable[Mapping[str, Sequence[str]]]) -> dict[str, tuple[tuple[str, int], ...]]:
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for row in rows:
        for name in FACETS:
            counters[name].update(v for v in row[name] if v)
    return {name: tuple(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for name, c in counters.items()}


@dataclass
class _Doc:
    record: CaseRecord
    title: Counter[str]
    body: Counter[str]
    length: float
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)


class Index:
    """Cases held in memory with their tokens. Build once, search many times."""

    def __init__(self, records: Iterable[CaseRecord]) -> None:
        self.docs: list[_Doc] = []
        for r in records:
            title, body = (s.split() for s in index_texts(r))
            self.docs.append(_Doc(r, Counter(title), Counter(body), TITLE_WEIGHT * len(title) + len(body),
                                  facet_values(r)))
        self.avg_length = sum(d.length for d in self.docs) / len(self.docs) if self.docs else 1.0
        self._df: dict[tuple[str, ...], int] = {}

    @staticmethod
    def _tf(doc: _Doc, term: Term) -> float:
        best = 0.0
        for alt in term.alternatives:
            tf = min(TITLE_WEIGHT * doc.title[t] + doc.body[t] for t in alt)
            best = max(best, tf)
        return best

    def _idf(self, term: Term) -> float:
        key = tuple(sorted(term.tokens))
        if key not in self._df:
            self._df[key] = sum(1 for d in self.docs if self._tf(d, term) > 0)
        n, df = len(self.docs), self._df[key]
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _score(self, doc: _Doc, terms: tuple[Term, ...]) -> tuple[float, int]:
        score, matched = 0.0, 0
        norm = K1 * (1 - B + B * doc.length / self.avg_length)
        for term in terms:
            tf = self._tf(doc, term)
            if tf:
                matched += 1
                score += self._idf(term) * tf * (K1 + 1) / (tf + norm)
        return score, matched

    def _passes(self, doc: _Doc, filters: Filters, statuses: frozenset[Status]) -> bool:
        f = doc.facets
        return not (
            (filters.fields and f["field"][0] not in filters.fields)
            or (filters.technologies and not filters.technologies & set(f["technology"]))
            or (statuses and doc.record.status not in statuses)
            or (filters.bands and f["band"][0] not in filters.bands)
            or (filters.years and doc.record.start_year not in filters.years)
        )

    def search(self, query: str | ParsedQuery, filters: Filters = NO_FILTERS, limit: int = 20) -> SearchResult:
        parsed = parse_query(query) if isinstance(query, str) else query
        statuses = filters.statuses_for(parsed)
        scored: list[tuple[int, float, str, _Doc]] = []
        for doc in self.docs:
            if not self._passes(doc, filters, statuses):
                continue
            if any(self._tf(doc, t) for t in parsed.excluded):
                continue
            score, matched = self._score(doc, parsed.terms)
            if parsed.terms and not matched:
                continue
            scored.append((-int(matched == len(parsed.terms)), -score, doc.record.case_id, doc))
        scored.sort(key=lambda s: s[:3])
        hits = tuple(Hit(cid, -neg, all_ == -1) for all_, neg, cid, _ in scored[:limit])
        facets = count_facets(d.facets for *_, d in scored)
        return SearchResult(parsed, hits, len(scored), MappingProxyType(facets))


def search(records: Iterable[CaseRecord] | Index, query: str, filters: Filters = NO_FILTERS,
           limit: int = 20) -> SearchResult:
    """The engine's entry point: rank `records` (or a built Index) for `query`."""
    index = records if isinstance(records, Index) else Index(records)
    return index.search(query, filters, limit)
