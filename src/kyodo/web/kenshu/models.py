"""Joint training (研修の共同化) in the web app: courses, sessions, the annual survey, nominations, allocation runs.

Who owns what (every model is `OrgOwned`; `roles.py` says who sees which rows):
- `Course` and `TrainingSession` belong to the organisation that hosts them (東京都, or a ward that invites an
  outside lecturer and opens its seats). Published courses form the catalogue every organisation sees.
- `Survey` (the annual demand survey and nomination round) and `AllocationRun` belong to 東京都.
- `DemandAnswer` and `Nomination` belong to the organisation that answered or nominated: the staff
  names in nominations are that organisation's personal data; Tokyo's training administrators reach them through
  `roles.py`, other organisations never.
The engine (`kyodo.kenshu`) allocates seats; these rows keep what it was given and what came back.
"""
# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from kyodo.web.jobs import BackgroundJob
from kyodo.web.tenancy import OrgOwned


class Standard(models.TextChoices):
    LITERACY = "DSS-L", "DSS-L(DX推進リテラシー)"
    PRACTITIONER = "DSS-P", "DSS-P(DX推進スキル)"


class CourseFormat(models.TextChoices):
    # Values are the engine's (kyodo.kenshu.Format).
    IN_PERSON = "集合", "集合"
    ONLINE = "オンライン", "オンライン"
    HYBRID = "ハイブリッド", "ハイブリッド"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Course(OrgOwned):
    """A course (研修) hosted by `organisation`."""

    title = models.CharField("研修名", max_length=100)
    description = models.TextField("内容", blank=True)
    standard = models.CharField("区分", max_length=5, choices=Standard.choices, default=Standard.LITERACY)
    skills = models.JSONField("DSSのスキル項目", default=list, blank=True)  # DSS-P skill ids (jinzai taxonomy)
    level = models.PositiveSmallIntegerField("レベル", default=1)
    hours = models.PositiveSmallIntegerField("時間数", default=3)
    format = models.CharField("形式", max_length=10, choices=CourseFormat.choices, default=CourseFormat.IN_PERSON)
    prerequisites = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="+",
                                           verbose_name="前提研修")
    approval_required = models.BooleanField("所属長の承認が必要", default=False)
    completion_percent = models.PositiveSmallIntegerField("修了に必要な出席(時間の%)", default=100)
    published = models.BooleanField("公開", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return str(self.title)

    @property
    def engine_id(self) -> str:
        return f"K{self.pk}"


class TrainingSession(OrgOwned):
    """One run of a course (開催回). `host_reserved` seats are kept for the host's own staff."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField("開始")
    ends_at = models.DateTimeField("終了")
    venue = models.CharField("会場", max_length=100, blank=True)
    format = models.CharField("形式", max_length=10, choices=CourseFormat.choices, default=CourseFormat.IN_PERSON)
    capacity = models.PositiveSmallIntegerField("定員")
    municipal_cap = models.PositiveSmallIntegerField("団体あたり上限", null=True, blank=True)
    host_reserved = models.PositiveSmallIntegerField("主催団体の枠", default=0)
    lecturer = models.CharField("講師", max_length=80, blank=True)
    checkin_token = models.CharField("出席確認の鍵", max_length=40, default=new_token, unique=True)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"{self.course.title} {timezone.localtime(self.starts_at):%Y-%m-%d}"

    @property
    def engine_id(self) -> str:
        return f"S{self.pk}"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "準備中"
    OPEN = "open", "需要調査中"
    NOMINATING = "nominating", "推薦受付中"
    ALLOCATED = "allocated", "配分済み"


class Survey(OrgOwned):
    """東京都's annual cycle: demand survey → totals → nominations by a deadline → allocation."""

    title = models.CharField("名称", max_length=100)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    courses = models.ManyToManyField(Course, related_name="surveys", verbose_name="対象の研修")
    answer_deadline = models.DateField("需要調査の回答期限")
    nomination_deadline = models.DateField("推薦の締切")
    status = models.CharField("状態", max_length=12, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "-id"]

    def __str__(self) -> str:
        return str(self.title)


class DemandAnswer(OrgOwned):
    """An organisation's answer to the demand survey: how many staff it expects to send to a course."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveSmallIntegerField("希望人数")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "survey", "course"], name="kenshu_one_answer")]


class NominationStatus(models.TextChoices):
    # Moodle's face-to-face statuses.
    REQUESTED = "requested", "申込済み"
    APPROVED = "approved", "承認済み"
    WAITLISTED = "waitlisted", "キャンセル待ち"
    BOOKED = "booked", "受講決定"
    ATTENDED = "attended", "出席"
    PARTIAL = "partially_attended", "一部出席"
    NO_SHOW = "no_show", "欠席"
    CANCELLED = "cancelled", "取消"


class Nomination(OrgOwned):
    """A member of staff put forward by `organisation` for a course, in the organisation's order (`rank`)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="nominations")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="nominations")
    staff_id = models.CharField("職員番号", max_length=40)
    staff_name = models.CharField("氏名", max_length=80)
    rank = models.PositiveSmallIntegerField("団体内順位")
    wanted = models.JSONField("希望開催回", default=list)  # TrainingSession pks, in order
    waitlisted_before = models.BooleanField("前回キャンセル待ち", default=False)
    status = models.CharField("状態", max_length=20, choices=NominationStatus.choices,
                              default=NominationStatus.REQUESTED)
    session = models.ForeignKey(TrainingSession, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="nominations", verbose_name="受講する開催回")
    waitlist = models.JSONField("キャンセル待ち順位", default=dict, blank=True)  # str(session pk) → position
    reason = models.TextField("理由", blank=True)  # why unseated, cancelled or promoted
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    attended_minutes = models.PositiveIntegerField("出席した時間(分)", null=True, blank=True)
    completed = models.BooleanField("修了", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("申込日時", auto_now_add=True)

    class Meta:
        ordering = ["course_id", "rank", "id"]

    def __str__(self) -> str:
        return f"推薦{self.pk}"

    @property
    def engine_id(self) -> str:
        return f"N{self.pk}"

    @property
    def code(self) -> str:
        """受講番号: what a participant types at check-in and what a non-Tokyo host's tick list shows."""
        return f"{self.pk:06d}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "待機中"
    RUNNING = "running", "実行中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"


class AllocationRun(OrgOwned, BackgroundJob):
    """One run of the engine over a survey's nominations, with its progress and plan (kyodo.kenshu.report)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="runs")
    method = models.CharField("方式", max_length=10, default="fair")
    seed = models.PositiveIntegerField("乱数の種", default=0)
    status = models.CharField("状態", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("進捗(%)", default=0)
    step = models.CharField("処理中の段階", max_length=100, blank=True)
    error = models.TextField("エラー", blank=True)
    plan = models.JSONField("配分結果", default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    TASK_PATH = "kyodo.web.kenshu.tasks.execute_allocation"

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"座席配分{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.FAILED)
