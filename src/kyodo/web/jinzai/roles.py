"""Who sees what in the human cloud. Every view reaches jinzai rows only through these helpers.

Roles (the accounts app has no specialist role; a specialist is a 東京都 user linked to a `Specialist` profile):
- **coordinator** (コーディネーター) — a member of 東京都 (staff or organisation administrator) whom a platform
  administrator made a coordinator (`CoordinatorGrant`), and who is not a specialist. Platform administrators grant
  the role but do not hold it: running the platform gives no access to the municipalities' requests (separation
  of duties). Sees every specialist's profile
  (skills, availability, absences, conflicts), every municipality's requests and engagements, runs the matching,
  confirms and declines proposals, sees the utilisation and fairness charts.
- **municipal staff** (区市町村の職員) — any member of a municipality. Sees and edits only their own
  organisation's requests, sees their own engagements (with the specialist's name and report) and rates them.
  Of the pool they see only names and role types (to name a preferred specialist): never availability,
  absences, conflicts, load or other municipalities' anything.
- **specialist** (専門人材) — sees and edits their own profile (skills, weekly hours, modes, absences; not the
  conflicts or the case limit, which coordinators keep), sees only their own engagements with the request each
  serves, and writes the report for them. Nothing of other specialists or of requests they were not given.
Denials are 404 for objects (their existence is not revealed) and 403 for pages a role may not use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from kyodo.web.accounts.models import Organisation, Role
from kyodo.web.accounts.permissions import TOKYO_CODE, requiring
from kyodo.web.accounts.permissions import in_tokyo as in_tokyo
from kyodo.web.accounts.permissions import is_municipal as is_municipal
from kyodo.web.jinzai.models import CoordinatorGrant, Engagement, Specialist, TalentRequest
from kyodo.web.tenancy import OrgQuerySet

View = Callable[..., HttpResponse]


def tokyo() -> Organisation:
    org: Organisation = Organisation.objects.get(code=TOKYO_CODE)
    return org


def specialist_of(user: Any) -> Specialist | None:
    """The user's own specialist profile, or None. Looked up in Tokyo's pool by the user's own key."""
    if not in_tokyo(user):
        return None
    found: Specialist | None = Specialist.objects.for_org(user.organisation_id).filter(user=user).first()
    return found


def is_coordinator(user: Any) -> bool:
    if not in_tokyo(user) or user.role == Role.PLATFORM_ADMIN or specialist_of(user) is not None:
        return False
    granted: bool = CoordinatorGrant.objects.for_org(user.organisation_id).filter(user=user).exists()
    return granted


def coordinators() -> list[CoordinatorGrant]:
    """Who coordinates (names only: every signed-in user may know whom to ask)."""
    return list(CoordinatorGrant.objects.for_org(tokyo().pk).select_related("user"))


def is_platform_admin(user: Any) -> bool:
    return getattr(user, "role", None) == Role.PLATFORM_ADMIN


coordinator_required = requiring(is_coordinator, "東京都のコーディネーターのみが使えます")
municipal_required = requiring(is_municipal, "区市町村の職員のみが使えます")
platform_admin_required = requiring(is_platform_admin, "基盤管理者のみが使えます")
specialist_required = requiring(lambda u: specialist_of(u) is not None, "専門人材として登録された方のみが使えます")


# --- requests
def requests_for(user: Any) -> OrgQuerySet:
    """Coordinators: every municipality's requests. Municipal staff: their own organisation's. Others: none."""
    qs: OrgQuerySet
    if is_coordinator(user):
        qs = TalentRequest.objects.unscoped("coordinators of 東京都 see every request (issue 7 roles)")
    elif is_municipal(user):
        qs = TalentRequest.objects.for_user(user)
    else:
        qs = TalentRequest.objects.for_user(user).none()
    return qs


def get_request_or_404(request: HttpRequest, pk: int) -> TalentRequest:
    try:
        found: TalentRequest = requests_for(request.user).get(pk=pk)
    except (TalentRequest.DoesNotExist, ValueError):
        raise Http404("見つかりません") from None
    return found


def get_own_request_or_404(request: HttpRequest, pk: int) -> TalentRequest:
    """For changes a municipality makes to its own request: never another organisation's, not even Tokyo's."""
    if not is_municipal(request.user):
        raise Http404("見つかりません")
    return get_request_or_404(request, pk)


# --- engagements
def engagements_for(user: Any) -> OrgQuerySet:
    """Coordinators: all. Municipal staff: their organisation's. A specialist: only their own engagements."""
    qs: OrgQuerySet
    mine = specialist_of(user)
    if is_coordinator(user):
        qs = Engagement.objects.unscoped("coordinators of 東京都 see every engagement (issue 7 roles)")
    elif is_municipal(user):
        qs = Engagement.objects.for_user(user)
    elif mine is not None:
        qs = Engagement.objects.unscoped("a specialist sees the engagements they serve").filter(specialist=mine)
    else:
        qs = Engagement.objects.for_user(user).none()
    return qs


def get_engagement_or_404(request: HttpRequest, pk: int) -> Engagement:
    try:
        found: Engagement = engagements_for(request.user).select_related("request", "specialist").get(pk=pk)
    except (Engagement.DoesNotExist, ValueError):
        raise Http404("見つかりません") from None
    return found


# --- specialists
def specialists_for(user: Any) -> OrgQuerySet:
    """Full profiles: coordinators see the whole pool, a specialist only their own row, anyone else nothing."""
    qs: OrgQuerySet
    mine = specialist_of(user)
    if is_coordinator(user):
        qs = Specialist.objects.for_user(user)
    elif mine is not None:
        qs = Specialist.objects.for_org(mine.organisation_id).filter(pk=mine.pk)
    else:
        qs = Specialist.objects.for_user(user).none()
    return qs


def pool_directory() -> list[tuple[int, str]]:
    """(id, 'name(role type)') of active specialists: all a municipality may know of the pool, to name one."""
    from kyodo.jinzai.skills import taxonomy

    roles = taxonomy().role_types
    rows = Specialist.objects.unscoped("names and role types only, for the preferred-specialist choice").filter(
        active=True
    ).values_list("pk", "name", "role_type")
    return [(pk, f"{name}({roles.get(role, '類型未設定')})") for pk, name, role in rows]
