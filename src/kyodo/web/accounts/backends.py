"""The sign-in backend: Django's, with the user's organisation read in the same query on every request.

Every page shows the organisation's name in the header and every view checks the organisation, so loading it with
the user saves a query per request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from kyodo.web.accounts.models import User


class OrganisationModelBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
