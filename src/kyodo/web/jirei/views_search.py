"""The search page (the jirei home), the organisation's own cases, and the export of a search."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kyodo.jirei.io import write_cases
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.jirei import access
from kyodo.web.jirei.actions import JireiAction
from kyodo.web.jirei.models import Case
from kyodo.web.jirei.presenting import facet_groups, filters_from, shown
from kyodo.web.jirei.search import search_cases

PAGE = 20
EXPORT_LIMIT = 5000


def in_order(ids: list[int]) -> list[Case]:
    rows = {c.pk: c for c in Case.objects.unscoped("ids come from a search already limited to visible cases")
            .filter(pk__in=ids).select_related("organisation")}
    return [rows[i] for i in ids if i in rows]


@member_required
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    filters = filters_from(request.GET)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    result = search_cases(access.viewer(request.user), text, filters, limit=PAGE, offset=(page - 1) * PAGE)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "jirei/search.html", {
        "q": text, "results": [shown(c, result.query) for c in in_order(result.ids)], "total": result.total,
        "facets": facet_groups(result.facets, request.GET), "failed": filters.failures_only or result.query.failures_only,
        "page": page, "has_next": page * PAGE < result.total, "params": params.urlencode(),
        "failure_words": result.query.failures_only and not filters.failures_only,
    })


@member_required
def mine(request: HttpRequest) -> HttpResponse:
    cases = Case.objects.for_user(request.user).order_by("-updated_at")
    return render(request, "jirei/mine.html", {"cases": cases})


@member_required
def export(request: HttpRequest) -> HttpResponse:
    """The current search, every match (up to EXPORT_LIMIT), as Excel or CSV in the import columns."""
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    text = request.GET.get("q", "").strip()[:200]
    result = search_cases(access.viewer(request.user), text, filters_from(request.GET), limit=EXPORT_LIMIT)
    with_contact = access.can_see_contact(request.user)
    records = [c.to_record() for c in in_order(result.ids)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"jirei.{fmt}"
        write_cases(path, records, with_contact=with_contact)
        data = path.read_bytes()
    record_request(request, JireiAction.EXPORT, query=text, cases=len(records), format=fmt)
    content_type = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                    else "text/csv; charset=utf-8")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="jirei.{fmt}"'
    return response
