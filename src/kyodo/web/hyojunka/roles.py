"""Who sees which plan. Every view reaches plans only through these helpers.

- **a municipality's members** see and change their own organisation's plans in full.
- **東京都's members** see every municipality's plans (the Tokyo-wide dashboard and each plan, read only).
- **another municipality** sees only aggregates (by system, without names), and a plan in full, read only, when
  its owner has chosen to share it (`Plan.shared`, e.g. for 共同利用).
Denials are 404 for objects (their existence is not revealed) and 403 for pages a role may not use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from kyodo.web.accounts.permissions import in_tokyo as in_tokyo
from kyodo.web.accounts.permissions import is_municipal as is_municipal
from kyodo.web.accounts.permissions import requiring
from kyodo.web.hyojunka.models import Plan
from kyodo.web.tenancy import OrgQuerySet

View = Callable[..., HttpResponse]


tokyo_required = requiring(in_tokyo, "東京都の職員のみが使えます")
municipal_required = requiring(is_municipal, "区市町村の職員のみが使えます")


def all_plans() -> OrgQuerySet:
    """Every municipality's plans: for 東京都's dashboard and for aggregates without names."""
    qs: OrgQuerySet = Plan.objects.unscoped("東京都 sees every plan; others only aggregates (issue 13 roles)")
    return qs


def own_plans(user: Any) -> OrgQuerySet:
    qs: OrgQuerySet = Plan.objects.for_user(user)
    return qs


def get_visible_plan_or_404(request: HttpRequest, pk: int) -> tuple[Plan, bool]:
    """(plan, whether the user may change it): own plans in full; Tokyo and, for a shared plan, others read only."""
    user = request.user
    try:
        plan: Plan = all_plans().select_related("organisation").get(pk=pk)
    except (Plan.DoesNotExist, ValueError):
        raise Http404("見つかりません") from None
    own = plan.organisation_id == getattr(user, "organisation_id", None)
    if own or in_tokyo(user) or (plan.shared and is_municipal(user)):
        return plan, own
    raise Http404("見つかりません")


def get_own_plan_or_404(request: HttpRequest, pk: int) -> Plan:
    """For changes: only the municipality's own plan, never another's (not even Tokyo may change one)."""
    try:
        plan: Plan = own_plans(request.user).get(pk=pk)
    except (Plan.DoesNotExist, ValueError):
        raise Http404("見つかりません") from None
    return plan
