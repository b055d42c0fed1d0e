"""Template context for every page: the services in the navigation and the unread notification count."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest

from kyodo.web.portal.models import Notification
from kyodo.web.portal.registry import Service, services_for


def unread_count(request: HttpRequest) -> int:
    """The signed-in user's unread notifications, counted once per request (the page shell's key reads it too)."""
    count: int | None = getattr(request, "_kyodo_unread", None)
    if count is None:
        user = request.user
        count = Notification.objects.for_user(user).filter(recipient=user, read_at__isnull=True).count()
        request._kyodo_unread = count  # type: ignore[attr-defined]
    return count


def current_service(path: str, services: Sequence[Service]) -> str:
    """The key of the service whose pages `path` is one of ("" for the home page and shared pages)."""
    return next((s.key for s in services if path.startswith(s.url)), "")


def portal(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.organisation_id:
        return {"nav_services": [], "nav_current": "", "unread_notifications": 0}
    services = services_for(user)
    return {"nav_services": services, "nav_current": current_service(request.path, services),
            "unread_notifications": unread_count(request)}
