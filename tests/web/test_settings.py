from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kyodo.web.security import DEVELOPMENT_SECRET_KEY, production_problems

GOOD_KEY = "q8Zr3-vN1xK0pL7sT9wB2cY5mH4jD6fG8aE1uI0oP3lQ7nR2tS5vW9xZ4bC6dF8g"


def test_production_refuses_debug():
    assert any("DEBUG" in p for p in production_problems(debug=True, secret_key=GOOD_KEY))


def test_production_refuses_missing_or_development_or_short_key():
    assert production_problems(debug=False, secret_key="")
    assert production_problems(debug=False, secret_key=DEVELOPMENT_SECRET_KEY)
    assert production_problems(debug=False, secret_key="short-key")


def test_production_accepts_a_real_key_without_debug():
    assert production_problems(debug=False, secret_key=GOOD_KEY) == []


def _import_settings(**env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KYODO_")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import kyodo.web.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"],
        env=environ, capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"KYODO_ENV": "production", "KYODO_SECRET_KEY": GOOD_KEY, "KYODO_DEBUG": "1"},
        {"KYODO_ENV": "production", "KYODO_DEBUG": "0"},
    ],
    ids=["debug-on", "no-secret-key"],
)
def test_production_settings_refuse_to_load(env):
    proc = _import_settings(**env)
    assert proc.returncode != 0
    assert "本番設定で起動できません" in proc.stderr


def test_production_settings_load_with_secure_cookies():
    proc = _import_settings(KYODO_ENV="production", KYODO_SECRET_KEY=GOOD_KEY, KYODO_DEBUG="0")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "True"]


def test_the_redis_queue_needs_its_address():
    proc = _import_settings(KYODO_TASK_BACKEND="rq")
    assert proc.returncode != 0 and "KYODO_REDIS_URL" in proc.stderr


def test_an_unknown_task_backend_is_refused():
    proc = _import_settings(KYODO_TASK_BACKEND="celery")
    assert proc.returncode != 0 and "KYODO_TASK_BACKEND" in proc.stderr


@pytest.mark.parametrize(("flag", "prepared"), [(None, True), ("1", True), ("0", False)])
def test_postgresql_binds_on_the_server_and_prepares_repeated_statements_unless_turned_off(tmp_path, flag, prepared):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KYODO_")}
    environ.update({"DATABASE_URL": "postgres://kyodo@127.0.0.1:5432/kyodo", "KYODO_DATA_DIR": str(tmp_path)})
    if flag is not None:
        environ["KYODO_PG_PREPARED"] = flag
    code = ("import kyodo.web.settings as s; o = s.DATABASES['default'].get('OPTIONS', {}); "
            "print(o.get('server_side_binding'), o.get('prepare_threshold'))")
    out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == (["True", "5"] if prepared else ["None", "None"])


def test_sqlite_syncs_at_checkpoints_in_wal_mode(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's settings")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
