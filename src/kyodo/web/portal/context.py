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
        # Counted with the user when the request began (accounts.backends), else here, by the same SQL.
        count = getattr(request.user, "unread_at_start", None)
        if count is None:
            user_table = request.user._meta.db_table  # type: ignore[union-attr]
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT ({unread_sql(user_table)}) FROM {user_table} WHERE id = %s",
                               [request.user.pk])
                count = int(cursor.fetchone()[0])
        request._kyodo_unread = count  # type: ignore[attr-defined]
    return int(count)


def unread_sql(user_table: str) -> str:
    """The unread notifications of the user row of `user_table`, in the user's own organisation (what
    Notification.objects.for_user(user) with read_at unset reads), as a correlated subquery. Written out: on every
    page, the ORM took longer to build this count than the database took to answer it."""
    notification = Notification._meta.db_table
    return (f"SELECT COUNT(*) FROM {notification} n WHERE n.recipient_id = {user_table}.id"
            f" AND n.organisation_id = {user_table}.organisation_id AND n.read_at IS NULL")


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
