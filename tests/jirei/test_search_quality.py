"""Search quality on a judged set, side by side with a plain substring search over the same corpus."""

from __future__ import annotations

from kyodo.jirei import Index

from .quality import HARD, corpus, evaluate, mean, substring_search, table

RECALL_AT_5, NDCG_AT_10 = 0.9, 0.85


def test_the_search_finds_what_people_judged_relevant_and_beats_a_substring_search(capsys):
    records = corpus()
    index = Index(records)
    ours = evaluate(lambda q: index.search(q, limit=10).ids)
    baseline = evaluate(lambda q: substring_search(records, q))
    with capsys.disabled():
        print("\n" + table(ours, baseline))
    assert mean([r.recall for r in ours]) >= RECALL_AT_5
    assert mean([r.ndcg for r in ours]) >= NDCG_AT_10
    hard = [(a, b) for a, b in zip(ours, baseline, strict=True) if a.judged.kind in HARD]
    for a, b in hard:
        assert a.ndcg > b.ndcg, f"{a.judged.query}: ours {a.ndcg:.2f} vs substring {b.ndcg:.2f}"
    assert mean([b.recall for _, b in hard]) < mean([a.recall for a, _ in hard]) - 0.3


def test_every_kind_of_hard_query_is_in_the_judged_set():
    from .quality import judged

    assert {j.kind for j in judged()} >= set(HARD)
