"""The judged set (data/judged.yaml over data/corpus.csv), its measures, and the plain substring search to compare.

recall@5 is |relevant ∩ first 5| / min(|relevant|, 5), so that a query with more than five relevant cases can still
reach 1; nDCG@10 uses the graded judgements (gain 2^grade − 1, log2 discount).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from kyodo.jirei.io import read_cases
from kyodo.jirei.records import CaseRecord, body_text

DATA = Path(__file__).parent / "data"
HARD = ("width", "variant", "synonym", "failure", "apart")


@dataclass(frozen=True)
class Judged:
    query: str
    kind: str
    relevant: dict[str, int]


def corpus() -> list[CaseRecord]:
    return read_cases(DATA / "corpus.csv")


def judged() -> list[Judged]:
    raw = yaml.safe_load((DATA / "judged.yaml").read_text("utf-8"))
    return [Judged(q["query"], q["kind"], {str(k): int(v) for k, v in q["relevant"].items()}) for q in raw["queries"]]


def recall_at(ranked: Sequence[str], relevant: dict[str, int], k: int = 5) -> float:
    found = sum(1 for cid in ranked[:k] if relevant.get(cid, 0) > 0)
    return found / min(len(relevant), k)


def ndcg_at(ranked: Sequence[str], relevant: dict[str, int], k: int = 10) -> float:
    def dcg(grades: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))

    ideal = dcg(sorted(relevant.values(), reverse=True))
    return dcg([relevant.get(cid, 0) for cid in ranked]) / ideal


def substring_search(records: Sequence[CaseRecord], query: str) -> list[str]:
    """What a plain search box does: every space-separated word as a substring, most occurrences first."""
    words = query.split()
    scored = []
    for r in records:
        text = r.title + "\n" + body_text(
            summary=r.summary, effects=r.effects, lessons=r.lessons, went_well=r.went_well, went_badly=r.went_badly,
            field=r.field, technologies=r.technologies, organisation=r.organisation, vendor=r.vendor,
        )
        if words and all(w in text for w in words):
            scored.append((-sum(text.count(w) for w in words), r.case_id))
    return [cid for _, cid in sorted(scored)]


@dataclass(frozen=True)
class Row:
    judged: Judged
    recall: float
    ndcg: float


def evaluate(search: Callable[[str], Sequence[str]]) -> list[Row]:
    rows = []
    for j in judged():
        ranked = list(search(j.query))
        rows.append(Row(j, recall_at(ranked, j.relevant), ndcg_at(ranked, j.relevant)))
    return rows


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def table(ours: list[Row], baseline: list[Row]) -> str:
    lines = [f"{'query':<24}{'kind':<9}{'R@5 ours':>9}{'substr':>8}{'nDCG ours':>10}{'substr':>8}"]
    for a, b in zip(ours, baseline, strict=True):
        lines.append(f"{a.judged.query:<24}{a.judged.kind:<9}{a.recall:>9.2f}{b.recall:>8.2f}{a.ndcg:>10.2f}"
                     f"{b.ndcg:>8.2f}")
    lines.append(f"{'mean':<33}{mean([r.recall for r in ours]):>9.2f}{mean([r.recall for r in baseline]):>8.2f}"
                 f"{mean([r.ndcg for r in ours]):>10.2f}{mean([r.ndcg for r in baseline]):>8.2f}")
    return "\n".join(lines)
