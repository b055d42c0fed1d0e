"""Scale-out: 20 queued jobs of two kinds (nursery runs, talent matching) taken by two worker processes at once run
exactly once each — on the database queue (SELECT … FOR UPDATE SKIP LOCKED; PostgreSQL) and on Redis (RQ) — and a
worker killed in the middle of a job leaves that job 停止 and re-runnable, with nothing else lost.

The workers are real `kyodo web worker` processes on the test database; the jobs are enqueued by a process that
uses the same queue settings as the workers (the test process itself runs tasks immediately).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from kyodo.web.hoiku.models import Run, RunChild, RunStatus
from kyodo.web.jinzai.models import MatchingRun

from .helpers import create_round, upload_ok
from .jinzai.world import make_coordinator, make_request, make_specialist, tokyo

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
REDIS_URL = os.environ.get("KYODO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
KYODO = [sys.executable, "-m", "kyodo.cli"]

SUBMIT = """
import json, sys
from kyodo.web.cli import setup_django
setup_django()
from kyodo.web.accounts.models import User
from kyodo.web.hoiku import services as hoiku
from kyodo.web.hoiku.models import Round
from kyodo.web.jinzai import services as jinzai
args = json.loads(sys.argv[1])
alice, dora = User.objects.get(username="alice"), User.objects.get(username="dora")
rounds = list(Round.objects.unscoped("the test's rounds").filter(pk__in=args["rounds"]).order_by("pk"))
ids = {"hoiku": [], "jinzai": []}
for i in range(args["each"]):
    ids["hoiku"].append(hoiku.start_run(rounds[i % len(rounds)], alice).pk)
    ids["jinzai"].append(jinzai.start_run(args["tokyo"], dora, method="greedy").pk)
print(json.dumps(ids))
"""


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = quote(s["USER"] or "", safe="") + (f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _env(tmp_path: Path, backend: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": _database_url(), "KYODO_TASK_BACKEND": backend,
           "KYODO_DATA_DIR": str(tmp_path), "KYODO_HOIKU_NOTICES": "0", "DJANGO_SETTINGS_MODULE": "kyodo.web.settings",
           **extra}
    if backend == "rq":
        env["KYODO_REDIS_URL"] = REDIS_URL
    return env


def _redis_or_skip() -> None:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        client.ping()
        client.flushdb()
    except Exception as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")


def _world(alice_client, alice, ward: Path, rounds: int = 2) -> dict[str, object]:  # type: ignore[no-untyped-def]
    made = []
    for _ in range(rounds):
        r = create_round(alice_client)
        upload_ok(alice_client, r, ward)
        made.append(r.pk)
    make_coordinator()
    for i in range(3):
        make_specialist(f"人材 {i}")
        make_request(alice, f"依頼{i}")
    return {"rounds": made, "tokyo": tokyo().pk}


def _big_ward(folder: Path) -> Path:
    """A ward whose run (with its PDF notices) takes seconds: long enough to kill the worker in the middle."""
    from kyodo.hoiku.io import write_instance
    from kyodo.hoiku.tools.generate import generate_ward

    instance = generate_ward(children=600, facilities=30, seed=11, fiscal_year=2026, max_choices=5)
    write_instance(instance, folder, formats=("csv",))
    return folder


def _submit(tmp_path: Path, backend: str, world: dict[str, object], each: int) -> dict[str, list[int]]:
    done = subprocess.run([sys.executable, "-c", SUBMIT, json.dumps({**world, "each": each})],
                          env=_env(tmp_path, backend), capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    ids: dict[str, list[int]] = json.loads(done.stdout.strip().splitlines()[-1])
    return ids


def _workers(tmp_path: Path, backend: str, count: int = 2) -> list[subprocess.Popen[str]]:
    return [subprocess.Popen([*KYODO, "web", "worker", "--batch", "--interval", "0.2"], env=_env(tmp_path, backend),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(count)]


def _assert_each_ran_once(ids: dict[str, list[int]], children: int = 80) -> None:
    runs = list(Run.objects.unscoped("test").filter(pk__in=ids["hoiku"]))
    matches = list(MatchingRun.objects.unscoped("test").filter(pk__in=ids["jinzai"]))
    assert len(runs) == len(ids["hoiku"]) and len(matches) == len(ids["jinzai"])
    assert {r.status for r in runs} == {RunStatus.DONE}, [r.error for r in runs if r.error]
    assert {m.status for m in matches} == {"done"}, [m.error for m in matches if m.error]
    for r in runs:  # a second execution would have written the children again (or failed on them)
        assert RunChild.objects.for_org(r.organisation_id).filter(run=r).count() == children


@pytest.mark.parametrize("backend", ["database", "rq"])
def test_twenty_jobs_on_two_workers_run_exactly_once(backend, alice_client, alice, ward_files, tmp_path):
    if backend == "rq":
        _redis_or_skip()
    elif connection.vendor == "sqlite":
        pytest.skip("two database-queue workers share jobs through SKIP LOCKED: PostgreSQL (./test.sh runs it)")
    ids = _submit(tmp_path, backend, _world(alice_client, alice, ward_files), each=10)
    workers = _workers(tmp_path, backend)
    outputs = [w.communicate(timeout=600)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    _assert_each_ran_once(ids)
    if backend == "database":
        from django_tasks_db.models import DBTaskResult

        results = list(DBTaskResult.objects.all())
        assert len(results) == 20 and {r.status for r in results} == {"SUCCESSFUL"}
        assert all(len(r.worker_ids) == 1 for r in results)  # each claimed by one worker, once
        assert len({r.worker_ids[0] for r in results}) == 2  # and both workers took some
    else:
        import redis
        from rq import Queue
        from rq.registry import FailedJobRegistry, FinishedJobRegistry

        queue = Queue("default", connection=redis.Redis.from_url(REDIS_URL))
        assert len(FinishedJobRegistry(queue=queue)) == 20 and len(FailedJobRegistry(queue=queue)) == 0


@pytest.mark.parametrize("backend", ["database", "rq"])
def test_a_worker_killed_mid_job_leaves_it_stalled_and_rerunnable(backend, alice_client, alice, tmp_path):
    if backend == "rq":
        _redis_or_skip()
    ward = tmp_path / "ward"
    ward.mkdir()
    world = _world(alice_client, alice, _big_ward(ward), rounds=1)
    env = _env(tmp_path, backend, KYODO_HOIKU_NOTICES="1")
    ids = _submit(tmp_path, backend, world, each=1)
    worker = subprocess.Popen([*KYODO, "web", "worker", "--interval", "0.2"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run = Run.objects.unscoped("test").get(pk=ids["hoiku"][0])
        if run.status == RunStatus.RUNNING and run.progress >= 5:
            break
        time.sleep(0.05)
    assert run.status == RunStatus.RUNNING
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    # A new worker starts: its sweep marks the dead worker's job at once (same host), and finishes the rest.
    again = subprocess.run([*KYODO, "web", "worker", "--batch", "--interval", "0.2"], env=_env(
        tmp_path, backend, KYODO_JOB_STALL_MINUTES="0.05"), capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.stall is not None, (run.step, run.error, again.stdout[-3000:], again.stderr[-3000:])
    assert not RunChild.objects.for_org(run.organisation_id).filter(run=run).exists()  # no partial rows
    match = MatchingRun.objects.unscoped("test").get(pk=ids["jinzai"][0])
    assert match.status == "done", again.stdout[-2000:]  # nothing else lost
    retry = alice_client.post(f"/hoiku/runs/{run.pk}/retry/")
    assert retry.status_code == 302
