"""Who sees which case rows. Every jirei view reaches cases, questions and contacts only through these helpers.

- A **draft** is seen, changed and published by the members of its own organisation only; to everyone else it does
  not exist (404, never 403), in search results, facets, similar cases, exports and counts alike.
- A **published** case is seen by every signed-in member of every organisation; only its own organisation changes it.
- The **contact** of a case is shown to municipal staff (members of 東京都 or a municipality), not to platform
  administrators, who run the platform rather than take part in it.
- **Questions and answers** on a case are shown to all who see the case; only the case's organisation answers.
- A **contact request** is seen by the asking organisation and by the case's organisation, nobody else.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest

from kyodo.web.accounts.models import Role
from kyodo.web.jirei.models import Case, ContactRequest, Question, Visibility
from kyodo.web.tenancy import OrgQuerySet, get_for_user_or_404

SHARED = "published cases are shared with every organisation; drafts stay with their own (access.visible_cases)"


def visible_to(organisation_id: int | None) -> OrgQuerySet:
    """Published cases, and the drafts of `organisation_id` (None: published cases only, as operators search)."""
    qs: OrgQuerySet = Case.objects.unscoped(SHARED)
    if organisation_id is None:
        published: OrgQuerySet = qs.filter(visibility=Visibility.PUBLISHED)
        return published
    visible: OrgQuerySet = qs.filter(Q(visibility=Visibility.PUBLISHED) | Q(organisation_id=organisation_id))
    return visible


def viewer(user: Any) -> int | None:
    """The organisation whose drafts `user` may see; views require a member, so None only for others."""
    return getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None


def visible_cases(user: Any) -> OrgQuerySet:
    org = viewer(user)
    if org is None:
        nothing: OrgQuerySet = Case.objects.none()
        return nothing._mark_scoped()
    return visible_to(org)


def get_visible_case_or_404(request: HttpRequest, pk: int) -> Case:
    try:
        case: Case = visible_cases(request.user).select_related("organisation").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404("見つかりません") from None
    return case


def get_own_case_or_404(request: HttpRequest, pk: int) -> Case:
    case = get_for_user_or_404(Case, request, pk)
    return case


def is_own(user: Any, case: Case) -> bool:
    return bool(case.organisation_id == getattr(user, "organisation_id", None))


def can_see_contact(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.organisation_id is not None
                and user.role != Role.PLATFORM_ADMIN)


def questions_on(case: Case) -> OrgQuerySet:
    """The Q&A of a case the caller has already been allowed to see."""
    qs: OrgQuerySet = Question.objects.unscoped("Q&A is shown to everyone who may see the case")
    on_case: OrgQuerySet = qs.filter(case=case).select_related("organisation", "author", "answered_by")
    return on_case


def get_question_to_answer_or_404(request: HttpRequest, pk: int) -> Question:
    """A question on one of the user's own organisation's cases (only the owner answers)."""
    qs = Question.objects.unscoped("the owner of the case answers questions from other organisations")
    try:
        question: Question = qs.select_related("case").get(pk=pk, case__organisation_id=request.user.organisation_id)
    except (Question.DoesNotExist, ValueError):
        raise Http404("見つかりません") from None
    return question


def contacts_for(user: Any) -> OrgQuerySet:
    """Contact requests the user's organisation sent or received."""
    qs: OrgQuerySet = ContactRequest.objects.unscoped("a contact request is seen by the asker and the case's owner")
    org = getattr(user, "organisation_id", None)
    if org is None:
        nothing: OrgQuerySet = qs.none()
        return nothing
    both: OrgQuerySet = qs.filter(Q(organisation_id=org) | Q(owner_id=org)).select_related(
        "case", "organisation", "owner", "requester")
    return both


def waiting_for(user: Any) -> dict[str, int]:
    """What waits for the user's organisation (for the portal): unread contact requests, unanswered questions."""
    org = getattr(user, "organisation_id", None)
    if org is None:
        return {"contacts": 0, "questions": 0}
    contacts = ContactRequest.objects.unscoped("counts for the owner").filter(owner_id=org, read_at__isnull=True)
    questions = Question.objects.unscoped("counts for the owner").filter(case__organisation_id=org, answer="")
    return {"contacts": contacts.count(), "questions": questions.count()}
