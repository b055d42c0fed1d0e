"""Result pages of a run: summary, facility lists, not admitted, flags, one child, diff, downloads."""

from __future__ import annotations

import gzip
from functools import cache
from typing import Any
from urllib.parse import quote

from django.core.paginator import Paginator
from django.db.models import Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from kyodo.hoiku.model.result import Status
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.audit.models import Action
from kyodo.web.hoiku import facility_rows, results, services_rounds
from kyodo.web.hoiku.actions import HoikuAction
from kyodo.web.hoiku.forms import DecisionForm
from kyodo.web.hoiku.models import InputSet, Run, RunChild, RunStatus
from kyodo.web.hoiku.page_cache import finished_run_page
from kyodo.web.hoiku.seat_lists import seat_lists
from kyodo.web.tenancy import get_for_user_or_404

PAGE_SIZE = 100
# The engine's statuses by their stored value (RunChild.status).
STATUSES = [(str(s), s.label) for s in Status]


def _get_run(request: HttpRequest, pk: int, *, done: bool = False, related: tuple[str, ...] = ()) -> Run:
    # The summary (about 300 KB of JSON for a 3,000-child ward) is read only by the pages that show it.
    run = get_for_user_or_404(Run, request, pk, defer=(*Run.STORED_FILES, "summary", "record", "diff_changes"),
                              related=related)
    if done and run.status != RunStatus.DONE:
        raise Http404("この実行の結果はまだありません")
    return run


def _rows(run: Run):  # type: ignore[no-untyped-def]
    return RunChild.objects.for_org(run.organisation_id).filter(run=run)


@member_required
@finished_run_page
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk)
    others = run.round.runs.filter(status=RunStatus.DONE).exclude(pk=run.pk).only("pk", "number")
    # Names only: the stored files themselves stay in the database until downloaded.
    inputs = InputSet.objects.for_org(run.organisation_id).only("children_name", "facilities_name").get(
        pk=run.input_set_id
    )
    reproduces = (
        Run.objects.for_org(run.organisation_id).only("number", "result_json").filter(pk=run.reproduces_id).first()
        if run.reproduces_id else None
    )
    same_bytes = None
    if reproduces is not None and run.status == RunStatus.DONE and reproduces.result_json:
        # The engine promises byte-for-byte reproduction: compare the two result JSON files as stored.
        same_bytes = gzip.decompress(bytes(run.result_json)) == gzip.decompress(bytes(reproduces.result_json))
    context = {
        "run": run,
        "inputs": inputs,
        "reproduces": reproduces,
        "same_bytes": same_bytes,
        "round": run.round,
        "summary": run.summary,
        "chart": mark_safe(results.cutoff_chart_svg(run.summary)) if run.status == RunStatus.DONE else "",
        # Called by the template only when its cached fragment is rendered again.
        "cutoff_rows": lambda: facility_rows.cutoff_rows(
            run.summary.get("facility_table", []),
            reverse("hoiku:facility_detail", args=[run.pk, "-"]).removesuffix("-/"),
        ),
        "others": others,
    }
    return render(request, "hoiku/run_detail.html", context)


@member_required
@finished_run_page
def facility_detail(request: HttpRequest, pk: int, facility_id: str) -> HttpResponse:
    run = _get_run(request, pk, done=True)
    facility = next((f for f in results.run_summary(run)["facility_table"] if f["id"] == facility_id), None)
    if facility is None:
        raise Http404("施設がありません")
    lists = seat_lists(run, facility_id)
    cells = {a["age"]: a for a in facility["ages"]}
    child_base = reverse("hoiku:child_detail", args=[run.pk, "-"]).removesuffix("-/")
    preview_url = reverse("hoiku:decision_preview", args=[run.pk])
    ages = [
        {"age": age, "cell": cells.get(age), **lists[age],
         "placed_html": facility_rows.placed_rows(lists[age]["placed"], child_base, preview_url),
         "waiting_html": facility_rows.waiting_rows(lists[age]["waiting"], child_base)}
        for age in lists
    ]
    return render(request, "hoiku/facility_detail.html", {"run": run, "facility": facility, "ages": ages})


@member_required
@finished_run_page
def waitlist(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk, done=True)
    # Only what the table shows: a row's explanation and breakdown are most of its stored JSON.
    rows = _rows(run).filter(facility_id="").order_by("age_class", "best_waitlist", "child_id").only(
        "child_id", "name", "age_class", "points", "choices")
    age = request.GET.get("age", "")
    if age.isdigit():
        rows = rows.filter(age_class=int(age))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    child_base = reverse("hoiku:child_detail", args=[run.pk, "-"]).removesuffix("-/")
    return render(request, "hoiku/waitlist.html", {
        "run": run, "page": page, "age": age,
        # Called by the template only when its cached fragment is rendered again.
        "rows": lambda: facility_rows.waitlist_rows(page.object_list, child_base),
    })


@member_required
@finished_run_page
def flags(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk, done=True)
    rows = _rows(run).filter(flagged=True).order_by("child_id").only("child_id", "name", "facility_id", "flags")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hoiku/flags.html", {"run": run, "page": page})


@cache
def decision_widgets() -> dict[str, SafeString]:
    """The staff-decision form's fields that are the same on every child's page (what kind, the reason), rendered
    once per process: the form's widgets took longer to render than the rest of the page."""
    form = DecisionForm()
    return {name: mark_safe(str(form[name])) for name in ("kind", "reason")}  # Django's widgets escape


def choice_rows(row: RunChild, names: dict[str, str]) -> list[dict[str, Any]]:
    """The child's choices as its page shows them: a waiting rank only for the choices above the one it got."""
    better = len(row.choices) if not row.facility_id else (row.choice_number or 1) - 1
    return [
        {**c, "show_waitlist": n <= better, "name": c.get("name") or names.get(c["facility_id"], c["facility_id"])}
        for n, c in enumerate(row.choices, start=1)
    ]


# Not from the page cache: every opening of a child's page is audited (who, when, which child), and the page shows
# the child's history in other rounds too, which the cache marker of this round does not cover.
@member_required
def child_detail(request: HttpRequest, pk: int, child_id: str) -> HttpResponse:
    run = _get_run(request, pk, done=True, related=("round",))
    # The child and its siblings in one query: every row of the household of the child with this number.
    household = list(_rows(run).filter(household_id=Subquery(
        _rows(run).filter(child_id=child_id).values("household_id")[:1]
    )))
    row = next((r for r in household if r.child_id == child_id), None)
    if row is None:
        raise Http404("児童がいません")
    record_request(request, HoikuAction.CHILD_VIEW, run, number=run.number, child_id=row.child_id)
    names = results.facility_names(run)
    decisions = list(run.round.decisions.filter(child_id=child_id).select_related("created_by", "revoked_by"))
    for d in decisions:
        d.facility_name = names.get(d.facility_id, d.facility_id)
    siblings = [r for r in household if r.pk != row.pk]
    labels = dict(STATUSES)
    for s in siblings:
        s.facility_name = names.get(s.facility_id, "")
        s.status_label = labels.get(s.status, "")
    context = {
        "run": run, "row": row, "reasons": results.reasons(row),
        "reason_by_facility": {r["facility_id"]: r for r in row.explanation.get("reasons", [])},
        "facility_name": names.get(row.facility_id, ""), "decisions": decisions,
        "current_name": names.get(row.current_facility, row.current_facility),
        "household_total": sum(i["points"] for i in row.breakdown if not i["facility_id"]),
        "decision_widgets": decision_widgets(),
        "facility_ids": sorted(names.items()), "choices": choice_rows(row, names), "siblings": siblings,
        "history": services_rounds.child_history(run.round, child_id, {run.pk: (row, names)}),
    }
    return render(request, "hoiku/child_detail.html", context)


@member_required
def run_diff(request: HttpRequest, pk: int, other: int) -> HttpResponse:
    after = _get_run(request, pk, done=True)
    before = _get_run(request, other, done=True)
    if before.round_id != after.round_id:
        raise Http404("同じ利用調整回の実行どうしだけを比べられます")
    changes = results.diff(before, after)
    if after.diff_base_id == before.pk:
        # The engine's diff, made when `after` ran: who moved and why.
        why = {c["child_id"]: c["text"] for c in after.diff_changes}
        for change in changes["changes"]:
            change["why"] = why.get(change["child_id"], "")
    names = results.facility_names(after) | results.facility_names(before)
    return render(request, "hoiku/diff.html",
                  {"before": before, "after": after, "diff": changes, "names": names, "round": after.round})


DOWNLOADS = {
    "workbook": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "notices": ("application/pdf", "pdf"),
    "appeals": ("application/pdf", "pdf"),
}


@member_required
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    run = _get_run(request, pk, done=True, related=("round",))  # the round names the file
    if kind not in DOWNLOADS:
        raise Http404("その形式はありません")
    content_type, suffix = DOWNLOADS[kind]
    if kind == "workbook":
        body = bytes(run.workbook or b"")
    elif kind == "json":
        body = gzip.decompress(bytes(run.result_json or b""))
    elif kind == "notices":
        body = bytes(run.notices_pdf or b"")
    elif kind == "appeals":
        body = bytes(run.appeals_pdf or b"")
    else:
        body = results.RESULTS_CSV.of(run)
    if not body:
        raise Http404("ファイルがありません")
    record_request(request, Action.DOWNLOAD, run, kind=kind, number=run.number)
    response = HttpResponse(body, content_type=content_type)
    stem = {"notices": "notices_", "appeals": "appeals_"}.get(kind, "")
    trial = "_trial" if run.trial else ""  # 試行・未確定: the file says so too (its pages and sheets do inside)
    name = f"hoiku_{stem}{run.round.fiscal_year}_{run.round_id}_run{run.number}{trial}.{suffix}"
    if kind in ("notices", "appeals") and not run.is_confirmed:
        # Before 確定 the notices are a draft (案): the name says so (the final ones come from a confirmed run).
        response["Content-Disposition"] = f"attachment; filename=\"draft_{name}\"; filename*=UTF-8''{quote('案_' + name)}"
        return response
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@member_required
def input_download(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    """An uploaded file as it was stored, e.g. to reproduce a run with `kyodo hoiku allocate`."""
    input_set = get_for_user_or_404(InputSet, request, pk)
    if role not in ("children", "facilities", "combinations"):
        raise Http404("その種類のファイルはありません")
    name = getattr(input_set, f"{role}_name")
    if not name:
        raise Http404("ファイルがありません")
    record_request(request, Action.DOWNLOAD, input_set, kind=f"input_{role}", file=name)
    content_type = "text/csv" if name.lower().endswith(".csv") else DOWNLOADS["workbook"][0]
    response = HttpResponse(bytes(getattr(input_set, f"{role}_data")), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
