"""Background jobs whose worker died: telling them apart from slow ones, and marking them failed.

Every app's job row (hoiku `Run`, jinzai `MatchingRun`, gijiroku `Meeting`) inherits `BackgroundJob`: a heartbeat
that each progress report moves forward, and the id of its django-tasks result. A worker that is killed or whose
machine restarts leaves its row "running" for ever; this module says when such a row counts as stalled, and marks it
failed with the reason, so that pages stop polling and lists show the truth:

- running with no progress report for `settings.JOBS_RUNNING_STALL_AFTER` (no worker is working on it);
- queued for `settings.JOBS_QUEUED_STALL_AFTER` (no worker is running at all);
- or the task's result in the queue says FAILED (the worker gave up before the job could record why).

The status values are the same in every app (queued, running, done, failed), so one UPDATE serves all three.
The running limit must exceed the longest step a job takes between two progress reports: a live worker that is
marked failed too early still writes its result when it finishes (its reports are not conditional), so nothing is
lost, but staff may have started it again meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.module_loading import import_string

from kyodo.web.audit.registry import register

log = logging.getLogger(__name__)

ACTIVE = ("queued", "running")
RUNNING, FAILED = "running", "failed"


@register
class JobAction(models.TextChoices):
    RETRY = "job_retry", "止まった処理のやり直し"
    MARK_STALLED = "job_mark_stalled", "止まった処理を失敗として記録"


class BackgroundJob(models.Model):
    """A row that a worker fills in: its last sign of life and where its queued task's result is."""

    heartbeat_at = models.DateTimeField("最終更新", null=True, blank=True)
    task_result_id = models.CharField("処理キューの結果ID", max_length=64, blank=True)

    # The django-tasks task that runs this kind of job ("module.task"), to read its result in the queue.
    TASK_PATH = ""

    class Meta:
        abstract = True

    @property
    def stall(self) -> Stall | None:
        """Why this job looks stopped, or None while it is finished or still alive (computed once per object)."""
        cached = self.__dict__.get("_stall", ...)
        if cached is ...:
            cached = self.__dict__["_stall"] = stall_of(self)
        return cached  # type: ignore[no-any-return]

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__.pop("_stall", None)  # fresh fields, fresh verdict
        super().refresh_from_db(*args, **kwargs)


@dataclass(frozen=True)
class Stall:
    last_seen: datetime
    reason: str  # Japanese: what the page shows and what marking the job failed records

    @property
    def message(self) -> str:
        return f"{self.reason}。ワーカーが動いているか確認し、もう一度実行してください。"


def heartbeat() -> dict[str, Any]:
    """The fields every progress report and every (re)queue also sets: merge into the UPDATE."""
    return {"heartbeat_at": timezone.now()}


def remember_task(job: BackgroundJob, result: Any) -> None:
    """Store the enqueued task's result id on the job (a bare UPDATE: the immediate backend has already run it)."""
    _row(job).update(task_result_id=str(result.id)[:64])
    job.task_result_id = str(result.id)[:64]


def _row(job: BackgroundJob) -> Any:
    """The job's own row as a queryset, scoped to its organisation (every job model is `OrgOwned`)."""
    return type(job)._default_manager.for_org(job.organisation_id).filter(pk=job.pk)  # type: ignore[attr-defined]


def _local(moment: datetime) -> str:
    return str(timezone.localtime(moment).strftime("%Y-%m-%d %H:%M"))


def _task_failed(job: BackgroundJob) -> bool:
    """Whether the queue says the job's task failed; False when the backend cannot tell (immediate, RQ)."""
    if not job.task_result_id or not job.TASK_PATH:
        return False
    try:
        task = import_string(job.TASK_PATH)
        if not task.get_backend().supports_get_result:
            return False
        return bool(task.get_result(job.task_result_id).status == "FAILED")
    except Exception:  # a result pruned from the queue, a backend that is down: the heartbeat still decides
        log.warning("could not read the task result of %s %s", type(job).__name__, job.pk, exc_info=True)
        return False


def stall_of(job: BackgroundJob, now: datetime | None = None) -> Stall | None:
    status = str(job.status)  # type: ignore[attr-defined]
    if status not in ACTIVE:
        return None
    now = now or timezone.now()
    last_seen: datetime = job.heartbeat_at or job.created_at  # type: ignore[attr-defined]
    if status == RUNNING and now - last_seen > settings.JOBS_RUNNING_STALL_AFTER:
        return Stall(last_seen, f"処理が止まっているようです(最終更新: {_local(last_seen)})")
    if status != RUNNING and now - last_seen > settings.JOBS_QUEUED_STALL_AFTER:
        return Stall(last_seen, f"処理が始まらないまま止まっているようです(受付: {_local(last_seen)})")
    if _task_failed(job):
        return Stall(last_seen, f"処理キューで失敗しています(最終更新: {_local(last_seen)})")
    return None


def mark_failed(job: BackgroundJob, stall: Stall) -> bool:
    """Record the job as failed with the stall's reason, unless it finished meanwhile. True when it was marked.

    A conditional UPDATE: a worker that finishes at the same moment wins, and its result is kept.
    """
    now = timezone.now()
    marked = _row(job).filter(status__in=ACTIVE).update(
        status=FAILED, step="失敗しました", error=stall.message, finished_at=now, heartbeat_at=now
    )
    if marked:
        job.status, job.error, job.finished_at = FAILED, stall.message, now  # type: ignore[attr-defined]
        job.__dict__["_stall"] = None
    return bool(marked)


def job_models() -> list[type[BackgroundJob]]:
    return [m for m in apps.get_models() if issubclass(m, BackgroundJob)]


def active_jobs() -> Iterator[BackgroundJob]:
    for model in job_models():
        yield from model._default_manager.unscoped(  # type: ignore[attr-defined]
            "the stalled-job sweep looks at every organisation's unfinished jobs"
        ).filter(status__in=ACTIVE).order_by("pk")


def mark_stalled_jobs(now: datetime | None = None) -> list[BackgroundJob]:
    """Mark every stalled job failed, with the reason, and log it in the job's organisation. The jobs marked."""
    from kyodo.web.audit.log import record

    marked = []
    for job in active_jobs():
        stall = stall_of(job, now)
        if stall is not None and mark_failed(job, stall):
            record(None, JobAction.MARK_STALLED, job, organisation_id=job.organisation_id,  # type: ignore[attr-defined]
                   reason=stall.reason, last_seen=stall.last_seen.isoformat())
            marked.append(job)
    return marked
