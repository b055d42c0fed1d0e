"""Template context for every page: the services in the navigation and the unread notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kyodo.web.portal.models import Notification
from kyodo.web.portal.registry import services_for


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.organisation_id:
        return {"nav_services": [], "unread_notifications": 0}
    unread = Notification.objects.for_user(user).filter(recipient=user, read_at__isnull=True).count()
    return {"nav_services": services_for(user), "unread_notifications": unread}
