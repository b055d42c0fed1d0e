"""Notices of a run as a ZIP (made in a worker), and staff decisions imported from a file.

No allocation or wording lives here: the engine is run again on the run's stored inputs, seed and decisions
(a run reproduces byte for byte) and its notice writer makes the PDFs (kyodo.hoiku.outputs.notices.archive).
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from django.db import transaction
from django.utils import timezone

from kyodo.hoiku.io.decisions import read_decision_table
from kyodo.hoiku.outputs.notices.letter import DRAFT_STAMP
from kyodo.problems import Problem
from kyodo.web import jobs
from kyodo.web.audit.log import record
from kyodo.web.audit.models import Action
from kyodo.web.hoiku.models import Decision, NoticeArchive, Round, Run, RunChild, RunStatus
from kyodo.web.hoiku.models_documents import Grouping, JobStatus


def start_archive(run: Run, user: Any, grouping: str) -> NoticeArchive:
    """Queue a ZIP of the run's notices; final (no 「案」) only when the run is confirmed now."""
    from kyodo.web.hoiku.tasks import build_notice_archive

    archive: NoticeArchive = NoticeArchive.objects.create(
        organisation_id=run.organisation_id, run=run, grouping=grouping, final=run.is_confirmed,
        created_by=user, step="作成を待っています", **jobs.heartbeat(),
    )
    jobs.remember_task(archive, build_notice_archive.enqueue(archive.pk))
    return archive


def _archive_rows(archive_id: int) -> Any:
    return NoticeArchive.objects.unscoped("the worker reports on its own archive").filter(pk=archive_id)


def build_archive(archive_id: int) -> None:
    """The worker's part: rebuild the run's Outcome, write one PDF per facility or child, store the ZIP."""
    from kyodo.hoiku.outputs.notices import FontNotFound
    from kyodo.hoiku.outputs.notices.archive import notices_zip
    from kyodo.web.hoiku import services

    rows = _archive_rows(archive_id)
    archive = rows.select_related("run__input_set").defer("data", *(f"run__{f}" for f in Run.STORED_FILES)).get()
    rows.update(status=JobStatus.RUNNING, progress=5, step="結果を読み直しています", **jobs.heartbeat())
    outcome = services.run_engine(archive.run)  # the same inputs, seed and decisions give the same result

    def report(done: int, total: int) -> None:
        rows.update(progress=10 + 85 * done // total, step=f"通知書を作成しています({done}/{total})",
                    **jobs.heartbeat())

    try:
        data = notices_zip(outcome, by=archive.grouping, stamp=None if archive.final else DRAFT_STAMP,
                           letter=services.letter_settings(archive.run), progress=report)
    except FontNotFound as exc:
        rows.update(status=JobStatus.FAILED, progress=100, step="失敗しました", finished_at=timezone.now(),
                    error=f"通知書を作れませんでした: {exc}")
        return
    files = len(zipfile.ZipFile(BytesIO(data)).namelist())
    rows.update(status=JobStatus.DONE, progress=100, step="完了しました", data=data, files=files,
                finished_at=timezone.now(), **jobs.heartbeat())


def archive_file_name(archive: NoticeArchive) -> str:
    """「通知書_施設ごと_2026年度_江東区4月入所_第3回.zip」, with 「案_」 in front for a draft."""
    from kyodo.hoiku.outputs.notices.archive import safe_file_name

    run = archive.run
    how = "施設ごと" if archive.grouping == Grouping.FACILITY else "児童ごと"
    stem = f"通知書_{how}_{run.round.fiscal_year}年度_{run.round.title}_第{run.number}回"
    return safe_file_name(("" if archive.final else f"{DRAFT_STAMP}_") + stem, limit=150) + ".zip"


def archive_usable(archive: NoticeArchive) -> bool:
    """A final ZIP stops being handed out once its run is no longer the confirmed one."""
    return archive.status == JobStatus.DONE and (not archive.final or archive.run.is_confirmed)


# -- decisions from a file --------------------------------------------------------------------------------


def import_decisions(round_: Round, user: Any, name: str, data: bytes) -> tuple[list[Decision], list[Problem]]:
    """Every row checked (format, then child and facility against the round's latest finished run); all rows
    saved, or none when any problem was found."""
    table = read_decision_table(data, name=name)
    if table.problems and not table.columns:  # not a decisions table at all: that one message
        return [], table.problems
    latest = round_.runs.filter(status=RunStatus.DONE).order_by("-number").defer(*Run.STORED_FILES).first()
    if latest is None:
        return [], [Problem("判断は、利用調整を一度実行してから取り込めます", file=table.file)]
    if not table.rows and not table.problems:
        return [], [Problem("職員判断の行がありません", file=table.file)]
    children = set(RunChild.objects.for_org(round_.organisation_id).filter(run=latest)
                   .values_list("child_id", flat=True))
    facilities = {f["id"] for f in latest.summary.get("facility_table", [])}
    problems = list(table.problems)  # the rows' format problems, and below those against the run
    column = table.columns.get
    for n, d in table.rows:
        if d.child_id not in children:
            problems.append(Problem(f"児童番号「{d.child_id}」は第{latest.number}回の結果にありません",
                                    file=table.file, row=n, column=column("child_id")))
        if d.facility_id and d.facility_id not in facilities:
            problems.append(Problem(f"施設番号「{d.facility_id}」は施設一覧にありません",
                                    file=table.file, row=n, column=column("facility_id", "施設番号")))
        if not d.reason.strip():
            problems.append(Problem("理由を書いてください(職員判断には必ず理由が要ります)",
                                    file=table.file, row=n, column=column("reason", "理由")))
    if problems:
        return [], sorted(problems, key=lambda p: p.row or 0)
    saved = []
    with transaction.atomic():  # the decisions and their audit entries together, or nothing
        for n, d in table.rows:
            decision = Decision.objects.create(
                organisation_id=round_.organisation_id, round=round_, created_by=user, child_id=d.child_id,
                kind=str(d.kind), facility_id=d.facility_id or "", reason=d.reason.strip(),
            )
            details: dict[str, Any] = {"child_id": decision.child_id, "kind": decision.kind,
                                       "facility_id": decision.facility_id, "reason": decision.reason,
                                       "file": table.file, "row": n}
            if d.by:  # the file's own 担当者 column; the entry's user is whoever imported it
                details["file_by"] = d.by
            record(user, Action.DECISION, decision, **details)
            saved.append(decision)
    return saved, []
