"""The human cloud (人間のクラウド) in the web app: specialists, requests, matching runs, proposals, engagements.

Who owns what (each model is `OrgOwned`; `roles.py` says which role sees which rows):
- `Specialist`, `Absence`, `MatchingRun`, `Proposal` belong to 東京都, which keeps the pool and runs the matching.
- `TalentRequest` and `Engagement` belong to the municipality that asked: its staff see them through the ordinary
  tenancy scope; Tokyo's coordinators and the assigned specialist reach them only through `roles.py`.
The engine (`kyodo.jinzai`) does the matching; these rows keep what it was given and what it proposed.
"""
# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models

from kyodo.web.jobs import BackgroundJob
from kyodo.web.tenancy import OrgOwned

# The national advisor scheme: the municipality files the 実施報告書 within a week of the end of support (its last
# engagement day). The specialist's own activity record (活動記録) is kept to the same week.
REPORT_DUE_DAYS = 7


class SpecialistModes(models.TextChoices):
    # Values are the engine's (kyodo.jinzai.model.SPECIALIST_MODES).
    BOTH = "現地・リモート", "現地・リモート"
    REMOTE_ONLY = "リモートのみ", "リモートのみ"
    ONSITE_ONLY = "現地のみ", "現地のみ"


class HomeArea(models.TextChoices):
    WARDS = "区部", "区部"
    TAMA = "多摩", "多摩"
    ISLANDS = "島しょ", "島しょ"


class Specialist(OrgOwned):
    """A specialist in Tokyo's pool. `user` is the specialist's own account (in 東京都), when they have one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="jinzai_specialist",
        verbose_name="利用者",
    )
    # 人材ID in the pool's files (bulk import/export). A re-import updates the row with the same id; blank for a
    # specialist entered in the form, who is exported as S<pk>.
    external_id = models.CharField("人材ID", max_length=40, blank=True)
    name = models.CharField("氏名", max_length=80)
    role_type = models.CharField("人材類型", max_length=40, blank=True)  # DSS-P role type id
    skills = models.JSONField("スキル", default=dict)  # skill id → level 1..4
    hours_per_week = models.PositiveSmallIntegerField("週の稼働時間", default=8)
    modes = models.CharField("対応形態", max_length=10, choices=SpecialistModes.choices,
                             default=SpecialistModes.BOTH)
    home_area = models.CharField("拠点地域", max_length=5, choices=HomeArea.choices, default=HomeArea.WARDS)
    current_load_hours = models.PositiveSmallIntegerField("他の業務で埋まっている週の時間", default=0)
    # Municipality codes the specialist must not serve (利益相反). Coordinators keep this, not the specialist.
    conflicts = models.JSONField("利益相反のある団体", default=list)
    max_cases = models.PositiveSmallIntegerField("1回の計画での上限件数", null=True, blank=True)
    active = models.BooleanField("マッチング対象", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "external_id"], condition=~models.Q(external_id=""),
                                    name="jinzai_specialist_external_id"),
        ]

    def __str__(self) -> str:
        return str(self.name)

    @property
    def engine_id(self) -> str:
        return f"S{self.pk}"


class Absence(OrgOwned):
    """A period in which the specialist cannot work (inclusive dates)."""

    specialist = models.ForeignKey(Specialist, on_delete=models.CASCADE, related_name="absences")
    start = models.DateField("開始日")
    end = models.DateField("終了日")
    note = models.CharField("メモ", max_length=100, blank=True)

    class Meta:
        ordering = ["start", "id"]


class Mode(models.TextChoices):
    ONSITE = "現地", "現地"
    REMOTE = "リモート", "リモート"


class Unit(models.TextChoices):
    DAYS = "日", "日"
    HOURS = "時間", "時間"


class Urgency(models.TextChoices):
    NORMAL = "通常", "通常"
    HIGH = "高", "高"
    URGENT = "緊急", "緊急"


class RequestStatus(models.TextChoices):
    OPEN = "open", "募集中"
    ASSIGNED = "assigned", "割当確定"
    WITHDRAWN = "withdrawn", "取下げ"


class TalentRequest(OrgOwned):
    """A municipality's request for help (依頼), from the requirement template."""

    external_id = models.CharField("依頼ID", max_length=40, blank=True)  # as in the requests file; blank: R<pk>
    title = models.CharField("件名", max_length=100)
    category = models.CharField("相談分野", max_length=40, blank=True)
    purpose = models.TextField("目的")
    deliverable = models.TextField("成果物")
    skills = models.JSONField("必要なスキルと最低レベル", default=dict)  # skill id → minimum level
    mode = models.CharField("支援形態", max_length=5, choices=Mode.choices)
    amount = models.PositiveSmallIntegerField("工数")
    unit = models.CharField("工数の単位", max_length=3, choices=Unit.choices)
    start = models.DateField("開始日")
    end = models.DateField("終了日")
    urgency = models.CharField("緊急度", max_length=3, choices=Urgency.choices, default=Urgency.NORMAL)
    preferred = models.ForeignKey(Specialist, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name="希望する人材")
    status = models.CharField("状態", max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    # Specialists (pks) never to be proposed for this request again: a coordinator declined the pair. Kept here, on
    # the request, so it outlives the run and proposal it came from, and bars this request only (the engine's
    # `Request.excluded`); a list of pks because Specialist rows belong to 東京都 and this request to a municipality.
    excluded = models.JSONField("除外する専門人材", default=list, blank=True)
    # The reason from the latest matching run when it could not be served (for the municipality to act on).
    last_reason = models.TextField("割り当てられなかった理由", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "external_id"], condition=~models.Q(external_id=""),
                                    name="jinzai_request_external_id"),
        ]

    def __str__(self) -> str:
        return f"依頼{self.pk} {self.title}"

    @property
    def engine_id(self) -> str:
        return f"R{self.pk}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "実行中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"


class MatchingRun(OrgOwned, BackgroundJob):
    """One run of the engine over all open requests and active specialists, with its progress and plan."""

    status = models.CharField("状態", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("進捗(%)", default=0)
    step = models.CharField("処理中の段階", max_length=100, blank=True)
    error = models.TextField("エラー", blank=True)
    method = models.CharField("方式", max_length=10, default="cpsat")
    plan = models.JSONField("計画", default=dict)  # kyodo.jinzai.report.plan_json, with engine ids
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    TASK_PATH = "kyodo.web.jinzai.tasks.execute_matching"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"マッチング{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "提案"
    CONFIRMED = "confirmed", "確定"
    DECLINED = "declined", "見送り"


class Proposal(OrgOwned):
    """The engine's proposal of one specialist for one request, and the coordinator's decision on it."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="proposals")
    request = models.ForeignKey(TalentRequest, on_delete=models.CASCADE, related_name="+")
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状態", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    kept = models.BooleanField("確定済みを維持", default=False)  # a confirmed assignment the run kept
    reason = models.TextField("見送りの理由", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request_id"]


class Engagement(OrgOwned):
    """A confirmed assignment (支援案件), owned by the municipality that asked."""

    request = models.OneToOneField(TalentRequest, on_delete=models.PROTECT, related_name="engagement")
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="engagements")
    hours = models.PositiveSmallIntegerField("時間")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)
    # The last day of support, when it ended before (or after) the request's end; blank: the request's end.
    support_end = models.DateField("支援の最終日", null=True, blank=True)
    # The specialist's own activity record (活動記録), written by the specialist.
    report = models.TextField("活動記録", blank=True)
    report_at = models.DateTimeField("活動記録の提出日時", null=True, blank=True)
    # The 実施報告書, filed by the municipality that asked (the national scheme's applicant).
    implementation_report = models.TextField("実施報告書", blank=True)
    implementation_report_at = models.DateTimeField("実施報告書の提出日時", null=True, blank=True)
    implementation_report_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                                 blank=True, related_name="+")
    rating = models.PositiveSmallIntegerField("満足度", null=True, blank=True)  # 1..5
    rating_comment = models.TextField("評価のコメント", blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-confirmed_at", "-id"]

    def __str__(self) -> str:
        return f"支援{self.pk}"

    @property
    def last_day(self) -> date:
        """The last engagement day: the recorded end of support, else the request's end."""
        end: date = self.support_end or self.request.end
        return end

    @property
    def report_due(self) -> date:
        """Both the 実施報告書 and the activity record are due a week after the last engagement day."""
        return self.last_day + timedelta(days=REPORT_DUE_DAYS)

    def is_overdue(self, today: date) -> bool:
        """The specialist's activity record is late."""
        return not self.report_at and today > self.report_due

    def implementation_report_overdue(self, today: date) -> bool:
        """The municipality's 実施報告書 is late."""
        return not self.implementation_report_at and today > self.report_due


class CoordinatorGrant(OrgOwned):
    """A 東京都 user made a coordinator of the human cloud (コーディネーター) by a platform administrator.

    Owned by 東京都. Coordinators run the board, keep the pool and see every request; nobody else does.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jinzai_coordinator")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["granted_at", "id"]

    def __str__(self) -> str:
        return f"コーディネーター {self.user}"
