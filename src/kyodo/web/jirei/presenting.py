"""What the pages show of a case: highlighted titles and snippets, the search form's facets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from kyodo.jirei.highlight import Segment, highlight, snippet
from kyodo.jirei.query import ParsedQuery
from kyodo.jirei.rank import Filters
from kyodo.jirei.vocab import Status
from kyodo.web.jirei.models import Case

FACET_LABELS = (("field", "分野"), ("technology", "技術"), ("status", "状況"), ("band", "団体の規模"),
                ("year", "開始年度"))


@dataclass(frozen=True)
class Shown:
    case: Case
    title: list[Segment]
    snippet: list[Segment]
    lesson: list[Segment]


def shown(case: Case, query: ParsedQuery) -> Shown:
    lesson_text = case.went_badly or case.lessons
    return Shown(case, highlight(case.title, query), snippet(case.summary, query, 140),
                 snippet(lesson_text, query, 100) if lesson_text else [])


def filters_from(params: QueryDict) -> Filters:
    years = {int(y) for y in params.getlist("year") if y.isdigit()}
    statuses = {Status(s) for s in params.getlist("status") if s in Status._value2member_map_}
    return Filters(
        fields=frozenset(params.getlist("field")), technologies=frozenset(params.getlist("technology")),
        statuses=frozenset(statuses), bands=frozenset(params.getlist("band")), years=frozenset(years),
        failures_only=params.get("failed") == "1",
    )


def facet_groups(facets: dict[str, tuple[tuple[str, int], ...]], params: QueryDict) -> list[dict[str, Any]]:
    groups = []
    for name, label in FACET_LABELS:
        chosen = set(params.getlist(name))
        values = sorted(facets.get(name, ()), key=lambda kv: kv[0], reverse=True) if name == "year" \
            else facets.get(name, ())
        groups.append({"name": name, "label": label,
                       "values": [{"value": v, "count": n, "checked": v in chosen} for v, n in values]})
    return groups
