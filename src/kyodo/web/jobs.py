"""Background jobs whose worker died: telling them apart from slow ones, and marking them failed.

Every app's job row (hoiku `Run`, jinzai `MatchingRun`, gijiroku `Meeting`) inherits `BackgroundJob`: a heartbeat
that each progress report moves forward, and the id of its django-tasks result. A worker that is killed or whose
machine restarts leaves its row "running" for ever; this module says when such a row counts as stalled, and marks it
failed with the reason, so that pages stop polling and lists show the truth:

- running with no progress report for `settings.JOBS_RUNNING_STALL_AFTER` (no worker is working on it);
- queued for `settings.JOBS_QUEUED_STALL_AFTER` (no worker is running at all);
- or the task's result in the queue says FAILED (the worker gave up before the job could record why).

The status values are the same in every app (queued, running, done, failed), so one UPDATE serves all three.

While a job runs, its task holds `attempt(...)`: a thread moves the heartbeat every JOBS_HEARTBEAT_SECONDS (5 s), so
the running limit (2 minutes) only has to outlast a dead worker, not the longest step. When the attempt fails, or
when the sweep finds a job whose worker is gone, the attempt's partial results (rows, stored files) are removed by
the cleanup its app registered (`on_failure`), and the job's row in the queue is closed as FAILED.

Workers started by `kyodo web worker` are named host:pid:token (the queue records the name with each task it
claims), so the sweep at a worker's start marks at once every running job whose worker process is no longer there
on this host, without waiting for the heartbeat to age.

A job marked failed because it stalled keeps showing 停止 with 「もう一度実行」 (`stall` is its reason) until someone
starts it again (`mark_failed`, which the retry views call), which also records that it was retried.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
# `step` of a job failed because it stalled: still retryable (STALLED) or already started again (RETRIED).
STALLED = "停止しました(ワーカーが止まっています)"
RETRIED = "停止しました(もう一度実行しました)"
_ADVICE = "。ワーカーが動いているか確認し、もう一度実行してください。"


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
        return f"{self.reason}{_ADVICE}"


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
    if status == FAILED and getattr(job, "step", "") == STALLED:  # marked by the sweep, not yet started again
        error = str(getattr(job, "error", ""))
        seen: datetime = job.heartbeat_at or job.created_at  # type: ignore[attr-defined]
        return Stall(seen, error.removesuffix(_ADVICE) or "処理が止まりました")
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


def mark_failed(job: BackgroundJob, stall: Stall, *, step: str = RETRIED) -> bool:
    """Record the job as failed with the stall's reason, unless it finished meanwhile. True when it was marked.

    The retry views call this before starting the job again (step RETRIED); the sweep marks with step STALLED, so
    that the page keeps offering 「もう一度実行」. A job the sweep marked is marked again as retried, once: a second
    click finds it RETRIED and starts nothing. Conditional UPDATEs: a worker that finishes at the same moment wins,
    and its result is kept.
    """
    now = timezone.now()
    marked = _row(job).filter(status__in=ACTIVE).update(
        status=FAILED, step=step, error=stall.message, finished_at=now, heartbeat_at=now
    )
    if not marked and step == RETRIED:
        marked = _row(job).filter(status=FAILED, step=STALLED).update(step=RETRIED)
    if marked:
        job.status, job.error, job.finished_at = FAILED, stall.message, now  # type: ignore[attr-defined]
        job.step = step  # type: ignore[attr-defined]
        job.__dict__["_stall"] = None if step == RETRIED else stall
        close_task(job)
        discard_partial(job)
    return bool(marked)


# -- a failed attempt's partial results, and its row in the queue ---------------------------------------------

_CLEANUPS: dict[type[BackgroundJob], Callable[[BackgroundJob], None]] = {}


def on_failure(model: type[BackgroundJob]) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Register how to remove a failed attempt's partial results of `model` (its app's tasks.py does)."""

    def register_cleanup(cleanup: Callable[[Any], None]) -> Callable[[Any], None]:
        _CLEANUPS[model] = cleanup
        return cleanup

    return register_cleanup


def discard_partial(job: BackgroundJob) -> None:
    """Remove what a failed attempt left (rows, files). Only for a job recorded as failed."""
    if job.TASK_PATH:
        try:
            import_string(job.TASK_PATH)  # the tasks module registers its cleanup when imported
        except ImportError:
            log.warning("cannot import %s", job.TASK_PATH)
    cleanup = _CLEANUPS.get(type(job))
    if cleanup is None or not _row(job).filter(status=FAILED).exists():
        return
    try:
        cleanup(job)
    except Exception:  # the job is already marked; a cleanup that fails must not hide that
        log.exception("could not remove the partial results of %s %s", type(job).__name__, job.pk)


def close_task(job: BackgroundJob) -> None:
    """Mark the job's task in the database queue FAILED if it is still READY or RUNNING (its worker is gone)."""
    if not job.task_result_id or "django_tasks_db" not in settings.INSTALLED_APPS:
        return
    try:
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(pk=job.task_result_id, status__in=("READY", "RUNNING")).update(
            status="FAILED", finished_at=timezone.now(),
            exception_class_path="kyodo.web.jobs.WorkerGone", traceback="the worker stopped before the task ended",
        )
    except Exception:  # a result id from another backend (immediate, RQ) is not a UUID of this table
        log.debug("no database queue row for %s %s", type(job).__name__, job.pk, exc_info=True)


class WorkerGone(Exception):
    """Recorded in the queue for a task whose worker stopped (see close_task)."""


# -- workers and heartbeats -----------------------------------------------------------------------------------

_HOST = socket.gethostname()[:30]
WORKER_NAME = f"{_HOST}:{os.getpid()}:{os.urandom(4).hex()}"  # what `kyodo web worker` passes as --worker-id


def worker_gone(name: str) -> bool:
    """Whether the worker of that name (host:pid:token) certainly no longer runs: same host, and its process is
    gone or is this process under another token (a restart that got the same pid). False when it cannot tell."""
    parts = name.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != _HOST or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return name != WORKER_NAME
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _task_worker(job: BackgroundJob) -> str | None:
    """The name of the worker that claimed the job's task (the database queue, or RQ, records it), or None."""
    if not job.task_result_id:
        return None
    if settings.TASK_BACKEND == "rq":
        return _rq_worker(job.task_result_id)
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return None
    try:
        from django_tasks_db.models import DBTaskResult

        ids = DBTaskResult.objects.filter(pk=job.task_result_id).values_list("worker_ids", flat=True).first()
    except Exception:
        return None
    return str(ids[-1]) if ids else None


def _rq_worker(job_id: str) -> str | None:
    """RQ keeps the name of the worker running a job (`kyodo web worker` names it host:pid:token too)."""
    try:
        import django_rq
        from rq.job import Job

        name = Job.fetch(job_id, connection=django_rq.get_connection("default")).worker_name
    except Exception:  # no such job any more, or Redis is away: nothing known
        return None
    return str(name) if name else None


@contextmanager
def attempt(model: type[BackgroundJob], pk: int, interval: float | None = None) -> Iterator[None]:
    """Run one attempt of a job: a heartbeat thread while it runs; on failure, partial results removed.

    With the immediate backend (tasks run inside the request) there is no thread: the request is the sign of life.
    """
    seconds = settings.JOBS_HEARTBEAT_SECONDS if interval is None else interval
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    beating = "immediate" not in backend.lower() and seconds > 0
    stop = threading.Event()
    thread = threading.Thread(target=_beat, args=(model, pk, seconds, stop), name=f"heartbeat-{pk}", daemon=True)
    if beating:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        if beating:
            thread.join(timeout=2)
        job = model._default_manager.unscoped("the worker cleans up its own attempt").filter(pk=pk).first()  # type: ignore[attr-defined]
        if job is not None and str(job.status) in ACTIVE:  # died before it could record why
            mark_failed(job, Stall(timezone.now(), "処理が途中で終了しました"), step=STALLED)
        elif job is not None and str(job.status) == FAILED:
            discard_partial(job)


def touch(model: type[BackgroundJob], pk: int) -> int:
    """One heartbeat: the running job's heartbeat_at set to now. The rows updated (0 once it has ended)."""
    rows = model._default_manager.unscoped("the worker's heartbeat for its own job")  # type: ignore[attr-defined]
    return int(rows.filter(pk=pk, status=RUNNING).update(heartbeat_at=timezone.now()))


def _beat(model: type[BackgroundJob], pk: int, seconds: float, stop: threading.Event) -> None:
    from django.db import connection

    try:
        while not stop.wait(seconds):
            try:
                touch(model, pk)
            except Exception:  # a locked database now and then: the next beat tries again
                log.warning("heartbeat of %s %s failed", model.__name__, pk, exc_info=True)
    finally:
        connection.close()  # this thread's own connection


def job_models() -> list[type[BackgroundJob]]:
    return [m for m in apps.get_models() if issubclass(m, BackgroundJob)]


def active_jobs() -> Iterator[BackgroundJob]:
    for model in job_models():
        yield from model._default_manager.unscoped(  # type: ignore[attr-defined]
            "the stalled-job sweep looks at every organisation's unfinished jobs"
        ).filter(status__in=ACTIVE).order_by("pk")


def sweep_every(seconds: float) -> threading.Thread:
    """A daemon thread that runs mark_stalled_jobs every `seconds` in a worker: another machine's dead worker's
    jobs are then marked (and their queue rows closed) within the stall limit plus `seconds`."""

    def sweep() -> None:
        from django.db import connection

        while True:
            threading.Event().wait(seconds)
            try:
                mark_stalled_jobs()
            except Exception:
                log.warning("stalled-job sweep failed", exc_info=True)
            finally:
                connection.close()

    thread = threading.Thread(target=sweep, name="stalled-job-sweep", daemon=True)
    thread.start()
    return thread


def mark_stalled_jobs(now: datetime | None = None) -> list[BackgroundJob]:
    """Mark every stalled job failed, with the reason, and log it in the job's organisation. The jobs marked.

    Also a running job whose worker is certainly gone (`worker_gone`), however fresh its heartbeat: the sweep runs
    when a worker starts, which is when the previous one on this host has just died.
    """
    from kyodo.web.audit.log import record

    marked = []
    for job in active_jobs():
        stall = stall_of(job, now)
        if stall is None and str(job.status) == RUNNING:  # type: ignore[attr-defined]
            worker = _task_worker(job)
            if worker is not None and worker_gone(worker):
                seen: datetime = job.heartbeat_at or job.created_at  # type: ignore[attr-defined]
                stall = Stall(seen, f"処理していたワーカーが停止しました(最終更新: {_local(seen)})")
        if stall is not None and mark_failed(job, stall, step=STALLED):
            record(None, JobAction.MARK_STALLED, job, organisation_id=job.organisation_id,  # type: ignore[attr-defined]
                   reason=stall.reason, last_seen=stall.last_seen.isoformat())
            marked.append(job)
    return marked
