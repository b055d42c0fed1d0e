"""In-app notifications (お知らせ): one row per recipient, fed by every service through `notify.notify`."""
# ruff: noqa: RUF012  (Django's Meta classes take class-level lists by design)

from __future__ import annotations

from django.conf import settings
from django.db import models

from kyodo.web.tenancy import OrgOwned


class Notification(OrgOwned):
    """Belongs to the recipient's organisation: nobody else ever lists it."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    service = models.CharField("サービス", max_length=30)  # a portal service key (hoiku, jinzai, …)
    title = models.CharField("件名", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("リンク", max_length=300, blank=True)  # a path inside Kyodo
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return str(self.title)
