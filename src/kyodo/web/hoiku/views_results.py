"""Result pages of a run: summary, facility lists, not admitted, flags, one child, diff, downloads."""

from __future__ import annotations

import gzip
from urllib.parse import quote

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.audit.models import Action
from kyodo.web.hoiku import results
from kyodo.web.hoiku.forms import DecisionForm
from kyodo.web.hoiku.models import InputSet, Run, RunChild, RunStatus
from kyodo.web.hoiku.page_cache import finished_run_page
from kyodo.web.tenancy import get_for_user_or_404

PAGE_SIZE = 100


def _get_run(request: HttpRequest, pk: int, *, done: bool = False) -> Run:
    # The summary (about 300 KB of JSON for a 3,000-child ward) is read only by the pages that show it.
    run = get_for_user_or_404(Run, request, pk, defer=(*Run.STORED_FILES, "summary", "record", "diff_changes"))
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
        "others": others,
    }
    return render(request, "hoiku/run_detail.html", context)


@member_required
@finished_run_page
def facility_detail(request: HttpRequest, pk: int, facility_id: str) -> HttpResponse:
    run = _get_run(request, pk, done=True)
    facility = next((f for f in run.summary["facility_table"] if f["id"] == facility_id), None)
    if facility is None:
        raise Http404("施設がありません")
    offered = list(_rows(run).filter(facility_id=facility_id).order_by("age_class", "-points", "child_id"))
    for row in offered:
        row.rank = next((c["rank"] for c in row.choices if c["facility_id"] == facility_id), None)
    offered.sort(key=lambda r: (r.age_class, r.rank or 0))
    return render(request, "hoiku/facility_detail.html", {"run": run, "facility": facility, "offered": offered})


@member_required
@finished_run_page
def waitlist(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk, done=True)
    rows = _rows(run).filter(facility_id="").order_by("age_class", "best_waitlist", "child_id")
    age = request.GET.get("age", "")
    if age.isdigit():
        rows = rows.filter(age_class=int(age))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        # Joined here rather than in the template: a page has hundreds of choices and template loops are slow.
        row.choice_text = "、".join(
            f"{n}. {c['name']}({c['waitlist'] if c['waitlist'] is not None else '—'}位)"
            for n, c in enumerate(row.choices, start=1)
        )
    return render(request, "hoiku/waitlist.html", {"run": run, "page": page, "age": age})


@member_required
@finished_run_page
def flags(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk, done=True)
    rows = _rows(run).filter(flagged=True).order_by("child_id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hoiku/flags.html", {"run": run, "page": page})


@member_required
@finished_run_page
def child_detail(request: HttpRequest, pk: int, child_id: str) -> HttpResponse:
    run = _get_run(request, pk, done=True)
    row = _rows(run).filter(child_id=child_id).first()
    if row is None:
        raise Http404("児童がいません")
    names = results.facility_names(run)
    decisions = run.round.decisions.filter(child_id=child_id).select_related("created_by", "revoked_by")
    context = {
        "run": run, "row": row, "reasons": results.reasons(row),
        "reason_by_facility": {r["facility_id"]: r for r in row.explanation.get("reasons", [])},
        "facility_name": names.get(row.facility_id, ""), "decisions": decisions,
        "household_total": sum(i["points"] for i in row.breakdown if not i["facility_id"]),
        "decision_form": DecisionForm(initial={"child_id": row.child_id}),
        "facility_ids": sorted(names.items()),
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
    run = _get_run(request, pk, done=True)
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
        body = bytes(run.results_csv or b"")
    if not body:
        raise Http404("ファイルがありません")
    record_request(request, Action.DOWNLOAD, run, kind=kind, number=run.number)
    response = HttpResponse(body, content_type=content_type)
    stem = {"notices": "notices_", "appeals": "appeals_"}.get(kind, "")
    name = f"hoiku_{stem}{run.round.fiscal_year}_{run.round_id}_run{run.number}.{suffix}"
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
