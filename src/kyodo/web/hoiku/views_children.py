"""Finding a child: the search box of every run page, the list of a run's children with filters, one child.

Everything shown is read from the stored rows of the run (RunChild, written from the engine's Outcome);
filters and sorting only select and order them.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.hoiku import results
from kyodo.web.hoiku.actions import HoikuAction
from kyodo.web.hoiku.models import Run, RunChild
from kyodo.web.hoiku.views_results import STATUSES, _get_run, _rows

PAGE_SIZE = 100
# The list's sort keys: what a clerk picks → the columns ordered by (child id last, so the order is total).
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "child": ("児童番号", ("child_id",)),
    "points": ("指数(高い順)", ("-points", "child_id")),
    "age": ("年齢クラス", ("age_class", "-points", "child_id")),
    "name": ("氏名", ("name", "child_id")),
    "household": ("世帯番号", ("household_id", "child_id")),
    "facility": ("内定施設", ("facility_id", "age_class", "-points", "child_id")),
    "waitlist": ("待機順位(第1希望)", ("best_waitlist", "child_id")),
}


def decided_ids(run: Run) -> set[str]:
    """Children with a staff decision applied in this run (the decisions the run was given)."""
    return {str(d.get("child_id")) for d in run.decisions}


def search(rows: QuerySet[RunChild], text: str) -> QuerySet[RunChild]:
    """Child number, household number (exact or a part of it) or name (a part of it, spaces ignored)."""
    text = text.strip()
    if not text:
        return rows
    # Names compared without spaces (half- or full-width), so 「江東太郎」 finds 「江東 太郎」 and back.
    flat = Replace(Replace(F("name"), Value(" "), Value("")), Value("\u3000"), Value(""))
    return rows.annotate(flat_name=flat).filter(
        Q(child_id__icontains=text) | Q(household_id__icontains=text) | Q(flat_name__icontains="".join(text.split()))
    )


def _filters(request: HttpRequest, run: Run) -> dict[str, str]:
    wanted = {key: request.GET.get(key, "").strip() for key in ("q", "age", "status", "facility", "flagged",
                                                               "decided", "sort")}
    if wanted["sort"] not in SORTS:
        wanted["sort"] = "child"
    return wanted


def filtered(run: Run, f: dict[str, str]) -> QuerySet[RunChild]:
    rows = search(_rows(run), f["q"])
    if f["age"].isdigit():
        rows = rows.filter(age_class=int(f["age"]))
    if f["status"] in {s for s, _ in STATUSES}:
        rows = rows.filter(status=f["status"])
    if f["facility"]:
        rows = rows.filter(facility_id=f["facility"])
    if f["flagged"] == "1":
        rows = rows.filter(flagged=True)
    if f["decided"] == "1":
        rows = rows.filter(child_id__in=decided_ids(run))
    return rows.order_by(*SORTS[f["sort"]][1])


@member_required
def children_list(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk, done=True)
    f = _filters(request, run)
    rows = filtered(run, f).only(
        "child_id", "household_id", "name", "age_class", "facility_id", "choice_number", "points", "status",
        "flagged", "best_waitlist",
    )
    if f["q"]:
        record_request(request, HoikuAction.CHILD_SEARCH, run, number=run.number, query=f["q"])
        # A child number typed in full opens that child; so does a search with a single hit.
        exact = rows.filter(child_id=f["q"]).first() or (rows[0] if rows[:2].count() == 1 else None)
        if exact is not None and not any(f[k] for k in ("age", "status", "facility", "flagged", "decided")):
            return redirect("hoiku:child_detail", pk=run.pk, child_id=exact.child_id)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    names = results.facility_names(run)
    labels = dict(STATUSES)
    decided = decided_ids(run)
    for row in page:
        row.facility_name = names.get(row.facility_id, row.facility_id)
        row.status_label = labels.get(row.status, "")
        row.decided = row.child_id in decided
    query = urlencode({k: v for k, v in f.items() if v})
    context = {
        "run": run, "page": page, "f": f, "query": query, "statuses": STATUSES,
        "sorts": [(k, label) for k, (label, _) in SORTS.items()], "facilities": sorted(names.items()),
        "ages": [a["age"] for a in run.summary.get("age_rows", [])],
    }
    return render(request, "hoiku/children_list.html", context)
