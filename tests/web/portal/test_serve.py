"""`kyodo web serve` is a real WSGI server (gunicorn): it answers /healthz and serves static files through WhiteNoise."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_serve_runs_gunicorn_with_health_and_static_files(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "KYODO_DATA_DIR": str(tmp_path), "KYODO_ENV": "production", "KYODO_DEBUG": "0",
           "KYODO_SECRET_KEY": "x" * 60 + "serve-test-key-0123456789", "KYODO_ALLOWED_HOSTS": "127.0.0.1",
           "KYODO_SSL_REDIRECT": "0"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "kyodo.cli", "web", "manage", "migrate", "--verbosity", "0"], env=env,
                   check=True, timeout=300)
    server = subprocess.Popen(
        [sys.executable, "-m", "kyodo.cli", "web", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    body = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.5)
        assert body is not None, "the server did not answer"
        assert body["status"] == "ok" and body["database"]["vendor"] == "sqlite"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/kyodo/kyodo.css", timeout=5) as r:
            assert r.status == 200 and b"tile" in r.read()
    finally:
        server.terminate()
        out = server.communicate(timeout=30)[0].decode(errors="replace")
    assert "gunicorn" in out.lower() or "Booting worker" in out


def test_warming_before_the_fork_imports_the_views_and_compiles_every_kyodo_template(db) -> None:
    from django.template import engines
    from django.template.utils import get_app_template_dirs
    from django.urls import get_resolver

    import kyodo.web
    from kyodo.web.serve import warm

    package = Path(kyodo.web.__file__).resolve().parent
    engine = engines["django"]
    folders = [Path(f) for f in [*engine.dirs, *get_app_template_dirs("templates")]
               if Path(f).resolve().is_relative_to(package)]
    names = {p.relative_to(f).as_posix() for f in folders for p in f.rglob("*.html")}
    from django.urls import clear_url_caches
    from django.utils.translation import get_language

    from kyodo.web.portal.registry import _start_url, services

    clear_url_caches()
    _start_url.cache_clear()
    assert warm() == len(names) > 50
    assert get_resolver().url_patterns  # imported
    loader = engine.engine.template_loaders[0]
    cached = {key.split("-")[0] for key in getattr(loader, "get_template_cache", {})}
    assert {"base.html", "hoiku/child_detail.html"} <= cached
    from kyodo.hoiku.model import labels
    from kyodo.hoiku.rules import available_rules
    from kyodo.web.page_cache import code_version

    assert code_version.cache_info().currsize == 1  # computed before the fork
    assert labels._municipality.cache_info().currsize >= len(available_rules()) > 0  # hoiku's warm.py
    # the portal's warm.py: every service's start URL, and with it Django's reverse lookup of the URLconf
    assert _start_url.cache_info().currsize >= len(services()) >= 7
    assert get_language() in get_resolver()._reverse_dict
