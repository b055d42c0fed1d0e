"""確定 (confirm / un-confirm), notices as a ZIP per facility or per child, and decisions imported from a file."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from kyodo.web.audit.models import Action, AuditEntry
from kyodo.web.hoiku import services
from kyodo.web.hoiku.actions import HoikuAction
from kyodo.web.hoiku.models import Decision, NoticeArchive, Run, RunChild

pytestmark = pytest.mark.django_db


def _confirm(client, run):  # type: ignore[no-untyped-def]
    return client.post(f"/hoiku/runs/{run.pk}/confirm/")


def _second_run(run: Run, user) -> Run:  # type: ignore[no-untyped-def]
    other = services.start_run(run.round, user, reproduce=run)
    other.refresh_from_db()
    return other


# -- 確定 --------------------------------------------------------------------------------------------------


def test_an_administrator_confirms_a_run_and_it_is_audited(done_run, alice_client, alice):
    page = alice_client.get(f"/hoiku/runs/{done_run.pk}/confirm/")
    assert page.status_code == 200 and "第1回を確定する" in page.content.decode()
    for s in done_run.summary["statuses"]:
        assert f'<td class="num">{s["count"]}</td>' in page.content.decode()
    for f in done_run.summary["flag_rows"]:
        assert f"要確認 {f['label']}: {f['count']} 件" in page.content.decode()
    assert _confirm(alice_client, done_run).status_code == 302
    done_run.refresh_from_db()
    assert done_run.is_confirmed and done_run.confirmed_by == alice and done_run.confirmed_at is not None
    entry = AuditEntry.objects.for_user(alice).get(action=HoikuAction.RUN_CONFIRM)
    assert entry.username == "alice" and entry.details["number"] == 1
    body = alice_client.get(f"/hoiku/runs/{done_run.pk}/").content.decode()
    assert "確定しました" in body and "有栖 花子" in body and "確定版の通知書を作成" in body


def test_staff_cannot_confirm_or_unconfirm(done_run, bob_client, alice_client):
    assert bob_client.get(f"/hoiku/runs/{done_run.pk}/confirm/").status_code == 403
    assert _confirm(bob_client, done_run).status_code == 403
    done_run.refresh_from_db()
    assert not done_run.is_confirmed
    body = bob_client.get(f"/hoiku/runs/{done_run.pk}/").content.decode()
    assert "未確定" in body and "確定は組織管理者が行います" in body and "この結果を確定する" not in body
    _confirm(alice_client, done_run)
    assert bob_client.post(f"/hoiku/runs/{done_run.pk}/unconfirm/", {"reason": "誤り"}).status_code == 403
    done_run.refresh_from_db()
    assert done_run.is_confirmed


def test_a_later_confirmed_run_supersedes_the_earlier_one(done_run, alice_client, alice):
    _confirm(alice_client, done_run)
    later = _second_run(done_run, alice)
    assert _confirm(alice_client, later).status_code == 302
    done_run.refresh_from_db()
    later.refresh_from_db()
    assert later.is_confirmed and not done_run.is_confirmed and done_run.superseded_by_id == later.pk
    body = alice_client.get(f"/hoiku/runs/{done_run.pk}/").content.decode()
    assert "差し替え済み" in body and f"/hoiku/runs/{later.pk}/" in body
    entry = AuditEntry.objects.for_user(alice).filter(action=HoikuAction.RUN_CONFIRM).first()
    assert entry.details == {"number": 2, "supersedes": 1}


def test_the_database_allows_one_confirmed_run_per_round(done_run, alice):
    later = _second_run(done_run, alice)
    Run.objects.for_org(done_run.organisation_id).filter(pk=done_run.pk).update(confirmed_at=done_run.created_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Run.objects.for_org(done_run.organisation_id).filter(pk=later.pk).update(confirmed_at=later.created_at)


def test_confirming_twice_is_refused_with_a_message(done_run, alice_client):
    _confirm(alice_client, done_run)
    response = alice_client.post(f"/hoiku/runs/{done_run.pk}/confirm/", follow=True)
    assert "すでに確定しています" in response.content.decode()


def test_unconfirming_needs_a_reason_and_is_recorded(done_run, alice_client, alice):
    _confirm(alice_client, done_run)
    refused = alice_client.post(f"/hoiku/runs/{done_run.pk}/unconfirm/", {"reason": "  "})
    assert refused.status_code == 422
    done_run.refresh_from_db()
    assert done_run.is_confirmed
    assert alice_client.post(f"/hoiku/runs/{done_run.pk}/unconfirm/",
                             {"reason": "指数の入力誤りが見つかった"}).status_code == 302
    done_run.refresh_from_db()
    assert not done_run.is_confirmed and done_run.unconfirmed_by == alice
    assert done_run.unconfirm_reason == "指数の入力誤りが見つかった"
    entry = AuditEntry.objects.for_user(alice).get(action=HoikuAction.RUN_UNCONFIRM)
    assert entry.details["reason"] == "指数の入力誤りが見つかった"
    assert "指数の入力誤りが見つかった" in alice_client.get(f"/hoiku/runs/{done_run.pk}/").content.decode()


def test_a_run_that_is_not_done_cannot_be_confirmed(alice_client, alice, ward_files, settings):
    from .helpers import create_round, run, upload_ok

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    round_ = create_round(alice_client)
    upload_ok(alice_client, round_, ward_files)
    queued = run(alice_client, round_)
    assert _confirm(alice_client, queued).status_code == 404


# -- notices ZIP ---------------------------------------------------------------------------------------------


def _zip(client, run, grouping: str):  # type: ignore[no-untyped-def]
    response = client.post(f"/hoiku/runs/{run.pk}/notices/zip/", {"grouping": grouping})
    assert response.status_code == 302
    archive = NoticeArchive.objects.for_org(run.organisation_id).latest("id")
    if archive.status == "failed" and "通知書を作れませんでした" in archive.error:
        pytest.skip(archive.error)  # no Japanese font here (scripts/bootstrap.sh installs one)
    assert archive.status == "done", archive.error
    page = client.get(f"/hoiku/notice-archives/{archive.pk}/")
    assert page.status_code == 200
    download = client.get(f"/hoiku/notice-archives/{archive.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    return archive, download, zipfile.ZipFile(io.BytesIO(download.content))


def _text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _stamps(data: bytes) -> set[str]:
    """The stamp box at the top of each page (its first line of text), as a set over the pages."""
    from pypdf import PdfReader

    return {(page.extract_text() or "").splitlines()[0] for page in PdfReader(io.BytesIO(data)).pages}


def _notice_children(data: bytes) -> list[str]:
    """The child number printed on each notice of a PDF (the header's 児童番号 row)."""
    return re.findall(r"^児童番号\n(\S+)$", _text(data), flags=re.MULTILINE)


def test_a_confirmed_runs_notices_come_as_one_pdf_per_facility_and_one_for_waitlisted(done_run, alice_client):
    _confirm(alice_client, done_run)
    archive, download, zipped = _zip(alice_client, done_run, "facility")
    rows = list(RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run))
    facilities = {f["id"]: f["name"] for f in done_run.summary["facility_table"]}
    placed = {r.facility_id for r in rows if r.facility_id}
    names = sorted(zipped.namelist())
    expected = sorted([f"{fid}_{facilities[fid]}.pdf" for fid in placed]
                      + (["保留.pdf"] if any(not r.facility_id for r in rows) else []))
    assert names == expected and archive.final and archive.files == len(expected)
    fid = sorted(placed)[0]
    here = sorted(r.child_id for r in rows if r.facility_id == fid)
    assert sorted(_notice_children(zipped.read(f"{fid}_{facilities[fid]}.pdf"))) == here
    waiting = sorted(r.child_id for r in rows if not r.facility_id)
    assert sorted(_notice_children(zipped.read("保留.pdf"))) == waiting
    assert "%E6%A1%88" not in download["Content-Disposition"]  # no 案 in a final ZIP's name
    assert _stamps(zipped.read("保留.pdf")) == {"試行・未確定"}  # no 案 on a confirmed run's pages
    assert AuditEntry.objects.for_org(done_run.organisation_id).filter(
        action=HoikuAction.NOTICE_ARCHIVE, details__downloaded=True).count() == 1
    log = alice_client.get(reverse("audit:list")).content.decode()
    for text in ("利用調整結果の確定", "保育所利用調整の通知書(ZIP)", "まとめ方: 施設ごと"):
        assert text in log, text
    assert "hoiku.NoticeArchive" not in log and "grouping" not in log


def test_a_draft_zip_has_one_pdf_per_child_named_with_an(done_run, alice_client):
    archive, download, zipped = _zip(alice_client, done_run, "child")
    rows = list(RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run))
    names = zipped.namelist()
    assert len(names) == len(rows) == 80 and not archive.final
    assert all(n.rsplit("/", 1)[-1].startswith("案_") for n in names)
    assert "%E6%A1%88_" in download["Content-Disposition"]  # 案_ in the ZIP's own name
    child = rows[0]
    folder = "保留" if not child.facility_id else next(n.split("/")[0] for n in names
                                                       if n.startswith(f"{child.facility_id}_"))
    data = zipped.read(f"{folder}/案_{child.child_id}.pdf")
    assert _notice_children(data) == [child.child_id] and "利用調整結果" in _text(data)
    assert _stamps(data) == {"案　試行・未確定"}  # on every page: a draft of a trial (rules values not confirmed)


def test_a_final_zip_is_withdrawn_when_its_run_is_unconfirmed(done_run, alice_client):
    _confirm(alice_client, done_run)
    archive, _download, _zipped = _zip(alice_client, done_run, "facility")
    alice_client.post(f"/hoiku/runs/{done_run.pk}/unconfirm/", {"reason": "再計算が必要"})
    assert alice_client.get(f"/hoiku/notice-archives/{archive.pk}/download/").status_code == 404
    assert "ダウンロードできません" in alice_client.get(f"/hoiku/notice-archives/{archive.pk}/").content.decode()


def test_the_batch_notices_of_an_unconfirmed_run_are_named_as_a_draft(done_run, alice_client):
    Run.objects.for_org(done_run.organisation_id).filter(pk=done_run.pk).update(notices_pdf=b"%PDF-1.4 test")
    draft = alice_client.get(f"/hoiku/runs/{done_run.pk}/download/notices/")
    assert "%E6%A1%88_" in draft["Content-Disposition"]
    _confirm(alice_client, done_run)
    final = alice_client.get(f"/hoiku/runs/{done_run.pk}/download/notices/")
    assert "draft" not in final["Content-Disposition"]


# -- decisions from a file -----------------------------------------------------------------------------------


def _import(client, run, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(f"/hoiku/rounds/{run.round_id}/decisions/import/",
                       {"file": SimpleUploadedFile(name, data)})


def _csv(rows: list[str]) -> bytes:
    return ("種類,児童番号,施設番号,理由,担当者\n" + "\n".join(rows) + "\n").encode("utf-8-sig")


def _ids(run: Run) -> tuple[list[str], list[str]]:
    children = list(RunChild.objects.for_org(run.organisation_id).filter(run=run).values_list("child_id", flat=True))
    return children, [f["id"] for f in run.summary["facility_table"]]


def test_decisions_import_from_csv_and_each_is_audited_with_the_importers_name(done_run, bob_client, bob):
    children, facilities = _ids(done_run)
    data = _csv([f"固定,{children[0]},{facilities[1]},障害児の受入体制を確認,窓口A",
                 f"辞退,{children[1]},,保護者から辞退の電話,"])
    response = _import(bob_client, done_run, "判断.csv", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = list(Decision.objects.for_org(done_run.organisation_id).order_by("id"))
    assert [(d.kind, d.child_id, d.facility_id, d.created_by) for d in saved] == [
        ("fix", children[0], facilities[1], bob), ("withdraw", children[1], "", bob)]
    entries = AuditEntry.objects.for_user(bob).filter(action=Action.DECISION).order_by("id")
    assert [(e.username, e.details["row"], e.details["file"]) for e in entries] == [
        ("bob", 2, "判断.csv"), ("bob", 3, "判断.csv")]
    assert entries[0].details["file_by"] == "窓口A"
    assert AuditEntry.objects.for_user(bob).get(action=HoikuAction.DECISION_IMPORT).details["decisions"] == 2


def test_decisions_import_from_xlsx(done_run, alice_client, tmp_path):
    children, facilities = _ids(done_run)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["種類", "児童番号", "施設番号", "理由", "担当者"])
    sheet.append(["除外", children[2], facilities[0], "通園できない距離と判明", "窓口B"])
    path = tmp_path / "decisions.xlsx"
    book.save(path)
    assert _import(alice_client, done_run, "decisions.xlsx", path.read_bytes()).status_code == 302
    decision = Decision.objects.for_org(done_run.organisation_id).get()
    assert (decision.kind, decision.child_id, decision.facility_id) == ("forbid", children[2], facilities[0])


def test_every_bad_row_is_reported_by_file_row_and_column_and_nothing_is_saved(done_run, alice_client, alice):
    children, facilities = _ids(done_run)
    data = _csv([
        f"固定,{children[0]},{facilities[0]},正しい行,",
        f"固定,NO-SUCH-CHILD,{facilities[0]},理由あり,",
        f"固定,{children[1]},NO-SUCH-FACILITY,理由あり,",
        f"入れ替え,{children[2]},,理由あり,",
        f"除外,{children[3]},,理由あり,",
        f"辞退,{children[4]},,,",
    ])
    response = _import(alice_client, done_run, "判断.csv", data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "何も保存していません" in body
    for expected in ("<td class=\"num\">3</td><td>児童番号</td><td>児童番号「NO-SUCH-CHILD」",
                     "<td class=\"num\">4</td><td>施設番号</td><td>施設番号「NO-SUCH-FACILITY」",
                     "<td class=\"num\">5</td><td>種類</td><td>種類「入れ替え」",
                     "<td class=\"num\">6</td><td>施設番号</td><td>「除外」には施設番号が必要です",
                     "<td class=\"num\">7</td><td>理由</td><td>理由を書いてください"):
        assert expected in body, expected
    assert "<td>判断.csv</td>" in body
    assert Decision.objects.for_org(done_run.organisation_id).count() == 0
    assert not AuditEntry.objects.for_user(alice).filter(action=Action.DECISION).exists()
    assert AuditEntry.objects.for_user(alice).get(action=HoikuAction.DECISION_IMPORT_REJECTED).details["problems"] == 5


def test_format_errors_come_before_the_run_check_and_a_wrong_header_is_one_message(done_run, alice_client):
    wrong = "区分,児童\nfix,1\n".encode()
    body = _import(alice_client, done_run, "x.csv", wrong).content.decode()
    assert body.count("<tr><td>x.csv</td>") == 1 and "1行目(見出し)" in body and "区分" in body
    assert Decision.objects.for_org(done_run.organisation_id).count() == 0
