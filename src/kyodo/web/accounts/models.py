"""Organisations (東京都 and the 62 区市町村), their users and roles, and failed logins for rate limiting."""
# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class OrganisationKind(models.TextChoices):
    PREFECTURE = "都", "都"
    WARD = "区", "特別区"
    CITY = "市", "市"
    TOWN = "町", "町"
    VILLAGE = "村", "村"


class Organisation(models.Model):
    """Tokyo or one municipality. Public facts only (name, code): not organisation-owned data."""

    code = models.CharField("団体コード", max_length=6, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    kind = models.CharField("種別", max_length=1, choices=OrganisationKind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = "組織"

    def __str__(self) -> str:
        return str(self.name)


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", "基盤管理者"
    ORG_ADMIN = "org_admin", "組織管理者"
    STAFF = "staff", "職員"


class User(AbstractUser):
    """A person who signs in. Belongs to exactly one organisation with one role.

    Not `OrgOwned`: authentication must look users up by name before anyone is signed in. Views that
    list or change users go through `kyodo.web.accounts.permissions.users_for`, which scopes them.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name="組織"
    )
    role = models.CharField("役割", max_length=20, choices=Role.choices, default=Role.STAFF)
    display_name = models.CharField("氏名", max_length=80, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = "利用者"

    def __str__(self) -> str:
        return str(self.display_name or self.username)

    @property
    def is_org_admin(self) -> bool:
        return bool(self.is_authenticated and self.role in (Role.ORG_ADMIN, Role.PLATFORM_ADMIN))

    @property
    def is_platform_admin(self) -> bool:
        return bool(self.is_authenticated and self.role == Role.PLATFORM_ADMIN)


class LoginFailure(models.Model):
    """One failed sign-in, kept for the rate limit window. Holds a hash of the user name, not the name."""

    username_hash = models.CharField(max_length=64, db_index=True)
    address = models.CharField(max_length=45, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
