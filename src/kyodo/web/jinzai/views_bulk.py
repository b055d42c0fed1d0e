"""Bulk import/export of the pool and of requests, and the coordinators' list (granted by a platform administrator).

Coordinators import and export the pool and every municipality's requests; a municipality imports and exports its
own requests. An upload with any problem saves nothing and lists every problem by file, row and column.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from kyodo.problems import InputError
from kyodo.web.accounts.models import Organisation, Role, User
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.jinzai import bulk, roles
from kyodo.web.jinzai.actions import JinzaiAction
from kyodo.web.jinzai.models import CoordinatorGrant

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv; charset=utf-8",
}


def _uploaded(request: HttpRequest) -> tuple[str, bytes] | None:
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, "ファイルを選んでください。")
        return None
    if f.size is not None and f.size > MAX_UPLOAD_BYTES:
        messages.error(request, f"{f.name}: ファイルが大きすぎます(上限 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB)。")
        return None
    return str(f.name), f.read()


def _format(request: HttpRequest) -> str:
    return ".csv" if request.GET.get("format") == "csv" else ".xlsx"


def _download(name: str, suffix: str, header: list[str], rows: list[list[object]]) -> HttpResponse:
    response = HttpResponse(bulk.table_bytes(suffix, header, rows), content_type=CONTENT_TYPES[suffix])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}{suffix}"
    return response


def _import_page(request: HttpRequest, kind: str, problems: list[object]) -> HttpResponse:
    return render(request, "jinzai/import.html", {"kind": kind, "problems": problems}, status=400 if problems else 200)


@roles.coordinator_required
def specialist_import(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _import_page(request, "specialists", [])
    upload = _uploaded(request)
    if upload is None:
        return redirect("jinzai:specialist_import")
    try:
        result = bulk.import_specialists(roles.tokyo(), *upload)
    except InputError as exc:
        return _import_page(request, "specialists", list(exc.problems))
    record_request(request, JinzaiAction.IMPORT, None, kind="specialists", file=upload[0],
                   created=result.created, updated=result.updated)
    messages.success(request, f"人材一覧: {result.message}")
    return redirect("jinzai:specialist_list")


@roles.coordinator_required
def specialist_export(request: HttpRequest) -> HttpResponse:
    pool = roles.specialists_for(request.user).prefetch_related("absences").order_by("pk")
    header, rows = bulk.specialist_table(pool)
    record_request(request, JinzaiAction.EXPORT, None, kind="specialists", rows=len(rows))
    return _download("人材一覧", _format(request), header, rows)


def _may_handle_requests(user: object) -> bool:
    return roles.is_coordinator(user) or roles.is_municipal(user)


@member_required
def request_import(request: HttpRequest) -> HttpResponse:
    if not _may_handle_requests(request.user):
        raise PermissionDenied("依頼を取り込めるのは区市町村の職員とコーディネーターです")
    if request.method != "POST":
        return _import_page(request, "requests", [])
    upload = _uploaded(request)
    if upload is None:
        return redirect("jinzai:request_import")
    try:
        result = bulk.import_requests(roles.tokyo(), request.user, *upload,
                                      own_only=not roles.is_coordinator(request.user))
    except InputError as exc:
        return _import_page(request, "requests", list(exc.problems))
    record_request(request, JinzaiAction.IMPORT, None, kind="requests", file=upload[0],
                   created=result.created, updated=result.updated)
    messages.success(request, f"依頼一覧: {result.message}")
    return redirect("jinzai:request_list")


@member_required
def request_export(request: HttpRequest) -> HttpResponse:
    if not _may_handle_requests(request.user):
        raise PermissionDenied("依頼を書き出せるのは区市町村の職員とコーディネーターです")
    rows_qs = roles.requests_for(request.user).select_related("organisation", "preferred").order_by("pk")
    header, rows = bulk.request_table(rows_qs)
    record_request(request, JinzaiAction.EXPORT, None, kind="requests", rows=len(rows))
    return _download("依頼一覧", _format(request), header, rows)


@roles.platform_admin_required
def coordinator_list(request: HttpRequest) -> HttpResponse:
    """Who coordinates the human cloud; the platform administrator grants (POST user) and revokes (POST revoke)."""
    tokyo = roles.tokyo()
    grants = CoordinatorGrant.objects.for_org(tokyo.pk).select_related("user", "granted_by")
    if request.method == "POST":
        if "revoke" in request.POST:
            _revoke(request, get_object_or_404(grants, pk=request.POST.get("revoke")))
        else:
            _grant(request, tokyo, {g.user_id for g in grants})
        return redirect("jinzai:coordinator_list")
    candidates = User.objects.filter(organisation=tokyo, is_active=True).exclude(role=Role.PLATFORM_ADMIN).exclude(
        pk__in=[g.user_id for g in grants]).order_by("username")
    return render(request, "jinzai/coordinators.html", {"grants": grants, "candidates": candidates})


def _grant(request: HttpRequest, tokyo: Organisation, granted: set[int]) -> None:
    user = get_object_or_404(
        User.objects.filter(organisation=tokyo).exclude(role=Role.PLATFORM_ADMIN), pk=request.POST.get("user")
    )
    if roles.specialist_of(user) is not None:
        messages.error(request, f"{user.display_name or user.username}さんは専門人材として登録されています。")
    elif user.pk not in granted:
        grant = CoordinatorGrant.objects.create(organisation=tokyo, user=user, granted_by=request.user)
        record_request(request, JinzaiAction.COORDINATOR_GRANT, grant, coordinator=user.username)
        messages.success(request, f"{user.display_name or user.username}さんをコーディネーターにしました。")


def _revoke(request: HttpRequest, grant: CoordinatorGrant) -> None:
    record_request(request, JinzaiAction.COORDINATOR_REVOKE, grant, coordinator=grant.user.username)
    grant.delete()
    messages.success(request, "コーディネーターの役割を外しました。")
