"""The audit log: append-only records of who did what, when, in which organisation."""
# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from kyodo.web.audit import registry
from kyodo.web.tenancy import OrgManager, OrgOwned, OrgQuerySet


class AppendOnlyError(RuntimeError):
    """An audit entry may be written once and never changed or removed."""


@registry.register
class Action(models.TextChoices):
    """The foundation's actions (sign-in, accounts, hoiku). Other apps register their own (`registry`)."""

    LOGIN = "login", "ログイン"
    LOGIN_FAILED = "login_failed", "ログイン失敗"
    LOGIN_LOCKED = "login_locked", "ログイン制限"
    LOGOUT = "logout", "ログアウト"
    USER_CREATE = "user_create", "利用者の作成"
    USER_CHANGE = "user_change", "利用者の変更"
    ROUND_CREATE = "round_create", "利用調整回の作成"
    UPLOAD = "upload", "アップロード"
    UPLOAD_REJECTED = "upload_rejected", "アップロード(不備あり)"
    RUN = "run", "利用調整の実行"
    DECISION = "decision", "職員判断"
    DECISION_REVOKE = "decision_revoke", "職員判断の取消"
    DOWNLOAD = "download", "ダウンロード"


class AuditEntryQuerySet(OrgQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("監査ログは変更できません")

    def delete(self):  # type: ignore[no-untyped-def]
        raise AppendOnlyError("監査ログは削除できません")


class AuditEntry(OrgOwned):
    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="利用者",
    )
    username = models.CharField("利用者名", max_length=150, blank=True)  # kept even if the user is renamed
    # Every app's actions (`registry`), read when needed: an app's new action needs no migration here.
    action = models.CharField("操作", max_length=registry.MAX_LENGTH, choices=registry.choices)
    object_type = models.CharField("対象の種類", max_length=60, blank=True)
    object_id = models.CharField("対象", max_length=64, blank=True)
    details = models.JSONField("詳細", default=dict, blank=True)

    objects = OrgManager.from_queryset(AuditEntryQuerySet)()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "監査ログ"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("監査ログは変更できません")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("監査ログは削除できません")

