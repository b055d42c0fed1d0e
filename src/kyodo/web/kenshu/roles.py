"""Who sees what in joint training. Every view reaches kenshu rows only through these helpers.

- **Tokyo's training administrators** (研修担当, 東京都): members of 東京都 other than platform administrators
  (running the platform gives no access to staff names). They publish courses, sessions and the annual survey, run
  the allocation, and see every organisation's nominees, attendance and reports.
- **an organisation's 研修担当**: any member of a municipality (or of 東京都 for its own staff). Answers the survey,
  nominates its own staff in order, sees only its own nominees' names and results; its administrator
  (組織管理者) is the manager who approves nominations where a course asks for it.
- **a host** (主催団体): the organisation that registered a course. It edits its course and sessions, shows the
  check-in QR code and keeps the tick list. A host other than 東京都 sees participants of other organisations by
  受講番号 and organisation only, never by name.
- **the catalogue**: published courses and their sessions, for every member of every organisation.
Denials are 404 for objects whose existence is not to be revealed, 403 for pages a role may not use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse

from kyodo.web.accounts.models import Role
from kyodo.web.accounts.permissions import in_tokyo as in_tokyo
from kyodo.web.accounts.permissions import requiring
from kyodo.web.kenshu.models import Course, Nomination, Survey, SurveyStatus, TrainingSession
from kyodo.web.tenancy import OrgQuerySet

View = Callable[..., HttpResponse]


def is_trainer(user: Any) -> bool:
    return in_tokyo(user) and user.role != Role.PLATFORM_ADMIN


trainer_required = requiring(is_trainer, "東京都の研修担当のみが使えます")


# --- catalogue
def courses_for(user: Any) -> OrgQuerySet:
    """Published courses for everyone; drafts for their host; everything for Tokyo's administrators."""
    qs: OrgQuerySet = Course.objects.unscoped("the course catalogue is shared by every organisation")
    if is_trainer(user):
        return qs
    return qs.filter(Q(published=True) | Q(organisation_id=user.organisation_id))  # type: ignore[no-any-return]


def get_course_or_404(request: HttpRequest, pk: int) -> Course:
    try:
        found: Course = courses_for(request.user).get(pk=pk)
    except (Course.DoesNotExist, ValueError):
        raise Http404("見つかりません") from None
    return found


def may_host(user: Any, course: Course) -> bool:
    """The host's members change a course and run its sessions; Tokyo's administrators, for Tokyo's courses."""
    if course.organisation_id != user.organisation_id:
        return False
    return is_trainer(user) if in_tokyo(user) else True


def get_hosted_course_or_404(request: HttpRequest, pk: int) -> Course:
    course = get_course_or_404(request, pk)
    if not may_host(request.user, course):
        raise PermissionDenied("主催団体のみが変更できます")
    return course


def get_session_or_404(request: HttpRequest, pk: int) -> TrainingSession:
    visible = courses_for(request.user).values("pk")
    try:
        found: TrainingSession = TrainingSession.objects.unscoped("sessions of the visible catalogue").select_related(
            "course", "organisation").get(pk=pk, course__in=visible)
    except (TrainingSession.DoesNotExist, ValueError):
        raise Http404("見つかりません") from None
    return found


def may_keep_attendance(user: Any, session: TrainingSession) -> bool:
    return is_trainer(user) or may_host(user, session.course)


# --- surveys
def surveys_for(user: Any) -> OrgQuerySet:
    qs: OrgQuerySet = Survey.objects.unscoped("東京都's survey is addressed to every organisation")
    return qs if is_trainer(user) else qs.exclude(status=SurveyStatus.DRAFT)  # type: ignore[return-value]


def get_survey(request: HttpRequest, pk: int | str | None) -> Survey:
    """A survey the user may see: 404 if none, 403 for a draft to anyone but Tokyo's administrators."""
    try:
        survey: Survey = Survey.objects.unscoped("looked up, then checked below").get(pk=pk)
    except (Survey.DoesNotExist, ValueError, TypeError):
        raise Http404("見つかりません") from None
    if survey.status == SurveyStatus.DRAFT and not is_trainer(request.user):
        raise PermissionDenied("準備中の需要調査です")
    return survey


# --- nominations (staff names: personal data)
def nominations_for(user: Any) -> OrgQuerySet:
    """Tokyo's administrators: every organisation's. Everyone else: their own organisation's only."""
    if is_trainer(user):
        qs: OrgQuerySet = Nomination.objects.unscoped("Tokyo's training administrators see every nominee")
        return qs
    return Nomination.objects.for_user(user)  # type: ignore[no-any-return]


def get_nomination_or_404(request: HttpRequest, pk: int) -> Nomination:
    try:
        found: Nomination = nominations_for(request.user).select_related("course", "session", "organisation").get(
            pk=pk)
    except (Nomination.DoesNotExist, ValueError):
        raise Http404("見つかりません") from None
    return found


def participants(user: Any, session: TrainingSession) -> OrgQuerySet:
    """The session's seated nominees, for its tick list: the host (or Tokyo) sees all of them."""
    if not may_keep_attendance(user, session):
        raise PermissionDenied("主催団体と東京都の研修担当のみが使えます")
    qs: OrgQuerySet = Nomination.objects.unscoped("the host keeps the tick list of its own session").filter(
        session=session).select_related("organisation")
    return qs


def shows_names(user: Any, nomination: Nomination) -> bool:
    return is_trainer(user) or nomination.organisation_id == user.organisation_id
