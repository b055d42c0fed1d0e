"""Searching cases in the database, with the database's own full-text index over the stored tokens.

SQLite: the FTS5 table `jirei_case_fts` (title, body), ranked by `bm25()` with the title weighing 4×.
PostgreSQL: the generated column `search_vector` (title weight A, body weight B, 'simple' configuration) with a GIN
index, ranked by `ts_rank_cd` with A = 4 × B.
Both follow the engine's order (`kyodo.jirei.rank`): cases with every term first, then those with some, each by
rank, then by id. Who may see what is decided before the index is asked: the visibility and facet filters are the
WHERE clause of `access.visible_to(viewer)` (the viewer: the organisation whose drafts are included), compiled by Django and put beside the MATCH.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet

from kyodo.jirei.query import ParsedQuery, Term, fts5_match, parse_query, tsquery
from kyodo.jirei.rank import NO_FILTERS, TITLE_WEIGHT, Filters
from kyodo.web.jirei.access import visible_to
from kyodo.web.jirei.models import Case

FACET_COLUMNS = ("jirei_case.field, jirei_case.technologies, jirei_case.status, jirei_case.size_band, "
                 "CAST(jirei_case.start_year AS TEXT) AS start_year")
# Every facet counted by the database in one pass over the matches (materialised once, grouped five ways).
FACETS_SQL = """WITH m AS MATERIALIZED ({select})
SELECT 'field', field, count(*) FROM m GROUP BY field
UNION ALL SELECT 'technology', technologies, count(*) FROM m GROUP BY technologies
UNION ALL SELECT 'status', status, count(*) FROM m GROUP BY status
UNION ALL SELECT 'band', size_band, count(*) FROM m GROUP BY size_band
UNION ALL SELECT 'year', start_year, count(*) FROM m GROUP BY start_year"""


@dataclass(frozen=True)
class CaseSearch:
    query: ParsedQuery
    ids: list[int]  # this page, best first
    total: int
    facets: dict[str, tuple[tuple[str, int], ...]]


def filtered(viewer: int | None, filters: Filters, query: ParsedQuery) -> QuerySet[Case]:
    qs = visible_to(viewer)
    if filters.fields:
        qs = qs.filter(field__in=filters.fields)
    if filters.technologies:
        any_of = Q()
        for name in filters.technologies:
            any_of |= Q(technologies__contains=f"|{name}|")
        qs = qs.filter(any_of)
    statuses = filters.statuses_for(query)
    if statuses:
        qs = qs.filter(status__in=[s.value for s in statuses])
    if filters.bands:
        qs = qs.filter(size_band__in=filters.bands)
    if filters.years:
        qs = qs.filter(start_year__in=filters.years)
    return qs


def _where(qs: QuerySet[Case]) -> tuple[str, list[Any]]:
    """The queryset's WHERE clause as SQL on the jirei_case table (no joins: every filter is a column of it)."""
    compiler = qs.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(qs.query.where)
    except EmptyResultSet:
        return "1=0", []
    return (f"({sql})" if sql else "1=1"), list(params)


class _Backend:
    def rank(self, where: tuple[str, list[Any]], terms: tuple[Term, ...], all_terms: bool, limit: int) -> list[int]:
        raise NotImplementedError

    def matches(self, where: tuple[str, list[Any]], terms: tuple[Term, ...]) -> tuple[str, list[Any]]:
        """SELECT of the facet columns of every match, for FACETS_SQL."""
        raise NotImplementedError

    def excluding(self, terms: tuple[Term, ...]) -> tuple[str, list[Any]]:
        raise NotImplementedError


class _Fts5(_Backend):
    FROM = "FROM jirei_case_fts JOIN jirei_case ON jirei_case.id = jirei_case_fts.rowid"

    def rank(self, where: tuple[str, list[Any]], terms: tuple[Term, ...], all_terms: bool, limit: int) -> list[int]:
        sql = (f"SELECT jirei_case.id {self.FROM} WHERE jirei_case_fts MATCH %s AND {where[0]} "
               f"ORDER BY bm25(jirei_case_fts, {TITLE_WEIGHT}, 1.0), jirei_case.id LIMIT %s")
        return _ids(sql, [fts5_match(terms, all_terms=all_terms), *where[1], limit])

    def matches(self, where: tuple[str, list[Any]], terms: tuple[Term, ...]) -> tuple[str, list[Any]]:
        return (f"SELECT {FACET_COLUMNS} {self.FROM} WHERE jirei_case_fts MATCH %s AND {where[0]}",
                [fts5_match(terms, all_terms=False), *where[1]])

    def excluding(self, terms: tuple[Term, ...]) -> tuple[str, list[Any]]:
        return ("jirei_case.id NOT IN (SELECT rowid FROM jirei_case_fts WHERE jirei_case_fts MATCH %s)",
                [fts5_match(terms, all_terms=False)])


class _Postgres(_Backend):
    RANK = "ts_rank_cd('{0.1, 0.2, 0.25, 1.0}', jirei_case.search_vector, to_tsquery('simple', %s), 1)"

    def rank(self, where: tuple[str, list[Any]], terms: tuple[Term, ...], all_terms: bool, limit: int) -> list[int]:
        q = tsquery(terms, all_terms=all_terms)
        sql = (f"SELECT jirei_case.id FROM jirei_case WHERE jirei_case.search_vector @@ to_tsquery('simple', %s) "
               f"AND {where[0]} ORDER BY {self.RANK} DESC, jirei_case.id LIMIT %s")
        return _ids(sql, [q, *where[1], q, limit])

    def matches(self, where: tuple[str, list[Any]], terms: tuple[Term, ...]) -> tuple[str, list[Any]]:
        return (f"SELECT {FACET_COLUMNS} FROM jirei_case "
                f"WHERE jirei_case.search_vector @@ to_tsquery('simple', %s) AND {where[0]}",
                [tsquery(terms, all_terms=False), *where[1]])

    def excluding(self, terms: tuple[Term, ...]) -> tuple[str, list[Any]]:
        return ("NOT (jirei_case.search_vector @@ to_tsquery('simple', %s))", [tsquery(terms, all_terms=False)])


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _ids(sql: str, params: list[Any]) -> list[int]:
    return [int(row[0]) for row in _rows(sql, params)]


def backend() -> _Backend:
    return _Fts5() if connection.vendor == "sqlite" else _Postgres()


def facets(select: tuple[str, list[Any]]) -> tuple[int, dict[str, tuple[tuple[str, int], ...]]]:
    """(matches, facet → (value, count) most first) for a SELECT of FACET_COLUMNS."""
    counts: dict[str, dict[str, int]] = {"field": {}, "technology": {}, "status": {}, "band": {}, "year": {}}
    for facet, value, n in _rows(FACETS_SQL.format(select=select[0]), select[1]):
        if not value:
            continue
        names = [t for t in value.split("|") if t] if facet == "technology" else [str(value)]
        for name in names:
            counts[facet][name] = counts[facet].get(name, 0) + n
    total = sum(counts["status"].values())
    return total, {k: tuple(sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))) for k, v in counts.items()}


def search_cases(viewer: int | None, text: str, filters: Filters = NO_FILTERS, *, limit: int = 20,
                 offset: int = 0) -> CaseSearch:
    query = parse_query(text)
    qs = filtered(viewer, filters, query)
    b = backend()
    if query.excluded:
        sql, params = b.excluding(query.excluded)
        qs = qs.extra(where=[sql], params=params)
    where = _where(qs)
    if not query.terms:  # no words: the newest first
        total, counted = facets((f"SELECT {FACET_COLUMNS} FROM jirei_case WHERE {where[0]}", where[1]))
        ids = list(qs.order_by("-published_at", "-updated_at", "-id").values_list("id", flat=True)
                   [offset:offset + limit])
        return CaseSearch(query, ids, total, counted)
    wanted = offset + limit
    ids = b.rank(where, query.terms, True, wanted) if len(query.terms) > 1 else []
    if len(ids) < wanted:
        seen = set(ids)
        ids += [i for i in b.rank(where, query.terms, False, wanted + len(ids)) if i not in seen][:wanted - len(ids)]
    total, counted = facets(b.matches(where, query.terms))
    return CaseSearch(query, ids[offset:wanted], total, counted)


def similar_cases(viewer: int | None, case: Case, limit: int = 5) -> list[int]:
    """Cases like this one: its title words, field and technologies as an any-word query, itself left out."""
    words = " ".join([case.title, *case.technology_list, case.field])
    query = parse_query(words)
    if not query.terms:
        return []
    qs = visible_to(viewer).exclude(pk=case.pk)
    return backend().rank(_where(qs), query.terms, False, limit)
