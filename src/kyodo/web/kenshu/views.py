"""The catalogue, courses and sessions, attendance (QR check-in and the tick list), iCalendar.

Which role sees what is decided in `roles.py`; each view says which helper it uses.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kyodo.jinzai.skills import taxonomy
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.kenshu import documents, notices, roles, services
from kyodo.web.kenshu.actions import KenshuAction
from kyodo.web.kenshu.forms import CourseForm, SessionForm
from kyodo.web.kenshu.models import Course, Nomination, TrainingSession


def skill_names(course: Course) -> list[str]:
    tax = taxonomy()
    return [tax.name(s) for s in course.skills if s in tax.skills]


@member_required
def home(request: HttpRequest) -> HttpResponse:
    courses = roles.courses_for(request.user).select_related("organisation").prefetch_related("sessions")
    return render(request, "kenshu/home.html", {
        "courses": courses, "is_trainer": roles.is_trainer(request.user),
        "notices": notices.unread(request.user)[:10],
        "surveys": roles.surveys_for(request.user)[:5],
    })


def _course_choices(request: HttpRequest) -> Any:
    return roles.courses_for(request.user)


@member_required
def course_create(request: HttpRequest) -> HttpResponse:
    if roles.in_tokyo(request.user) and not roles.is_trainer(request.user):
        raise PermissionDenied("東京都の研修担当のみが登録できます")
    form = CourseForm(request.POST or None, choices=_course_choices(request))
    if request.method == "POST" and form.is_valid():
        course = form.save(commit=False)
        course.organisation_id, course.created_by = request.user.organisation_id, request.user
        course.save()
        form.save_m2m()
        record_request(request, KenshuAction.COURSE_SAVE, course, title=course.title)
        messages.success(request, "研修を登録しました。開催回を追加してください。")
        return redirect("kenshu:course_detail", pk=course.pk)
    return render(request, "kenshu/course_form.html", {"form": form})


@member_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = roles.get_course_or_404(request, pk)
    return render(request, "kenshu/course_detail.html", {
        "course": course, "sessions": course.sessions.all(), "skills": skill_names(course),
        "may_host": roles.may_host(request.user, course),
        "prerequisites": course.prerequisites.all(),
    })


@member_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = roles.get_hosted_course_or_404(request, pk)
    form = CourseForm(request.POST or None, instance=course, choices=_course_choices(request).exclude(pk=pk))
    if request.method == "POST" and form.is_valid():
        form.save()
        record_request(request, KenshuAction.COURSE_SAVE, course, title=course.title)
        messages.success(request, "研修を更新しました。")
        return redirect("kenshu:course_detail", pk=course.pk)
    return render(request, "kenshu/course_form.html", {"form": form, "course": course})


@member_required
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = roles.get_hosted_course_or_404(request, pk)
    form = SessionForm(request.POST or None, initial={"format": course.format})
    if request.method == "POST" and form.is_valid():
        session = form.save(commit=False)
        session.organisation_id, session.course = course.organisation_id, course
        session.save()
        record_request(request, KenshuAction.SESSION_SAVE, session, course=course.title)
        messages.success(request, "開催回を追加しました。")
        return redirect("kenshu:course_detail", pk=course.pk)
    return render(request, "kenshu/session_form.html", {"form": form, "course": course})


@member_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = roles.get_session_or_404(request, pk)
    own = roles.nominations_for(request.user).filter(session=session).select_related("organisation")
    keeps = roles.may_keep_attendance(request.user, session)
    return render(request, "kenshu/session_detail.html", {
        "session": session, "own": own, "keeps": keeps, "is_trainer": roles.is_trainer(request.user),
        "checkin_url": request.build_absolute_uri(reverse("kenshu:checkin", args=[session.checkin_token])),
    })


@member_required
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    session = roles.get_session_or_404(request, pk)
    url = request.build_absolute_uri(reverse("kenshu:session_detail", args=[session.pk]))
    response = HttpResponse(documents.session_ics(session, url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kenshu-session-{session.pk}.ics"'
    return response


@member_required
def session_qr(request: HttpRequest, pk: int) -> HttpResponse:
    session = roles.get_session_or_404(request, pk)
    if not roles.may_keep_attendance(request.user, session):
        raise PermissionDenied("主催団体と東京都の研修担当のみが使えます")
    url = request.build_absolute_uri(reverse("kenshu:checkin", args=[session.checkin_token]))
    return HttpResponse(documents.checkin_qr_svg(url), content_type="image/svg+xml")


@member_required
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The lecturer's tick list: minutes attended per participant (partial attendance allowed)."""
    session = roles.get_session_or_404(request, pk)
    rows = list(roles.participants(request.user, session).select_related("course", "organisation"))
    full = services.session_minutes(session)
    if request.method == "POST":
        changed = 0
        for n in rows:
            value = str(full) if request.POST.get(f"present_{n.pk}") else request.POST.get(f"minutes_{n.pk}", "").strip()
            if not value or value == str(n.attended_minutes):
                continue
            if not value.isdigit():
                messages.error(request, f"受講番号 {n.code}: 分は0以上の整数で入力してください。")
                continue
            services.record_attendance(n, int(value), request.user)
            changed += 1
        messages.success(request, f"{changed} 名の出席を記録しました。")
        return redirect("kenshu:session_attendance", pk=session.pk)
    named = roles.is_trainer(request.user)
    people = [{"n": n, "label": n.staff_name if named or roles.shows_names(request.user, n) else "—"}
              for n in rows]
    return render(request, "kenshu/attendance.html", {"session": session, "people": people, "full": full})


def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """Opened from the session's QR code on the day: the participant enters 受講番号 and 職員番号.

    Public (participants need no account) but useless without the session's secret token, and only on the day.
    """
    session = TrainingSession.objects.unscoped("the secret token in the QR code names the session").select_related(
        "course").filter(checkin_token=token).first()
    if session is None:
        raise Http404("見つかりません")
    today = timezone.localdate()
    on_the_day = timezone.localtime(session.starts_at).date() <= today <= timezone.localtime(session.ends_at).date()
    message, ok = "", False
    if request.method == "POST":
        code, staff = request.POST.get("code", "").strip(), request.POST.get("staff_id", "").strip()
        n = _checkin_nomination(session, code, staff)
        if not on_the_day:
            message = "出席の登録は開催日だけできます。"
        elif n is None:
            message = "受講番号と職員番号の組み合わせが、この開催回の受講者にありません。"
        else:
            services.record_attendance(n, services.session_minutes(session), None)
            message, ok = "出席を登録しました。", True
    return render(request, "kenshu/checkin.html", {"session": session, "message": message, "ok": ok,
                                                   "on_the_day": on_the_day})


def _checkin_nomination(session: TrainingSession, code: str, staff: str) -> Nomination | None:
    if not code.isdigit() or not staff:
        return None
    found: Nomination | None = Nomination.objects.unscoped("check-in by 受講番号 and 職員番号").select_related(
        "course", "session").filter(pk=int(code), staff_id=staff, session=session,
                                    status__in=services.SEATED).first()
    return found


@member_required
@require_POST
def notice_clear(request: HttpRequest) -> HttpResponse:
    notices.unread(request.user).update(read_at=timezone.now())
    return redirect("kenshu:home")

