"""Who reads what in the guidelines app. Every view reaches shishin rows only through these helpers.

- **東京都の編集者** — a member of 東京都 (staff or organisation administrator; not a platform administrator, whose
  job is running the platform): writes guidelines, drafts and publishes versions, answers proposals and requests,
  sees which edition is on which version and which sentences municipalities change most.
- **区市町村の職員** — any member of a municipality: reads published versions, makes and edits their organisation's
  editions, proposes changes and requests guidelines. Sees only their own organisation's editions, proposals and
  requests. Drafts are never shown outside 東京都.
Denials are 404 for objects (their existence is not revealed) and 403 for pages a role may not use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from kyodo.web.accounts.models import Organisation, Role
from kyodo.web.accounts.permissions import TOKYO_CODE, requiring
from kyodo.web.accounts.permissions import is_municipal as is_municipal
from kyodo.web.shishin.models import (
    ChangeProposal,
    Edition,
    Guideline,
    GuidelineRequest,
    GuidelineVersion,
    VersionStatus,
)
from kyodo.web.tenancy import OrgQuerySet

View = Callable[..., HttpResponse]
PUBLIC = "published guidelines are public documents every organisation reads"
TOKYO_READS = "東京都's editors answer every municipality's proposals and requests"


def tokyo() -> Organisation:
    org: Organisation = Organisation.objects.get(code=TOKYO_CODE)
    return org


def is_editor(user: Any) -> bool:
    org = getattr(user, "organisation", None)
    return org is not None and org.code == TOKYO_CODE and user.role != Role.PLATFORM_ADMIN


editor_required = requiring(is_editor, "東京都の指針の編集者のみが使えます")
municipal_required = requiring(is_municipal, "区市町村の職員のみが使えます")


def versions_for(user: Any) -> OrgQuerySet:
    """Tokyo's editors: every version, drafts too. Everyone else: published versions only."""
    qs: OrgQuerySet
    if is_editor(user):
        qs = GuidelineVersion.objects.for_org(user.organisation_id)
    else:
        qs = GuidelineVersion.objects.unscoped(PUBLIC).filter(status=VersionStatus.PUBLISHED)
    return qs


def guidelines_for(user: Any) -> OrgQuerySet:
    qs: OrgQuerySet
    if is_editor(user):
        qs = Guideline.objects.for_org(user.organisation_id)
    else:
        qs = Guideline.objects.unscoped(PUBLIC).filter(pk__in=versions_for(user).values("guideline_id"))
    return qs


def _get(qs: OrgQuerySet, pk: Any) -> Any:
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404("見つかりません") from None


def get_guideline_or_404(request: HttpRequest, pk: int) -> Guideline:
    found: Guideline = _get(guidelines_for(request.user), pk)
    return found


def get_version_or_404(request: HttpRequest, pk: int) -> GuidelineVersion:
    found: GuidelineVersion = _get(versions_for(request.user).select_related("guideline"), pk)
    return found


def get_edition_or_404(request: HttpRequest, pk: int) -> Edition:
    found: Edition = _get(Edition.objects.for_user(request.user).select_related("guideline"), pk)
    return found


def proposals_for(user: Any) -> OrgQuerySet:
    qs: OrgQuerySet = ChangeProposal.objects.unscoped(TOKYO_READS) if is_editor(user) else ChangeProposal.objects.for_user(user)
    return qs


def get_proposal_or_404(request: HttpRequest, pk: int) -> ChangeProposal:
    found: ChangeProposal = _get(proposals_for(request.user).select_related("guideline", "organisation"), pk)
    return found


def requests_for(user: Any) -> OrgQuerySet:
    qs: OrgQuerySet = GuidelineRequest.objects.unscoped(TOKYO_READS) if is_editor(user) else GuidelineRequest.objects.for_user(user)
    return qs


def latest_published(guideline: Guideline) -> GuidelineVersion | None:
    found: GuidelineVersion | None = (guideline.versions.filter(status=VersionStatus.PUBLISHED)
                                      .order_by("-published_at", "-id").first())
    return found


def published_after(version: GuidelineVersion) -> int:
    """How many versions of the guideline were published after this one (how far an edition is behind)."""
    qs = version.guideline.versions.filter(status=VersionStatus.PUBLISHED)
    if version.published_at is not None:
        qs = qs.filter(published_at__gt=version.published_at)
    return int(qs.count())
