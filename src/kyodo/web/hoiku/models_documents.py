"""What is made from a finished run on request, in the background: notice archives (ZIP) and what-if comparisons.

Both are `BackgroundJob`s like the run itself (progress, heartbeat, a failed attempt leaves nothing), and both are
the organisation's personal data (`OrgOwned`).
"""
# ruff: noqa: RUF012  (Django's Meta classes take class-level lists by design)

from __future__ import annotations

from django.conf import settings
from django.db import models

from kyodo.web.jobs import BackgroundJob
from kyodo.web.tenancy import OrgOwned


class JobStatus(models.TextChoices):
    # The values every job shares (kyodo.web.jobs); the same as RunStatus.
    QUEUED = "queued", "待機中"
    RUNNING = "running", "処理中"
    DONE = "done", "完了"
    FAILED = "failed", "失敗"


class Grouping(models.TextChoices):
    FACILITY = "facility", "施設ごと(保留は1つのファイル)"
    CHILD = "child", "児童ごと"


class RunJob(OrgOwned, BackgroundJob):
    """A job made from one run: who asked, when, its progress and the reason it failed."""

    run = models.ForeignKey("hoiku.Run", on_delete=models.CASCADE, related_name="+")
    status = models.CharField("状態", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField("進捗(%)", default=0)
    step = models.CharField("処理中の段階", max_length=100, blank=True)
    error = models.TextField("エラー", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class NoticeArchive(RunJob):
    """The notices of a run as a ZIP (one PDF per facility and one for 保留, or one per child).

    `final` is whether the run was confirmed (確定) when the ZIP was made: a draft's files are named 「案_…」, and
    a final ZIP is no longer handed out once its run is un-confirmed or superseded."""

    grouping = models.CharField("まとめ方", max_length=10, choices=Grouping.choices)
    final = models.BooleanField("確定版", default=False)
    data = models.BinaryField(null=True)
    files = models.PositiveIntegerField("PDFの数", default=0)

    TASK_PATH = "kyodo.web.hoiku.tasks.build_notice_archive"

    class Meta(RunJob.Meta):
        pass


class WhatIf(RunJob):
    """The run's applications under a variant of its rules, compared by group (kyodo.hoiku.tools.compare).

    The real run is not touched: both sides are run again from its stored inputs, seed and decisions."""

    title = models.CharField("変更案", max_length=200)
    # {"kind": "adjustment", "id": …, "points": …} or {"kind": "rules", "name": …}
    variant = models.JSONField("変更の内容", default=dict)
    result = models.JSONField("比較結果", default=dict)

    TASK_PATH = "kyodo.web.hoiku.tasks.execute_whatif"

    class Meta(RunJob.Meta):
        pass
