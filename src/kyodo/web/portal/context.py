"""Template context for every page: the services in the navigation and the unread notification count."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.http import HttpRequest

from kyodo.web.portal.models import Notification
from kyodo.web.portal.registry import Service, services_for


def unread_count(request: HttpRequest) -> int:
    """The signed-in user's unread notifications, counted once per request (the page shell's key reads it too)."""
    count: int | None = getattr(request, "_kyodo_unread", None)
    if count is None:
        # Counted with the user when the request began (accounts.backends), else here.
        count = getattr(request.user, "unread_at_start", None)
        if count is None:
            count = _unread(request.user.organisation_id, request.user.pk)  # type: ignore[union-attr]
        request._kyodo_unread = count  # type: ignore[attr-defined]
    return int(count)


# Written out: on every page, the ORM took longer to build this count than the database took to answer it.
UNREAD_SQL = "SELECT COUNT(*) FROM {table} WHERE organisation_id = %s AND recipient_id = %s AND read_at IS NULL"


def _unread(organisation_id: int, user_id: int) -> int:
    """The user's unread notifications in their own organisation (as Notification.objects.for_user would read)."""
    with connection.cursor() as cursor:
        cursor.execute(UNREAD_SQL.format(table=connection.ops.quote_name(Notification._meta.db_table)),
                       [organisation_id, user_id])
        return int(cursor.fetchone()[0])


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
