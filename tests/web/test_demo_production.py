"""`kyodo web demo` serves with DEBUG off, as in production: collected static files through WhiteNoise, and the
product's own Japanese error pages instead of Django's debug page that lists every URL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from kyodo.web import demo


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_serving_turns_debug_off_and_static_collection_on_unless_set(monkeypatch):
    for name in ("KYODO_DEBUG", "KYODO_STATIC_COLLECTED"):
        monkeypatch.setenv(name, "")  # recorded, so the test restores the environment afterwards
        monkeypatch.delenv(name)
    demo.serve_as_in_production()
    assert os.environ["KYODO_DEBUG"] == "0" and os.environ["KYODO_STATIC_COLLECTED"] == "1"
    monkeypatch.setenv("KYODO_DEBUG", "1")
    demo.serve_as_in_production()
    assert os.environ["KYODO_DEBUG"] == "1"  # an explicit choice wins


@pytest.mark.slow
def test_the_demo_server_has_debug_off_static_files_and_japanese_error_pages(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KYODO_") and k != "DATABASE_URL"}
    env.update({"KYODO_DATA_DIR": str(tmp_path), "KYODO_HOIKU_NOTICES": "0"})
    server = subprocess.Popen(
        [sys.executable, "-m", "kyodo.cli", "web", "demo", "--port", str(port), "--children", "30",
         "--facilities", "4"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, _ = _get(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200, "the demo server did not answer"
        status, body = _get(f"{base}/no-such-page/")
        assert status == 404 and "ページが見つかりません" in body
        assert "Using the URLconf" not in body and "DEBUG = True" not in body
        status, body = _get(f"{base}/login/")
        assert status == 200
        css = next(part.split('"')[0] for part in body.split('href="')[1:] if ".css" in part.split('"')[0])
        assert css != "/static/kyodo/kyodo.css" and css.startswith("/static/kyodo/kyodo.")  # hashed, as collected
        assert _get(base + css)[0] == 200
        assert (tmp_path / "static" / "staticfiles.json").exists()
    finally:
        server.terminate()
        out = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "デモを終了しました" in out, out[-2000:]
