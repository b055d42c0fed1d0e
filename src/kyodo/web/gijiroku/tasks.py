"""Background tasks (django-tasks): run in `kyodo web worker`, or at once with the immediate backend."""

from __future__ import annotations

from django_tasks import task


@task()
def transcribe_meeting(meeting_id: int) -> None:
    from kyodo.web.gijiroku.services import execute

    execute(meeting_id)
