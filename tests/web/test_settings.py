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
