"""Standardisation plans in the web app: one `Plan` per municipality × system, its monthly reports, Fit & Gap
uploads, and the help asked for a stalled step.

Every row belongs to the municipality whose plan it is (`OrgOwned`). Who else may read it is decided in `roles.py`:
東京都 sees all; another municipality only a plan its owner shares (e.g. for 共同利用), and aggregates otherwise.
The engine (`kyodo.hyojunka`) judges progress and risk; these rows keep what the municipality wrote.
"""
# ruff: noqa: RUF012  (Django's Meta classes take class-level lists by design)

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models

from kyodo.hyojunka import catalog
from kyodo.web.jinzai.models import TalentRequest
from kyodo.web.tenancy import OrgOwned

SYSTEM_CHOICES = [(s.id, s.name) for s in catalog().systems]
REASON_CHOICES = [(r.id, r.label) for r in catalog().reasons]


class MigrationForm(models.TextChoices):
    # Values are the engine's (kyodo.hyojunka.MigrationForm).
    SOLE = "単独", "単独"
    SHARED = "共同利用", "共同利用"


class Plan(OrgOwned):
    """A municipality's plan for one of the 20 systems. `steps` maps step number (text) → completion date (ISO)."""

    system = models.CharField("業務", max_length=20, choices=SYSTEM_CHOICES)
    vendor = models.CharField("ベンダー", max_length=80, blank=True)
    product = models.CharField("製品", max_length=120, blank=True)
    platform = models.CharField("現行基盤", max_length=40, blank=True)
    form = models.CharField("移行方式", max_length=5, choices=MigrationForm.choices, default=MigrationForm.SOLE)
    deadline = models.DateField("移行期限")
    tokutei = models.BooleanField("特定移行支援システム", default=False)
    reason = models.CharField("理由区分", max_length=20, choices=REASON_CHOICES, blank=True)
    cost_before = models.PositiveBigIntegerField("移行前運用経費(円/年)", null=True, blank=True)
    cost_after = models.PositiveBigIntegerField("移行後運用経費(円/年)", null=True, blank=True)
    shared = models.BooleanField("他の区市町村に計画を公開する", default=False)
    steps = models.JSONField("手順の完了日", default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation_id", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "system"], name="hyojunka_plan_unique")]

    def __str__(self) -> str:
        return f"{self.get_system_display()}"

    def done_on(self, number: int) -> date | None:
        text = self.steps.get(str(number))
        return date.fromisoformat(text) if text else None


class MonthlyReport(OrgOwned):
    """The municipality's monthly update (月次報告): what each system stood at when it was sent."""

    month = models.DateField("対象月")  # the first day of the month
    snapshot = models.JSONField("完了手順数", default=dict)  # system id → completed steps
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["organisation", "month"], name="hyojunka_monthly_unique")]


class FitGapUpload(OrgOwned):
    """One Fit & Gap upload for a plan (function list and answers) and the engine's summary of it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="fitgaps")
    spec_name = models.CharField("機能一覧のファイル", max_length=200)
    answers_name = models.CharField("回答のファイル", max_length=200)
    summary = models.JSONField("集計", default=dict)  # kyodo.hyojunka.fitgap.summary_json
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]


class StepHelp(OrgOwned):
    """A jinzai request opened from one step of a plan: the step shows it, and its engagement once confirmed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="helps")
    step = models.PositiveSmallIntegerField("手順番号")
    request = models.OneToOneField(TalentRequest, on_delete=models.PROTECT, related_name="hyojunka_step")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["step", "id"]
