"""研修のお知らせ: results, promotions and survey steps told to an organisation's staff through the portal.

Kenshu keeps no notice table of its own: every notice is a portal notification (`kyodo.web.portal.notify`) to each
active member of the organisation, so it shows in the user's お知らせ, on the kenshu home page and by e-mail where
configured. A notice names no other organisation's staff.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from kyodo.web.accounts.models import Role
from kyodo.web.portal.models import Notification
from kyodo.web.portal.notify import notify

SERVICE = "kenshu"


def tell(organisation_ids: Iterable[int], title: str) -> int:
    """Notify every active member (not the platform administrators) of the organisations; returns how many."""
    users = get_user_model().objects.filter(
        organisation_id__in=list(organisation_ids), is_active=True).exclude(role=Role.PLATFORM_ADMIN)
    return len(notify(users, service=SERVICE, title=title, url=reverse("kenshu:home")))


def unread(user: Any) -> Any:
    """The user's own unread training notices, newest first."""
    return Notification.objects.for_user(user).filter(recipient=user, service=SERVICE, read_at__isnull=True)
