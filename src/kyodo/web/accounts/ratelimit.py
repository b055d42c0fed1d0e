"""Login rate limiting, kept in the database so that it holds across processes and machines.

A user name is locked for the window after LOGIN_FAILURE_LIMIT failures; an address after
LOGIN_FAILURE_LIMIT_PER_ADDRESS (one office's NAT may hold many people, so that limit is higher).
A successful login clears the failures for that user name.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from kyodo.web.accounts.models import LoginFailure


def _username_hash(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode()).hexdigest()


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return str(request.META.get("REMOTE_ADDR") or "unknown")[:45]


def _recent():  # type: ignore[no-untyped-def]
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return LoginFailure.objects.filter(at__gte=since)


def is_locked(username: str, address: str) -> bool:
    recent = _recent()
    if recent.filter(username_hash=_username_hash(username)).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    return bool(recent.filter(address=address).count() >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS)


def record_failure(username: str, address: str) -> None:
    LoginFailure.objects.create(username_hash=_username_hash(username), address=address)
    # Keep the table small: nothing older than the window is ever read.
    LoginFailure.objects.filter(
        at__lt=timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    ).delete()


def clear(username: str) -> None:
    LoginFailure.objects.filter(username_hash=_username_hash(username)).delete()
