"""Background tasks (django-tasks): run in `kyodo web worker`, or at once with the immediate backend."""

from __future__ import annotations

from django_tasks import task

from kyodo.web import jobs
from kyodo.web.gijiroku.models import Meeting


@task()
def transcribe_meeting(meeting_id: int) -> None:
    from kyodo.web.gijiroku.services import execute

    # Heartbeat while it runs. No cleanup to register: segments and speakers are replaced in one transaction
    # together with the status DONE, so a failed attempt leaves the previous transcript as it was.
    with jobs.attempt(Meeting, meeting_id):
        execute(meeting_id)
