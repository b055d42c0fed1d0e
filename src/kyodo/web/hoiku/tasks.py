"""Background tasks (django-tasks): run in `kyodo web worker`, or at once with the immediate backend."""

from __future__ import annotations

from django_tasks import task

from kyodo.web import jobs
from kyodo.web.hoiku.models import Run, RunChild


@task()
def execute_run(run_id: int) -> None:
    from kyodo.web.hoiku.services import execute

    with jobs.attempt(Run, run_id):  # heartbeat while it runs; a failed attempt leaves no partial results
        execute(run_id)


@jobs.on_failure(Run)
def discard_partial_run(run: Run) -> None:
    """A failed run keeps its inputs, decisions and error, and loses the result rows and documents of the attempt."""
    RunChild.objects.for_org(run.organisation_id).filter(run_id=run.pk).delete()
    Run.objects.unscoped("the worker cleans up its own run").filter(pk=run.pk).update(
        workbook=None, result_json=None, notices_pdf=None, appeals_pdf=None, diff_base=None, diff_changes=[]
    )
