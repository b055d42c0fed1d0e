"""`kyodo web serve`: the production web server (gunicorn, threaded workers) in front of the Django app.

Static files are collected first and served by WhiteNoise from the same process, so no other server is needed on a
closed network. Settings come from the command line or the environment (KYODO_BIND, KYODO_WEB_WORKERS,
KYODO_WEB_THREADS, KYODO_WEB_TIMEOUT); see `docs/deploy/` for systemd units.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import os
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication


class KyodoServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from kyodo.web.wsgi import application

        warm()
        # What the master has loaded lives as long as the workers: out of the cyclic collector's reach, a worker's
        # full collections (frequent while a large page builds its rows) no longer walk it, nor copy its pages.
        gc.freeze()
        return application


def warm() -> int:
    """Import every view and compile every Kyodo template in the master process, before the workers fork.

    Django imports the URLconf (and with it every view module) on a worker's first request, and compiles each
    template the first time a page uses it: about a third of a second of CPU in each worker, spent while the first
    users wait. Done once here, the workers start with both (and share their memory), with the page cache's code
    digest and what each app's `warm.py` reads once per process. Returns how many templates were compiled; one that
    does not compile is left to fail on its page, as it would have without this."""
    from django.apps import apps
    from django.db import connections
    from django.template import TemplateSyntaxError, engines
    from django.template.utils import get_app_template_dirs
    from django.urls import get_resolver

    from kyodo.web.page_cache import code_version

    get_resolver().url_patterns  # noqa: B018 (the property imports the URLconf)
    code_version()  # the page cache's key: a digest of the web package's files
    for config in apps.get_app_configs():  # an app's own `warm.py`, if it has one
        if config.name.startswith("kyodo.") and importlib.util.find_spec(f"{config.name}.warm") is not None:
            importlib.import_module(f"{config.name}.warm").warm()
    package = Path(__file__).resolve().parent
    compiled = 0
    for engine in engines.all():
        for folder in [*map(Path, engine.dirs), *get_app_template_dirs("templates")]:
            if not Path(folder).resolve().is_relative_to(package):
                continue  # third-party apps' templates (the admin's): compiled when used, as before
            for path in sorted(Path(folder).rglob("*.html")):
                try:
                    engine.get_template(path.relative_to(folder).as_posix())
                    compiled += 1
                except TemplateSyntaxError:
                    continue
    connections.close_all()  # a connection opened before the fork must not be shared by the workers
    return compiled


def options(bind: str, workers: int, threads: int, timeout: int) -> dict[str, Any]:
    return {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        # The app is imported once, before the workers fork: they start ready (no first slow requests) and share
        # the imported code's memory.
        "preload_app": True,
        # Browsers reuse a connection for the next page; 5 s covers a user clicking through the results.
        "keepalive": 5,
        "timeout": timeout,
        "graceful_timeout": 30,
        "accesslog": "-",
        "access_log_format": '{"remote":"%(h)s","request":"%(r)s","status":%(s)s,"bytes":"%(b)s","ms":%(M)s}',
        "errorlog": "-",
        "proc_name": "kyodo-web",
    }


def serve(*, bind: str, workers: int, threads: int, timeout: int, collect_static: bool = True) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo.web.settings")
    import django

    django.setup()
    if collect_static:
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
    KyodoServer(options(bind, workers, threads, timeout)).run()
    return 0
