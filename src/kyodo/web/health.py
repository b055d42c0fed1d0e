"""`/healthz`: is the database reachable, and is the queue? JSON for a load balancer or monitoring, no personal data.

200 with `"status": "ok"` when both answer; 503 with the failing part otherwise. Public (a monitor has no account),
so it says nothing but counts and timings.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _timed(check: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result: dict[str, Any] = {"ok": True, **check()}
    except Exception as exc:
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _queue() -> dict[str, Any]:
    if settings.TASK_BACKEND == "rq":
        import django_rq

        queue = django_rq.get_queue("default")
        queue.connection.ping()
        return {"backend": "rq", "waiting": len(queue)}
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(status="READY").count()
    return {"backend": settings.TASK_BACKEND, "waiting": waiting}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database, queue = _timed(_database), _timed(_queue)
    healthy = database["ok"] and queue["ok"]
    body = {"status": "ok" if healthy else "error", "database": database, "queue": queue}
    return JsonResponse(body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
