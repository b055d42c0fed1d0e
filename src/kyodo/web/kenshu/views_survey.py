"""The annual cycle: survey (Tokyo) → answers (each organisation) → nominations in order → allocation (Tokyo, in
the background) → results, cancellations, approvals → certificates, staff records, the per-municipality report.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kyodo.kenshu import METHODS
from kyodo.web.accounts.models import Organisation
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.kenshu import documents, notices, roles, services
from kyodo.web.kenshu.actions import KenshuAction
from kyodo.web.kenshu.forms import CancelForm, NominationForm, SurveyForm
from kyodo.web.kenshu.models import (
    AllocationRun,
    Course,
    DemandAnswer,
    Nomination,
    NominationStatus,
    RunStatus,
    Survey,
    SurveyStatus,
    TrainingSession,
)
from kyodo.web.kenshu.views import skill_names
from kyodo.web.tenancy import get_for_user_or_404

NEXT_STATUS: dict[str, str] = {str(SurveyStatus.DRAFT): str(SurveyStatus.OPEN),
                               str(SurveyStatus.OPEN): str(SurveyStatus.NOMINATING)}
STATUS_LABELS: dict[str, str] = dict(SurveyStatus.choices)
METHOD_LABELS = {"fair": "公平配分(既定)", "fcfs": "先着順(比較用)"}


@member_required
def survey_list(request: HttpRequest) -> HttpResponse:
    return render(request, "kenshu/survey_list.html", {
        "surveys": roles.surveys_for(request.user), "is_trainer": roles.is_trainer(request.user)})


@roles.trainer_required
def survey_create(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST or None, choices=roles.courses_for(request.user).filter(published=True))
    if request.method == "POST" and form.is_valid():
        survey = form.save(commit=False)
        survey.organisation_id, survey.created_by = request.user.organisation_id, request.user
        survey.save()
        form.save_m2m()
        record_request(request, KenshuAction.SURVEY_SAVE, survey, title=survey.title)
        messages.success(request, "需要調査を作成しました(準備中)。公開すると各団体が回答できます。")
        return redirect("kenshu:survey_detail", pk=survey.pk)
    return render(request, "kenshu/survey_form.html", {"form": form})


def _totals(survey: Survey) -> dict[int, int]:
    rows = DemandAnswer.objects.unscoped("totals of the demand survey: counts, no names").filter(survey=survey)
    totals: dict[int, int] = defaultdict(int)
    for course_id, count in rows.values_list("course_id", "count"):
        totals[course_id] += count
    return totals


@member_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = roles.get_survey(request, pk)
    courses = list(survey.courses.prefetch_related("sessions").select_related("organisation"))
    mine = {a.course_id: a.count for a in DemandAnswer.objects.for_user(request.user).filter(survey=survey)}
    totals = _totals(survey)
    rows = [{"course": c, "mine": mine.get(c.pk, ""), "total": totals.get(c.pk, 0),
             "seats": sum(s.capacity for s in c.sessions.all())} for c in courses]
    trainer = roles.is_trainer(request.user)
    runs = AllocationRun.objects.for_user(request.user).filter(survey=survey)[:5] if trainer else []
    return render(request, "kenshu/survey_detail.html", {
        "survey": survey, "rows": rows, "is_trainer": trainer, "runs": runs, "next": STATUS_LABELS.get(NEXT_STATUS.get(str(survey.status), "")),
        "methods": [(m, METHOD_LABELS[m]) for m in METHODS],
        "own_count": roles.nominations_for(request.user).filter(survey=survey).count(),
    })


@roles.trainer_required
@require_POST
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_for_user_or_404(Survey, request, pk)
    nxt = NEXT_STATUS.get(str(survey.status))
    if nxt is not None:
        label = STATUS_LABELS[nxt]
        survey.status = nxt
        survey.save(update_fields=["status"])
        record_request(request, KenshuAction.SURVEY_STATUS, survey, status=nxt)
        others = Organisation.objects.exclude(pk=survey.organisation_id).values_list("pk", flat=True)
        notices.tell(others, f"「{survey.title}」が{label}になりました。")
        messages.success(request, f"「{label}」にしました。")
    return redirect("kenshu:survey_detail", pk=survey.pk)


@member_required
@require_POST
def survey_answer(request: HttpRequest) -> HttpResponse:
    survey = roles.get_survey(request, request.POST.get("survey"))
    if survey.status != SurveyStatus.OPEN:
        messages.error(request, "需要調査の受付期間ではありません。")
        return redirect("kenshu:survey_detail", pk=survey.pk)
    saved = 0
    for course in survey.courses.all():
        value = request.POST.get(f"count_{course.pk}", "").strip()
        if not value:
            continue
        if not value.isdigit() or int(value) > 999:
            messages.error(request, f"「{course.title}」の希望人数は0〜999の整数にしてください。")
            continue
        DemandAnswer.objects.for_user(request.user).filter(survey=survey, course=course).delete()
        DemandAnswer.objects.create(organisation_id=request.user.organisation_id, survey=survey, course=course,
                                    count=int(value), answered_by=request.user)
        saved += 1
    record_request(request, KenshuAction.ANSWER, survey, courses=saved)
    messages.success(request, f"{saved} 件の研修について回答しました。")
    return redirect("kenshu:survey_detail", pk=survey.pk)


def _nominating_survey(request: HttpRequest) -> Survey | None:
    if request.GET.get("survey") or request.POST.get("survey"):
        return roles.get_survey(request, request.GET.get("survey") or request.POST.get("survey"))
    found: Survey | None = roles.surveys_for(request.user).filter(status=SurveyStatus.NOMINATING).first()
    return found


@member_required
def nominate(request: HttpRequest) -> HttpResponse:
    """The 研修担当 puts staff forward, in the organisation's order, until the deadline."""
    survey = _nominating_survey(request)
    if survey is None:
        return render(request, "kenshu/nominate.html", {"survey": None})
    courses = list(survey.courses.prefetch_related("sessions"))
    form = NominationForm(request.POST or None, courses=courses)
    closed = survey.status != SurveyStatus.NOMINATING or timezone.localdate() > survey.nomination_deadline
    if request.method == "POST" and closed:
        messages.error(request, "推薦の受付期間ではありません(締切を過ぎたか、まだ始まっていません)。")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        course: Course = data["course_obj"]
        if roles.nominations_for(request.user).filter(survey=survey, course=course, staff_id=data["staff_id"]).exclude(
                status=NominationStatus.CANCELLED).exists():
            form.add_error("staff_id", "この職員はこの研修にすでに推薦されています。")
        else:
            n = Nomination.objects.create(
                organisation_id=request.user.organisation_id, survey=survey, course=course,
                staff_id=data["staff_id"], staff_name=data["staff_name"], rank=data["rank"], wanted=data["wanted"],
                waitlisted_before=data["waitlisted_before"], created_by=request.user)
            record_request(request, KenshuAction.NOMINATE, n, course=course.title, rank=n.rank)
            note = "所属長の承認を待っています。" if course.approval_required else ""
            messages.success(request, f"{n.staff_name} さんを推薦しました(受講番号 {n.code})。{note}")
            return redirect(f"{request.path}?survey={survey.pk}")
    own = roles.nominations_for(request.user).filter(survey=survey).select_related("course", "session")
    return render(request, "kenshu/nominate.html", {"survey": survey, "form": form, "own": own, "closed": closed})


@member_required
def nomination_list(request: HttpRequest) -> HttpResponse:
    """Results: each organisation its own nominees; Tokyo's administrators everyone's."""
    survey = _nominating_survey(request) or roles.surveys_for(request.user).first()
    rows = list(roles.nominations_for(request.user).filter(survey=survey).select_related(
        "course", "session", "organisation")) if survey else []
    labels = {str(s.pk): f"{timezone.localtime(s.starts_at):%m/%d}" for s in TrainingSession.objects.unscoped(
        "session dates of the survey's courses (catalogue)").filter(course__surveys=survey)} if survey else {}
    for n in rows:
        n.waitlist_labels = [(labels.get(spk, spk), pos) for spk, pos in sorted(n.waitlist.items())]
    return render(request, "kenshu/nomination_list.html", {
        "survey": survey, "rows": rows, "is_trainer": roles.is_trainer(request.user),
        "is_admin": request.user.is_org_admin, "cancel_form": CancelForm(),
    })


@member_required
@require_POST
def nomination_approve(request: HttpRequest, pk: int) -> HttpResponse:
    n = roles.get_nomination_or_404(request, pk)
    if n.organisation_id != request.user.organisation_id or not request.user.is_org_admin:
        raise PermissionDenied("承認できるのはその団体の組織管理者(所属長)です")
    if n.status == NominationStatus.REQUESTED:
        n.status, n.approved_by = NominationStatus.APPROVED, request.user
        n.save(update_fields=["status", "approved_by"])
        record_request(request, KenshuAction.APPROVE, n)
        messages.success(request, f"受講番号 {n.code} を承認しました。")
    return redirect(f"{reverse('kenshu:nomination_list')}?survey={n.survey_id}")


@member_required
@require_POST
def nomination_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    n = roles.get_nomination_or_404(request, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "取消の理由を書いてください。")
    elif n.status in (NominationStatus.CANCELLED, NominationStatus.ATTENDED, NominationStatus.PARTIAL):
        messages.error(request, "この推薦は取り消せません。")
    else:
        promotion = services.cancel(n, request.user, form.cleaned_data["reason"])
        text = f"受講番号 {n.code} を取り消しました。"
        if promotion is not None:
            text += f" 空いた座席: {promotion.reason}。"
        messages.success(request, text)
    return redirect(f"{reverse('kenshu:nomination_list')}?survey={n.survey_id}")


@roles.trainer_required
@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_for_user_or_404(Survey, request, pk)
    method = request.POST.get("method", "fair")
    seed = request.POST.get("seed", "0").strip() or "0"
    if method not in METHODS or not seed.isdigit():
        messages.error(request, "方式と乱数の種(0以上の整数)を確かめてください。")
        return redirect("kenshu:survey_detail", pk=survey.pk)
    if survey.status == SurveyStatus.ALLOCATED:
        # Booked staff have been told; from here on seats move only by cancellation and promotion.
        messages.error(request, "この需要調査は配分済みです。以後の調整は取消とキャンセル待ちの繰り上げで行います。")
        return redirect("kenshu:survey_detail", pk=survey.pk)
    if AllocationRun.objects.for_user(request.user).filter(survey=survey, status__in=("queued", "running")).exists():
        messages.error(request, "配分を実行中です。終わるまでお待ちください。")
        return redirect("kenshu:survey_detail", pk=survey.pk)
    run = services.start_run(survey, request.user, method, int(seed))
    record_request(request, KenshuAction.ALLOCATE, run, method=method, seed=int(seed))
    return redirect("kenshu:survey_detail", pk=survey.pk)


@roles.trainer_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_for_user_or_404(AllocationRun, request, pk)
    response = render(request, "kenshu/_progress.html", {"run": run})
    if (run.is_finished or run.stall) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@member_required
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    n = roles.get_nomination_or_404(request, pk)
    if not n.completed:
        raise Http404("修了していません")
    pdf = documents.certificate_pdf(n, skill_names(n.course), timezone.localtime())
    record_request(request, KenshuAction.CERTIFICATE, n)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{n.pk}.pdf"'
    return response


@member_required
def staff_record(request: HttpRequest) -> HttpResponse:
    """Each member of staff's training record (own organisation), with the DSS skills of completed courses."""
    rows = Nomination.objects.for_user(request.user).select_related("course", "session").order_by(
        "staff_id", "submitted_at")
    people: dict[str, dict[str, Any]] = {}
    for n in rows:
        p = people.setdefault(n.staff_id, {"name": n.staff_name, "items": [], "skills": set()})
        p["items"].append(n)
        if n.completed:
            p["skills"].update(skill_names(n.course))
    records = [{"staff_id": k, "name": v["name"], "items": v["items"], "skills": sorted(v["skills"])}
               for k, v in sorted(people.items())]
    return render(request, "kenshu/staff_record.html", {"records": records})


REPORT_HEADER = ("団体コード", "団体", "需要調査の希望人数", "推薦", "受講決定", "キャンセル待ち", "出席", "一部出席",
                 "欠席", "修了", "充足率")


def _report_rows(request: HttpRequest) -> list[list[Any]]:
    """Counts per organisation (no names): Tokyo's administrators see every organisation, others their own."""
    trainer = roles.is_trainer(request.user)
    answers = DemandAnswer.objects.unscoped("counts per organisation") if trainer else \
        DemandAnswer.objects.for_user(request.user)
    demand: dict[int, int] = defaultdict(int)
    for org, count in answers.values_list("organisation_id", "count"):
        demand[org] += count
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for org, status, done in roles.nominations_for(request.user).values_list("organisation_id", "status", "completed"):
        counts[org][status] += 1
        counts[org]["all"] += 1
        counts[org]["done"] += int(done)
    orgs = Organisation.objects.filter(pk__in=set(demand) | set(counts)).order_by("code")
    rows = []
    for org in orgs:
        c = counts[org.pk]
        seated = sum(c[str(s)] for s in services.SEATED)
        rows.append([org.code, org.name, demand[org.pk], c["all"], seated, c[str(NominationStatus.WAITLISTED)],
                     c[str(NominationStatus.ATTENDED)], c[str(NominationStatus.PARTIAL)],
                     c[str(NominationStatus.NO_SHOW)],
                     c["done"], round(seated / c["all"], 3) if c["all"] else 0])
    return rows


@member_required
def report(request: HttpRequest) -> HttpResponse:
    rows = _report_rows(request)
    bars = [{"name": r[1], "share": round(100 * r[10]), "row": r} for r in rows]
    latest = AllocationRun.objects.for_user(request.user).filter(status=RunStatus.DONE).first() \
        if roles.is_trainer(request.user) else None
    return render(request, "kenshu/report.html", {"header": REPORT_HEADER, "bars": bars,
                                                  "fairness": latest.plan.get("fairness") if latest else None})


@member_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    data = documents.report_xlsx(REPORT_HEADER, _report_rows(request))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="kenshu-report.xlsx"'
    return response


