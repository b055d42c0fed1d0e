"""The database search (FTS5 on SQLite, tsvector on PostgreSQL) on the judged set, facets and filters."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection

from kyodo.jirei.rank import NO_FILTERS, Filters
from kyodo.jirei.vocab import Status
from kyodo.web.accounts.models import Organisation
from kyodo.web.jirei import services
from kyodo.web.jirei.models import Case
from kyodo.web.jirei.search import search_cases

from ...jirei.quality import HARD, corpus, evaluate, mean, substring_search, table
from ...jirei.test_search_quality import NDCG_AT_10, RECALL_AT_5


@pytest.fixture
def judged_corpus(db) -> dict[int, str]:
    records = [dataclasses.replace(r, published=True) for r in corpus()]
    orgs = {o.name: o for o in Organisation.objects.filter(name__in={r.organisation for r in records})}
    services.import_records(records, orgs, None)
    return dict(Case.objects.unscoped("test").values_list("pk", "external_id"))


def _ids(names: dict[int, str], text: str, filters: Filters = NO_FILTERS, limit: int = 10) -> list[str]:
    return [names[pk] for pk in search_cases(None, text, filters, limit=limit).ids]


def test_the_database_search_meets_the_judged_thresholds(judged_corpus, capsys):
    ours = evaluate(lambda q: _ids(judged_corpus, q))
    baseline = evaluate(lambda q: substring_search(corpus(), q))
    with capsys.disabled():
        print(f"\n[{connection.vendor}]\n" + table(ours, baseline))
    assert mean([r.recall for r in ours]) >= RECALL_AT_5
    assert mean([r.ndcg for r in ours]) >= NDCG_AT_10
    for a, b in zip(ours, baseline, strict=True):
        if a.judged.kind in HARD:
            assert a.ndcg > b.ndcg, a.judged.query


def test_cases_with_every_word_come_before_cases_with_some(judged_corpus):
    ids = _ids(judged_corpus, "保育所 申込書")
    assert ids[0] == "C12"  # the only case with both
    assert set(ids[1:]) >= {"C16", "C17"}


def test_facets_and_the_failure_filter(judged_corpus):
    result = search_cases(None, "RPA", Filters(failures_only=True))
    statuses = dict(result.facets["status"])
    assert set(statuses) == {"実証したが導入せず", "中止"} and result.total == sum(statuses.values())
    large = search_cases(None, "RPA", Filters(bands=frozenset({"大規模(20万人以上)"})))
    # 墨田区 285,000, 目黒区 283,000, 渋谷区 235,000, 町田市 430,000 (not 青梅市 128,000 or 小平市 196,000)
    assert {judged_corpus[i] for i in large.ids} == {"C21", "C22", "C23", "C24"}
    stopped = search_cases(None, "", Filters(statuses=frozenset({Status.STOPPED})))  # C07, C24, C40
    assert stopped.total == 3 and dict(stopped.facets["field"]) == {"子育て": 1, "福祉": 1, "内部事務": 1}
    tech = search_cases(None, "", Filters(technologies=frozenset({"AI-OCR"})))
    assert {judged_corpus[i] for i in tech.ids} == {"C01", "C02", "C03", "C04"}


def test_an_excluded_word_leaves_cases_out(judged_corpus):
    assert "C01" in _ids(judged_corpus, "RPA")
    ids = _ids(judged_corpus, "RPA -ＡＩ－ＯＣＲ")
    assert ids and "C01" not in ids
    assert "C01" not in _ids(judged_corpus, "-AIOCR", limit=100)


def test_reindex_rebuilds_the_index(judged_corpus):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM jirei_case_fts")
        assert _ids(judged_corpus, "議事録") == []
    assert services.reindex() == 48
    assert set(_ids(judged_corpus, "議事録")) == {"C13", "C14", "C15"}
