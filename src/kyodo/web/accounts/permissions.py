"""Small permission helpers and decorators for function views (healthchecks style)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from kyodo.web.accounts.models import Role, User
from kyodo.web.accounts.organisations import TOKYO

View = Callable[..., HttpResponse]
TOKYO_CODE = TOKYO[0]


def in_tokyo(user: Any) -> bool:
    """A member of 東京都 (the metropolitan government), not of a municipality."""
    org = getattr(user, "organisation", None)
    return org is not None and org.code == TOKYO_CODE


def is_municipal(user: Any) -> bool:
    """A member of one of the 62 municipalities."""
    return getattr(user, "organisation_id", None) is not None and not in_tokyo(user)


def requiring(check: Callable[[Any], bool], message: str) -> Callable[[View], View]:
    """A decorator for a member-only view that refuses (403, with `message`) a user for whom `check` is false."""

    def decorator(view: View) -> View:
        @member_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def org_admin_required(view: View) -> View:
    """Signed in, and administrator of their organisation (or of the platform)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_org_admin:  # type: ignore[union-attr]
            raise PermissionDenied("組織管理者のみが使えます")
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[no-any-return]


def platform_admin_required(view: View) -> View:
    """Signed in as a platform administrator (東京都's operators of the shared platform)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_platform_admin:  # type: ignore[union-attr]
            raise PermissionDenied("基盤管理者のみが使えます")
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[no-any-return]


def member_required(view: View) -> View:
    """Signed in and belonging to an organisation (every page with organisation data needs one)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.organisation_id is None:  # type: ignore[union-attr]
            raise PermissionDenied("組織に所属していません")
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[no-any-return]


def users_for(user: User):  # type: ignore[no-untyped-def]
    """The users an administrator may see and manage: those of their own organisation."""
    return User.objects.filter(organisation_id=user.organisation_id).order_by("username")


def get_managed_user_or_404(request: HttpRequest, pk: int) -> User:
    try:
        return users_for(request.user).get(pk=pk)  # type: ignore[arg-type, no-any-return]
    except User.DoesNotExist:
        raise Http404("見つかりません") from None


def roles_assignable_by(user: User) -> list[tuple[str, str]]:
    """An organisation administrator may make staff and administrators, never platform administrators."""
    allowed = {str(Role.STAFF), str(Role.ORG_ADMIN)}
    if user.is_platform_admin:
        allowed.add(str(Role.PLATFORM_ADMIN))
    return [(value, label) for value, label in Role.choices if value in allowed]
