"""Background tasks (django-tasks): run in `kyodo web worker`, or at once with the immediate backend."""

from __future__ import annotations

from django_tasks import task

from kyodo.web import jobs
from kyodo.web.hoiku.models import NoticeArchive, Run, RunChild, RunFacility, WhatIf


@task()
def execute_run(run_id: int) -> None:
    from kyodo.web.hoiku.services import execute

    with jobs.attempt(Run, run_id):  # heartbeat while it runs; a failed attempt leaves no partial results
        execute(run_id)


@jobs.on_failure(Run)
def discard_partial_run(run: Run) -> None:
    """A failed run keeps its inputs, decisions and error, and loses the result rows and documents of the attempt."""
    RunChild.objects.for_org(run.organisation_id).filter(run_id=run.pk).delete()
    RunFacility.objects.for_org(run.organisation_id).filter(run_id=run.pk).delete()
    Run.objects.unscoped("the worker cleans up its own run").filter(pk=run.pk).update(
        workbook=None, result_json=None, notices_pdf=None, appeals_pdf=None, diff_base=None, diff_changes=[]
    )


@task()
def build_notice_archive(archive_id: int) -> None:
    from kyodo.web.hoiku.documents import build_archive

    with jobs.attempt(NoticeArchive, archive_id):
        build_archive(archive_id)


@jobs.on_failure(NoticeArchive)
def discard_partial_archive(archive: NoticeArchive) -> None:
    NoticeArchive.objects.for_org(archive.organisation_id).filter(pk=archive.pk).update(data=None, files=0)


@task()
def execute_whatif(whatif_id: int) -> None:
    from kyodo.web.hoiku import whatif

    with jobs.attempt(WhatIf, whatif_id):
        whatif.execute(whatif_id)


@jobs.on_failure(WhatIf)
def discard_partial_whatif(comparison: WhatIf) -> None:
    WhatIf.objects.for_org(comparison.organisation_id).filter(pk=comparison.pk).update(result={})
