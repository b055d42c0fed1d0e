"""A run submitted through the web is taken by a real worker process (`kyodo web worker --batch`, a subprocess
on the same test database) and its result appears on the run's page. On SQLite, and on PostgreSQL when the web
tests run there (./test.sh runs them again with DATABASE_URL when PostgreSQL is reachable)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import override_settings

from kyodo.web.hoiku.models import Run, RunChild, RunStatus

from .helpers import create_round, run, upload_ok

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _database_url() -> str:
    """The URL of the database this test session uses (the test database, not the configured one)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    if connection.vendor == "postgresql":
        auth = quote(s["USER"] or "", safe="") + (f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    pytest.skip(f"no worker URL for {connection.vendor}")


def _worker(tmp_path: Path) -> subprocess.CompletedProcess[str]:
    kyodo = Path(sys.executable).parent / "kyodo"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "KYODO_TASK_BACKEND": "database",
        "KYODO_DATA_DIR": str(tmp_path),
        "KYODO_HOIKU_NOTICES": "0",
        "DJANGO_SETTINGS_MODULE": "kyodo.web.settings",
    }
    return subprocess.run(
        [str(kyodo), "web", "worker", "--batch", "--interval", "0.2"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )


# Transactional: the worker process must see what the test wrote. Serialized rollback puts the organisations
# (seeded by a data migration) back for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_run_submitted_on_the_web_is_done_by_a_worker_process_and_shown(alice_client, ward_files, tmp_path):
    round_ = create_round(alice_client)
    upload_ok(alice_client, round_, ward_files)
    with override_settings(TASKS=DATABASE_QUEUE):
        queued = run(alice_client, round_)
        queued.refresh_from_db()
        assert queued.status == RunStatus.QUEUED
        assert "待機中" in alice_client.get(f"/hoiku/runs/{queued.pk}/progress/").content.decode()

        worker = _worker(tmp_path)
        assert worker.returncode == 0, worker.stdout[-2000:] + worker.stderr[-3000:]

    done = Run.objects.unscoped("test").get(pk=queued.pk)
    assert done.status == RunStatus.DONE and done.progress == 100, done.error
    rows = RunChild.objects.for_org(done.organisation_id).filter(run=done)
    offered = rows.exclude(facility_id="").count()
    assert rows.count() == 80 and 0 < offered < 80
    body = alice_client.get(f"/hoiku/runs/{done.pk}/").content.decode()
    assert "待機中" not in body
    # The totals row: 80 applications, and as many seats (offers, moves, stays) as the worker wrote.
    totals = re.search(r'<th>合計</th><th class="num">(\d+)</th>', body)
    counts = dict(re.findall(r'id="count-([^"]+)">(?:<a [^>]*>)?(\d+)', body))
    assert totals is not None and totals.group(1) == "80"
    seated = sum(int(n) for key, n in counts.items() if key != "waitlisted")
    assert seated == offered and sum(int(n) for n in counts.values()) == 80, counts
    progress = alice_client.get(f"/hoiku/runs/{done.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress["HX-Refresh"] == "true"
