"""Requests (municipal staff), engagements (municipal staff, specialists, coordinators) and the jinzai home page.

Which role sees what is decided in `roles.py`; each view says which helper it uses.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kyodo.jinzai.skills import describe
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.jinzai import roles
from kyodo.web.jinzai.actions import JinzaiAction
from kyodo.web.jinzai.forms import ImplementationReportForm, RatingForm, ReportForm, RequestForm
from kyodo.web.jinzai.models import Engagement, RequestStatus, TalentRequest


@member_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = roles.specialist_of(user)
    today = timezone.localdate()
    engagements = list(roles.engagements_for(user).select_related("request"))
    municipal = roles.is_municipal(user)
    if municipal:
        reminders = sum(e.implementation_report_overdue(today) for e in engagements)
    else:
        reminders = sum(e.is_overdue(today) for e in engagements)
    context = {
        "is_coordinator": roles.is_coordinator(user),
        "is_municipal": municipal,
        "is_platform_admin": roles.is_platform_admin(user),
        "specialist": mine,
        "open_requests": roles.requests_for(user).filter(status=RequestStatus.OPEN).count(),
        "engagements": len(engagements),
        "reminders": reminders,
        "coordinators": roles.coordinators(),
    }
    return render(request, "jinzai/home.html", context)


# --- requests: municipal staff create and see their own; coordinators see all (roles.requests_for)
@member_required
def request_list(request: HttpRequest) -> HttpResponse:
    if not (roles.is_coordinator(request.user) or roles.is_municipal(request.user)):
        raise PermissionDenied("依頼を見られるのは区市町村の職員とコーディネーターです")
    rows = roles.requests_for(request.user).select_related("organisation")
    status = request.GET.get("status", "")
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    return render(request, "jinzai/request_list.html", {
        "requests": rows, "status": status, "statuses": RequestStatus.choices,
        "is_coordinator": roles.is_coordinator(request.user),
    })


def _save_request(form: RequestForm, r: TalentRequest) -> None:
    data = form.cleaned_data
    for field in ("title", "category", "purpose", "deliverable", "mode", "amount", "unit", "start", "end",
                  "urgency", "skills"):
        setattr(r, field, data[field])
    r.preferred_id = data["preferred"]
    r.save()


@roles.municipal_required
def request_create(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, directory=roles.pool_directory())
    if request.method == "POST" and form.is_valid():
        r = TalentRequest(organisation_id=request.user.organisation_id, created_by=request.user)
        _save_request(form, r)
        record_request(request, JinzaiAction.REQUEST_CREATE, r, title=r.title, skills=r.skills)
        messages.success(request, "依頼を登録しました。東京都のコーディネーターがマッチングします。")
        return redirect("jinzai:request_detail", pk=r.pk)
    return render(request, "jinzai/request_form.html", {"form": form})


@member_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    r = roles.get_request_or_404(request, pk)
    engagement = roles.engagements_for(request.user).filter(request=r).select_related("specialist").first()
    return render(request, "jinzai/request_detail.html", {
        "r": r, "skills": describe(r.skills), "engagement": engagement,
        "can_edit": roles.is_municipal(request.user) and r.status == RequestStatus.OPEN,
    })


@roles.municipal_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    r = roles.get_own_request_or_404(request, pk)
    if r.status != RequestStatus.OPEN:
        messages.error(request, "募集中の依頼だけを変更できます。")
        return redirect("jinzai:request_detail", pk=r.pk)
    initial = {f: getattr(r, f) for f in ("title", "category", "purpose", "deliverable", "mode", "amount", "unit",
                                           "start", "end", "urgency")}
    initial["preferred"] = r.preferred_id
    for i, (skill, level) in enumerate(sorted(r.skills.items()), start=1):
        initial[f"skill_{i}"], initial[f"level_{i}"] = skill, level
    form = RequestForm(request.POST or None, initial=initial, directory=roles.pool_directory())
    if request.method == "POST" and form.is_valid():
        _save_request(form, r)
        record_request(request, JinzaiAction.REQUEST_CHANGE, r, title=r.title, skills=r.skills)
        messages.success(request, "依頼を変更しました。")
        return redirect("jinzai:request_detail", pk=r.pk)
    return render(request, "jinzai/request_form.html", {"form": form, "r": r})


@roles.municipal_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    r = roles.get_own_request_or_404(request, pk)
    if r.status != RequestStatus.OPEN:
        messages.error(request, "募集中の依頼だけを取り下げられます。")
    else:
        r.status = RequestStatus.WITHDRAWN
        r.save(update_fields=["status"])
        record_request(request, JinzaiAction.REQUEST_WITHDRAW, r, title=r.title)
        messages.success(request, "依頼を取り下げました。")
    return redirect("jinzai:request_detail", pk=r.pk)


# --- engagements: municipality's own, a specialist's own, or all for coordinators (roles.engagements_for)
@member_required
def engagement_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(roles.engagements_for(request.user).select_related("request__organisation", "specialist"))
    return render(request, "jinzai/engagement_list.html", {
        "engagements": rows, "today": today, "overdue": [e for e in rows if e.is_overdue(today)],
        "implementation_overdue": [e for e in rows if e.implementation_report_overdue(today)],
        "is_specialist": roles.specialist_of(request.user) is not None,
        "is_municipal": roles.is_municipal(request.user),
    })


@member_required
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    e = roles.get_engagement_or_404(request, pk)
    return _engagement_page(request, e)


def _engagement_page(request: HttpRequest, e: Engagement, implementation_form: ImplementationReportForm | None = None,
                     status: int = 200) -> HttpResponse:
    mine = roles.specialist_of(request.user)
    today = timezone.localdate()
    municipal = roles.is_municipal(request.user)
    return render(request, "jinzai/engagement_detail.html", {
        "e": e, "r": e.request, "skills": describe(e.request.skills), "today": today,
        "overdue": e.is_overdue(today), "implementation_overdue": e.implementation_report_overdue(today),
        "can_report": mine is not None and mine.pk == e.specialist_id,
        "can_file_implementation": municipal,
        "can_rate": municipal and e.report_at is not None,
        "report_form": ReportForm(initial={"report": e.report}), "rating_form": RatingForm(),
        "implementation_form": implementation_form or ImplementationReportForm(
            initial={"report": e.implementation_report, "support_end": e.support_end or min(e.request.end, today)}
        ),
    }, status=status)


@roles.municipal_required
@require_POST
def engagement_implementation_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The 実施報告書, filed by the municipality that asked, within a week of the last day of support."""
    e = roles.get_engagement_or_404(request, pk)  # municipal staff reach only their organisation's
    form = ImplementationReportForm(request.POST, start=e.request.start)
    if not form.is_valid():
        messages.error(request, "実施報告書の内容を確かめてください。")
        return _engagement_page(request, e, form, status=400)
    e.support_end = form.cleaned_data["support_end"]
    e.implementation_report = form.cleaned_data["report"].strip()
    e.implementation_report_at, e.implementation_report_by = timezone.now(), request.user
    e.save(update_fields=["support_end", "implementation_report", "implementation_report_at",
                          "implementation_report_by"])
    record_request(request, JinzaiAction.IMPLEMENTATION_REPORT, e, request_id=e.request_id,
                   late=e.implementation_report_at.date() > e.report_due)
    messages.success(request, "実施報告書を提出しました。")
    return redirect("jinzai:engagement_detail", pk=e.pk)


@roles.specialist_required
@require_POST
def engagement_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The specialist's own activity record (活動記録), kept apart from the municipality's 実施報告書."""
    e = roles.get_engagement_or_404(request, pk)  # a specialist reaches only their own engagements
    form = ReportForm(request.POST)
    if form.is_valid():
        e.report, e.report_at = form.cleaned_data["report"].strip(), timezone.now()
        e.save(update_fields=["report", "report_at"])
        record_request(request, JinzaiAction.REPORT, e, request_id=e.request_id,
                       late=e.report_at.date() > e.report_due)
        messages.success(request, "活動記録を提出しました。")
    else:
        messages.error(request, "活動記録を書いてください。")
    return redirect("jinzai:engagement_detail", pk=e.pk)


@roles.municipal_required
@require_POST
def engagement_rating(request: HttpRequest, pk: int) -> HttpResponse:
    """The municipality's satisfaction rating, after the report is in. Only the requesting municipality rates."""
    e = roles.get_engagement_or_404(request, pk)  # municipal staff reach only their organisation's
    form = RatingForm(request.POST)
    if e.report_at is None:
        messages.error(request, "専門人材の活動記録が提出されてから評価できます。")
    elif form.is_valid():
        e.rating, e.rating_comment = form.cleaned_data["rating"], form.cleaned_data["comment"].strip()
        e.rated_by, e.rated_at = request.user, timezone.now()
        e.save(update_fields=["rating", "rating_comment", "rated_by", "rated_at"])
        # Recorded for the municipality, and for Tokyo which runs the pool and watches satisfaction.
        record_request(request, JinzaiAction.RATING, e, rating=e.rating)
        messages.success(request, "評価を記録しました。")
    else:
        messages.error(request, "満足度を選んでください。")
    return redirect("jinzai:engagement_detail", pk=e.pk)
