"""`kyodo web serve`: the production web server (gunicorn, threaded workers) in front of the Django app.

Static files are collected first and served by WhiteNoise from the same process, so no other server is needed on a
closed network. Settings come from the command line or the environment (KYODO_BIND, KYODO_WEB_WORKERS,
KYODO_WEB_THREADS, KYODO_WEB_TIMEOUT); see `docs/deploy/` for systemd units.
"""

from __future__ import annotations

import os
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

        return application


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
