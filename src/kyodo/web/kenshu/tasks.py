"""Background tasks (django-tasks): run in `kyodo web worker`, or at once with the immediate backend."""

from __future__ import annotations

from django_tasks import task


@task()
def execute_allocation(run_id: int) -> None:
    from kyodo.web.kenshu.services import execute

    execute(run_id)
