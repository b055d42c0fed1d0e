"""Sign-in (rate limited), the home page, and organisation administrators' user management."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kyodo.web.accounts import ratelimit
from kyodo.web.accounts.forms import LoginForm, UserChangeForm, UserCreateForm
from kyodo.web.accounts.models import Organisation, Role, User
from kyodo.web.accounts.permissions import (
    get_managed_user_or_404,
    org_admin_required,
    platform_admin_required,
    roles_assignable_by,
    users_for,
)
from kyodo.web.audit.log import record, record_request
from kyodo.web.audit.models import Action


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        address = ratelimit.client_address(request)
        if ratelimit.is_locked(username, address):
            known = User.objects.filter(username=username).first()
            if known is not None:
                record(known, Action.LOGIN_LOCKED, address=address)
            form.add_error(None, "ログインの失敗が続いたため、しばらく(15分)ログインできません。")
            status = 429
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                ratelimit.record_failure(username, address)
                form.add_error(None, "利用者名またはパスワードが違います。")
            else:
                ratelimit.clear(username)
                login(request, user)
                return redirect(next_url or "accounts:home")
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The portal: a tile per service the user may use, with what waits there, and the latest notifications."""
    from kyodo.web.portal.models import Notification
    from kyodo.web.portal.registry import services_for

    tiles = [(s, s.waiting(request.user)) for s in services_for(request.user)]
    latest = Notification.objects.for_user(request.user).filter(recipient=request.user, read_at__isnull=True)[:5]
    return render(request, "accounts/home.html", {"tiles": tiles, "latest": latest})


@org_admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/user_list.html", {"users": users_for(request.user)})  # type: ignore[arg-type]


@org_admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    admin: User = request.user  # type: ignore[assignment]
    form = UserCreateForm(request.POST or None, roles=roles_assignable_by(admin))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.create_user(
            username=data["username"], password=data["password"], display_name=data["display_name"],
            role=data["role"], organisation_id=admin.organisation_id,
        )
        record_request(request, Action.USER_CREATE, user, username=user.username, role=user.role)
        messages.success(request, f"利用者「{user.username}」を作成しました。")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": "利用者の追加"})


@org_admin_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    admin: User = request.user  # type: ignore[assignment]
    target = get_managed_user_or_404(request, pk)
    roles = roles_assignable_by(admin)
    if target.role not in dict(roles):
        raise PermissionDenied("この利用者は変更できません")
    initial = {"display_name": target.display_name, "role": target.role, "is_active": target.is_active}
    form = UserChangeForm(request.POST or None, initial=initial, roles=roles, user=target)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if target.pk == admin.pk and (data["role"] == Role.STAFF or not data["is_active"]):
            form.add_error(None, "自分自身の管理者権限は外せません。")
        else:
            changes = {k: data[k] for k in ("display_name", "role", "is_active") if getattr(target, k) != data[k]}
            for key, value in changes.items():
                setattr(target, key, value)
            if data["new_password"]:
                target.set_password(data["new_password"])
                changes["password"] = "(再設定)"
            if changes:
                target.save()
            record_request(request, Action.USER_CHANGE, target, username=target.username, changes=changes)
            messages.success(request, f"利用者「{target.username}」を更新しました。")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": f"利用者の変更: {target.username}"})


@platform_admin_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Every organisation with how many users and administrators it has (counts only, no personal data)."""
    organisations = Organisation.objects.annotate(
        user_count=Count("users", filter=Q(users__is_active=True)),
        admin_count=Count("users", filter=Q(users__is_active=True, users__role=Role.ORG_ADMIN)),
    )
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@platform_admin_required
def organisation_admin_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A platform administrator creates an organisation's administrator, who then manages its staff."""
    organisation = get_object_or_404(Organisation, pk=pk)
    form = UserCreateForm(request.POST or None, roles=[c for c in Role.choices if c[0] == Role.ORG_ADMIN])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.create_user(
            username=data["username"], password=data["password"], display_name=data["display_name"],
            role=Role.ORG_ADMIN, organisation=organisation,
        )
        # Recorded in the organisation that gained an administrator, so that its administrators see it.
        record(request.user, Action.USER_CREATE, user, organisation_id=organisation.pk,
               username=user.username, role=user.role, by_platform=True)
        messages.success(request, f"{organisation.name}の組織管理者「{user.username}」を作成しました。")
        return redirect("accounts:organisation_list")
    return render(request, "accounts/user_form.html",
                  {"form": form, "title": f"{organisation.name}の組織管理者を追加"})
