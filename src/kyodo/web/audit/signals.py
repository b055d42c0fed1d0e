"""Sign-ins and sign-outs go to the audit log through Django's auth signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from kyodo.web.audit.log import record
from kyodo.web.audit.models import Action


def _address(request: Any) -> str:
    return str(getattr(request, "META", {}).get("REMOTE_ADDR", "")) if request is not None else ""


@receiver(user_logged_in, dispatch_uid="kyodo-audit-login")
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(user, Action.LOGIN, address=_address(request))


@receiver(user_logged_out, dispatch_uid="kyodo-audit-logout")
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(user, Action.LOGOUT, address=_address(request))


@receiver(user_login_failed, dispatch_uid="kyodo-audit-login-failed")
def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Recorded in the organisation of the account that was tried; unknown names belong to no one.
    username = credentials.get("username", "")
    user = get_user_model().objects.filter(username=username).first()
    if user is not None:
        record(user, Action.LOGIN_FAILED, organisation_id=user.organisation_id, address=_address(request))
