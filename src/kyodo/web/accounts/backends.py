"""The sign-in backend: Django's, with the user's organisation and unread notification count read in the same query
on every request.

Every page shows the organisation's name and the unread count in the header and every view checks the organisation,
so loading them with the user saves two queries per request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models.expressions import RawSQL

from kyodo.web.accounts.models import User


def _unread() -> RawSQL:
    """The user's unread notifications, counted in the same query (`kyodo.web.portal.context.unread_count`)."""
    from kyodo.web.portal.context import unread_sql

    return RawSQL(unread_sql(User._meta.db_table), [])


class OrganisationModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("organisation").annotate(unread_at_start=_unread()).get(
                pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
