"""Background tasks (django-tasks): run in `kyodo web worker`, or at once with the immediate backend."""

from __future__ import annotations

from django_tasks import task

from kyodo.web import jobs
from kyodo.web.jinzai.models import MatchingRun, Proposal


@task()
def execute_matching(run_id: int) -> None:
    from kyodo.web.jinzai.services import execute

    with jobs.attempt(MatchingRun, run_id):  # heartbeat while it runs; a failed attempt leaves no proposals
        execute(run_id)


@jobs.on_failure(MatchingRun)
def discard_partial_matching(run: MatchingRun) -> None:
    """A failed matching run offers nothing to confirm: its proposals (if the attempt stored any) are removed."""
    Proposal.objects.for_org(run.organisation_id).filter(run_id=run.pk).delete()
