"""Background jobs whose worker died (kyodo.web.jobs): shown as stalled, polling stops, staff can run them again,
and `mark_stalled_jobs` records them as failed. For all three apps' jobs, each within its own organisation."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from kyodo.web import jobs
from kyodo.web.audit.models import AuditEntry
from kyodo.web.gijiroku.models import Meeting, MeetingStatus
from kyodo.web.hoiku.models import Run, RunStatus
from kyodo.web.jinzai.models import MatchingRun
from kyodo.web.jinzai.models import RunStatus as MatchingStatus

from .conftest import client_for
from .gijiroku.world import make_meeting
from .jinzai.world import make_coordinator, tokyo

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Enqueues without running: a queued job stays queued, as when no worker is running.
DUMMY_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
LONG_AGO = timedelta(hours=1)


def _age(job: jobs.BackgroundJob, status: str, ago: timedelta, *, created: bool = False) -> None:
    """Make the job look like its worker last reported `ago` (or, with created, like it was queued then)."""
    moment = timezone.now() - ago
    fields = {"status": status, "heartbeat_at": None if created else moment, "finished_at": None}
    if created:
        fields["created_at"] = moment
    type(job).objects.for_org(job.organisation_id).filter(pk=job.pk).update(**fields)  # type: ignore[attr-defined]
    job.refresh_from_db()


def _hoiku_run(done_run: Run, status: str = RunStatus.RUNNING, ago: timedelta = LONG_AGO) -> Run:
    run: Run = Run.objects.create(
        organisation_id=done_run.organisation_id, round=done_run.round, input_set=done_run.input_set,
        number=done_run.round.runs.count() + 1, seed=done_run.seed, rules_name=done_run.rules_name,
        fiscal_year=done_run.fiscal_year, decisions=done_run.decisions, created_by=done_run.created_by,
    )
    _age(run, status, ago)
    return run


# --- when a job counts as stalled ----------------------------------------------------------------------------

def test_a_running_job_without_a_progress_report_for_long_is_stalled_and_a_fresh_one_is_not(done_run, settings):
    settings.JOBS_RUNNING_STALL_AFTER = timedelta(minutes=15)
    old = _hoiku_run(done_run, ago=timedelta(minutes=16))
    fresh = _hoiku_run(done_run, ago=timedelta(minutes=14))
    assert old.stall is not None and "処理が止まっているようです(最終更新:" in old.stall.message
    assert "ワーカーが動いているか確認し、もう一度実行してください" in old.stall.message
    assert fresh.stall is None
    assert done_run.stall is None  # a finished job never stalls


def test_a_queued_job_stalls_only_after_the_longer_wait_for_a_worker(done_run, settings):
    settings.JOBS_QUEUED_STALL_AFTER = timedelta(hours=24)
    waiting = _hoiku_run(done_run, RunStatus.QUEUED, timedelta(hours=23))
    assert waiting.stall is None
    _age(waiting, RunStatus.QUEUED, timedelta(hours=25), created=True)
    assert waiting.stall is not None and "始まらない" in waiting.stall.reason


def test_a_job_whose_task_failed_in_the_queue_is_stalled_at_once(koto, settings):
    from django_tasks_db.models import DBTaskResult

    from kyodo.web.jinzai.services import start_run

    settings.TASKS = DATABASE_QUEUE
    run = start_run(tokyo().pk, make_coordinator())
    assert run.task_result_id and run.stall is None  # just queued
    DBTaskResult.objects.filter(pk=run.task_result_id).update(status="FAILED")
    run.refresh_from_db()
    assert run.stall is not None and "処理キューで失敗" in run.stall.reason


def test_every_progress_report_moves_the_heartbeat(done_run):
    from kyodo.web.hoiku.services import _progress

    run = _hoiku_run(done_run)
    before = run.heartbeat_at
    _progress(run.pk)(40, "指数の計算と利用調整を行っています")
    run.refresh_from_db()
    assert run.heartbeat_at > before and run.stall is None
    assert done_run.heartbeat_at is not None  # set by the run's own reports, start to finish


# --- the pages ---------------------------------------------------------------------------------------------

def test_the_run_page_of_a_stalled_run_says_so_and_stops_polling(done_run, alice_client):
    run = _hoiku_run(done_run)
    page = alice_client.get(f"/hoiku/runs/{run.pk}/").content.decode()
    assert "処理が止まっているようです" in page and 'id="retry"' in page
    assert f"/hoiku/runs/{run.pk}/progress/" not in page  # no hx-get: the page polls no more
    polled = alice_client.get(f"/hoiku/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"  # a page that was polling reloads and shows the message


def test_the_run_page_of_a_live_run_keeps_polling(done_run, alice_client):
    run = _hoiku_run(done_run, ago=timedelta(seconds=5))
    page = alice_client.get(f"/hoiku/runs/{run.pk}/").content.decode()
    assert f"/hoiku/runs/{run.pk}/progress/" in page and "処理が止まっているようです" not in page
    assert "HX-Refresh" not in alice_client.get(f"/hoiku/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")


def test_a_stalled_run_is_started_again_and_the_stalled_one_recorded_as_failed(done_run, alice_client, alice):
    stalled = _hoiku_run(done_run)
    response = alice_client.post(f"/hoiku/runs/{stalled.pk}/retry/")
    assert response.status_code == 302
    stalled.refresh_from_db()
    assert stalled.status == RunStatus.FAILED and "処理が止まっているようです" in stalled.error
    again = Run.objects.for_user(alice).latest("number")
    assert again.number == stalled.number + 1 and again.reproduces_id == stalled.pk
    assert again.status == RunStatus.DONE  # the immediate backend ran it
    entry = AuditEntry.objects.for_user(alice).get(action=jobs.JobAction.RETRY)
    assert entry.object_id == str(stalled.pk) and entry.get_action_display() == "止まった処理のやり直し"


def test_a_live_run_is_not_started_again(done_run, alice_client, alice):
    live = _hoiku_run(done_run, ago=timedelta(seconds=5))
    page = alice_client.post(f"/hoiku/runs/{live.pk}/retry/", follow=True).content.decode()
    assert "止まっていません" in page
    live.refresh_from_db()
    assert live.status == RunStatus.RUNNING and Run.objects.for_user(alice).latest("number").pk == live.pk


def test_another_organisation_cannot_see_or_restart_a_stalled_run(done_run, charlie):
    stalled = _hoiku_run(done_run)
    charlie_client = client_for(charlie)
    assert charlie_client.get(f"/hoiku/runs/{stalled.pk}/progress/").status_code == 404
    assert charlie_client.post(f"/hoiku/runs/{stalled.pk}/retry/").status_code == 404
    stalled.refresh_from_db()
    assert stalled.status == RunStatus.RUNNING


def test_the_matching_board_shows_a_stalled_run_and_a_coordinator_starts_it_again(koto, settings):
    settings.TASKS = DUMMY_QUEUE
    dora = make_coordinator()
    stalled = MatchingRun.objects.create(organisation=tokyo(), created_by=dora, method="greedy")
    _age(stalled, MatchingStatus.RUNNING, LONG_AGO)
    client = client_for(dora)
    board = client.get("/jinzai/board/").content.decode()
    assert "処理が止まっているようです" in board and f"/jinzai/runs/{stalled.pk}/progress/" not in board
    assert client.post(f"/jinzai/runs/{stalled.pk}/retry/").status_code == 302
    stalled.refresh_from_db()
    assert stalled.status == MatchingStatus.FAILED and "ワーカーが動いているか" in stalled.error
    again = MatchingRun.objects.for_user(dora).first()
    assert again.pk != stalled.pk and again.method == "greedy" and again.status == MatchingStatus.QUEUED
    assert AuditEntry.objects.for_user(dora).filter(action=jobs.JobAction.RETRY).count() == 1


def test_a_stalled_transcription_is_shown_and_transcribed_again(bob, bob_client, charlie, settings, tmp_path):
    settings.GIJIROKU_MEDIA_DIR = str(tmp_path / "media")
    settings.TASKS = DUMMY_QUEUE
    meeting = make_meeting(bob)
    _age(meeting, MeetingStatus.RUNNING, LONG_AGO)
    page = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/").content.decode()
    assert "処理が止まっているようです" in page and 'id="again"' in page
    assert f"/gijiroku/meetings/{meeting.pk}/progress/" not in page
    assert client_for(charlie).post(f"/gijiroku/meetings/{meeting.pk}/transcribe/").status_code == 404
    assert bob_client.post(f"/gijiroku/meetings/{meeting.pk}/transcribe/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.QUEUED and meeting.stall is None and meeting.task_result_id
    retry = AuditEntry.objects.for_user(bob).get(action=jobs.JobAction.RETRY)
    assert "処理が止まっているようです" in retry.details["reason"]


# --- mark_stalled_jobs ----------------------------------------------------------------------------------------

def test_mark_stalled_jobs_records_every_apps_stalled_jobs_as_failed_and_leaves_live_ones(
    done_run, bob, alice, settings, tmp_path
):
    settings.GIJIROKU_MEDIA_DIR = str(tmp_path / "media")
    stalled_run, live_run = _hoiku_run(done_run), _hoiku_run(done_run, ago=timedelta(seconds=5))
    meeting = make_meeting(bob)
    _age(meeting, MeetingStatus.QUEUED, timedelta(days=2), created=True)
    matching = MatchingRun.objects.create(organisation=tokyo(), created_by=make_coordinator(), method="greedy")
    _age(matching, MatchingStatus.RUNNING, LONG_AGO)
    out = StringIO()
    call_command("mark_stalled_jobs", stdout=out)
    assert "止まった処理 3 件を失敗として記録しました" in out.getvalue()
    for job in (stalled_run, live_run, meeting, matching, done_run):
        job.refresh_from_db()
    assert stalled_run.status == RunStatus.FAILED and "処理が止まっているようです" in stalled_run.error
    assert meeting.status == MeetingStatus.FAILED and matching.status == MatchingStatus.FAILED
    assert live_run.status == RunStatus.RUNNING and done_run.status == RunStatus.DONE
    # Each organisation's own log says what the system did.
    assert AuditEntry.objects.for_user(alice).filter(action=jobs.JobAction.MARK_STALLED).count() == 2
    page = client_for(alice).get(f"/hoiku/rounds/{done_run.round_id}/").content.decode()
    assert page.count('<span class="badge failed">失敗</span>') >= 1  # the list shows the truth


def test_the_worker_marks_stalled_jobs_before_it_starts(monkeypatch):
    from kyodo import cli as kyodo_cli
    from kyodo.web import cli

    calls: list[list[str]] = []
    monkeypatch.setattr(cli, "manage", lambda argv: calls.append(argv) or 0)
    assert kyodo_cli.main(["web", "worker", "--batch"]) == 0
    assert calls[0] == ["mark_stalled_jobs"] and calls[1][0] == "db_worker"


@pytest.mark.parametrize("model", [Run, MatchingRun, Meeting])
def test_every_apps_job_model_is_a_background_job(model):
    assert model in jobs.job_models() and model.TASK_PATH


# --- heartbeats, dead workers, partial results, the queue row (issue 11) ---------------------------------------

def test_a_running_job_is_stalled_after_two_minutes_without_a_heartbeat_by_default(done_run):
    assert _hoiku_run(done_run, ago=timedelta(minutes=3)).stall is not None
    assert _hoiku_run(done_run, ago=timedelta(seconds=30)).stall is None


def test_an_attempt_beats_in_a_thread_while_it_runs_and_stops_after(monkeypatch, settings, done_run):
    import time

    settings.TASKS = DATABASE_QUEUE  # a real worker: not the immediate backend, which beats in the request
    beats: list[int] = []
    monkeypatch.setattr(jobs, "touch", lambda model, pk: beats.append(pk) or 1)
    with jobs.attempt(Run, done_run.pk, interval=0.02):
        time.sleep(0.2)
    during = len(beats)
    time.sleep(0.1)
    assert during >= 3 and len(beats) == during


def test_touch_moves_only_a_running_jobs_heartbeat(done_run):
    run = _hoiku_run(done_run)
    before = run.heartbeat_at
    assert jobs.touch(Run, run.pk) == 1 and jobs.touch(Run, done_run.pk) == 0
    run.refresh_from_db()
    assert run.heartbeat_at > before


def _dead_pid() -> int:
    import subprocess
    import sys

    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True).stdout)


def test_a_worker_is_gone_when_its_process_is_or_when_this_process_restarted_under_its_pid():
    import os

    host = jobs.WORKER_NAME.split(":")[0]
    assert jobs.worker_gone(f"{host}:{_dead_pid()}:abcd")
    assert jobs.worker_gone(f"{host}:{os.getpid()}:an-earlier-token")
    assert not jobs.worker_gone(jobs.WORKER_NAME)
    assert not jobs.worker_gone(f"another-host:{_dead_pid()}:abcd")  # cannot tell: the heartbeat decides
    assert not jobs.worker_gone("a-random-id-from-an-older-worker")


def test_the_restart_sweep_marks_at_once_a_job_whose_worker_process_is_gone(koto, settings):
    from django_tasks_db.models import DBTaskResult

    from kyodo.web.jinzai.services import start_run

    settings.TASKS = DATABASE_QUEUE
    dora = make_coordinator()
    run = start_run(tokyo().pk, dora)
    host = jobs.WORKER_NAME.split(":")[0]
    DBTaskResult.objects.filter(pk=run.task_result_id).update(status="RUNNING", worker_ids=[f"{host}:{_dead_pid()}:x"])
    _age(run, MatchingStatus.RUNNING, timedelta(seconds=3))  # a fresh heartbeat: the worker died just now
    assert run.stall is None
    assert jobs.mark_stalled_jobs() == [run]
    run.refresh_from_db()
    assert run.status == MatchingStatus.FAILED and "ワーカーが停止しました" in run.error
    assert DBTaskResult.objects.get(pk=run.task_result_id).status == "FAILED"  # the queue row is closed
    # 「もう一度実行」 works at once, and only once.
    client = client_for(dora)
    assert 'id="retry"' in client.get("/jinzai/board/").content.decode()
    assert client.post(f"/jinzai/runs/{run.pk}/retry/").status_code == 302
    assert MatchingRun.objects.for_user(dora).count() == 2
    client.post(f"/jinzai/runs/{run.pk}/retry/")
    assert MatchingRun.objects.for_user(dora).count() == 2


def test_a_stalled_run_loses_its_partial_rows_and_documents_and_can_be_run_again(done_run, alice_client, alice):
    from kyodo.web.hoiku.models import RunChild

    assert RunChild.objects.for_user(alice).filter(run=done_run).exists()
    _age(done_run, RunStatus.RUNNING, LONG_AGO)  # as if the worker died after storing its results
    assert jobs.mark_stalled_jobs() == [done_run]
    done_run.refresh_from_db()
    assert done_run.status == RunStatus.FAILED and done_run.step == jobs.STALLED
    assert not RunChild.objects.for_user(alice).filter(run=done_run).exists()
    assert done_run.workbook is None and done_run.result_json is None
    page = alice_client.get(f"/hoiku/runs/{done_run.pk}/").content.decode()
    assert "停止" in page and 'id="retry"' in page
    assert alice_client.post(f"/hoiku/runs/{done_run.pk}/retry/").status_code == 302
    again = Run.objects.for_user(alice).latest("number")
    assert again.pk != done_run.pk and again.status == RunStatus.DONE
    done_run.refresh_from_db()
    assert done_run.step == jobs.RETRIED and done_run.stall is None


def test_an_attempt_that_dies_without_recording_why_is_marked_and_cleaned(done_run, alice):
    from kyodo.web.hoiku.models import RunChild

    _age(done_run, RunStatus.RUNNING, timedelta(seconds=1))
    with pytest.raises(RuntimeError), jobs.attempt(Run, done_run.pk):
        raise RuntimeError("killed")
    done_run.refresh_from_db()
    assert done_run.status == RunStatus.FAILED and "途中で終了" in done_run.error
    assert not RunChild.objects.for_user(alice).filter(run=done_run).exists()


def test_a_failed_attempt_keeps_no_partial_rows(done_run, alice):
    from kyodo.web.hoiku.models import RunChild

    with jobs.attempt(Run, done_run.pk):
        Run.objects.for_org(done_run.organisation_id).filter(pk=done_run.pk).update(status=RunStatus.FAILED)
    assert not RunChild.objects.for_user(alice).filter(run=done_run).exists()


def test_the_worker_names_itself_and_sweeps_periodically_unless_batch(monkeypatch):
    from kyodo import cli as kyodo_cli
    from kyodo.web import cli

    calls: list[list[str]] = []
    sweeps: list[float] = []
    monkeypatch.setattr(cli, "manage", lambda argv: calls.append(argv) or 0)
    monkeypatch.setattr(jobs, "sweep_every", lambda seconds: sweeps.append(seconds))
    assert kyodo_cli.main(["web", "worker"]) == 0
    assert calls[1][calls[1].index("--worker-id") + 1] == jobs.WORKER_NAME and sweeps == [60]
    assert kyodo_cli.main(["web", "worker", "--batch"]) == 0
    assert sweeps == [60]
