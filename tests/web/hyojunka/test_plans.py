"""A municipality keeps its plans: fields, steps, the survey upload (nothing saved on error), Fit & Gap, the
monthly report and its reminder."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from kyodo.web.audit.models import AuditEntry
from kyodo.web.hyojunka.models import MonthlyReport, Plan

from .world import koto_plans, stalled


def test_the_home_page_lists_the_20_systems_and_reminds_of_the_monthly_report(bob_client, koto):
    page = bob_client.get("/hyojunka/").content.decode()
    assert Plan.objects.for_org(koto).count() == 20
    assert "住民基本台帳" in page and "戸籍の附票" in page
    assert 'id="reminder"' in page and "進捗報告" in page
    response = bob_client.post("/hyojunka/report/")
    assert response.status_code == 302
    assert MonthlyReport.objects.for_org(koto).get().snapshot["juki"] == 0
    page = bob_client.get("/hyojunka/").content.decode()
    assert 'id="reminder"' not in page and 'id="progress-chart"' in page
    plan = Plan.objects.for_org(koto).get(system="juki")
    history = bob_client.get(f"/hyojunka/plans/{plan.pk}/").content.decode().split('id="reported"')[1]
    assert f"{date.today().year}年{date.today().month}月" in history.split("</table>")[0]


def test_ticking_a_step_records_its_date_and_moves_progress(bob_client, koto):
    plan = koto_plans(koto)["koseki"]
    day = date.today() - timedelta(days=3)
    response = bob_client.post(f"/hyojunka/plans/{plan.pk}/steps/1/", {"done_on": day.isoformat()})
    assert response.status_code == 302 and response["Location"].endswith("#step-1")
    plan.refresh_from_db()
    assert plan.steps == {"1": day.isoformat()}
    page = bob_client.get(f"/hyojunka/plans/{plan.pk}/").content.decode()
    assert "進捗 <strong>2.5%</strong>" in page
    assert AuditEntry.objects.for_org(koto).filter(action="hyojunka_step_change").count() == 1
    bob_client.post(f"/hyojunka/plans/{plan.pk}/steps/1/", {"done_on": ""})
    plan.refresh_from_db()
    assert plan.steps == {}


def test_a_future_date_or_a_step_beyond_40_is_refused(bob_client, koto):
    plan = koto_plans(koto)["koseki"]
    future = (date.today() + timedelta(days=5)).isoformat()
    response = bob_client.post(f"/hyojunka/plans/{plan.pk}/steps/2/", {"done_on": future}, follow=True)
    assert "未来の日付" in response.content.decode()
    bob_client.post(f"/hyojunka/plans/{plan.pk}/steps/41/", {"done_on": "2026-01-01"})
    plan.refresh_from_db()
    assert plan.steps == {}


def test_the_plan_form_needs_a_reason_for_a_tokutei_system(bob_client, koto):
    plan = koto_plans(koto)["kotei"]
    fields = {"vendor": "東都システム", "product": "P", "platform": "メインフレーム", "form": "単独",
              "deadline": "2029-03-31", "tokutei": "on", "reason": "", "cost_before": "12000000", "cost_after": ""}
    page = bob_client.post(f"/hyojunka/plans/{plan.pk}/", fields).content.decode()
    assert "理由区分が必要です" in page
    response = bob_client.post(f"/hyojunka/plans/{plan.pk}/", fields | {"reason": "mainframe"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.tokutei, plan.reason, plan.deadline, plan.cost_before) == (True, "mainframe", date(2029, 3, 31),
                                                                            12_000_000)


def _template(client) -> openpyxl.Workbook:  # type: ignore[no-untyped-def]
    response = client.get("/hyojunka/survey/template.xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _upload(client, book: openpyxl.Workbook):  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    book.save(buffer)
    return client.post("/hyojunka/survey/", {"file": SimpleUploadedFile("調査票.xlsx", buffer.getvalue())})


def _column(sheet, header: str) -> int:  # type: ignore[no-untyped-def]
    return next(c.column for c in sheet[1] if c.value == header)


def test_the_survey_workbook_round_trips_through_an_upload(bob_client, koto):
    book = _template(bob_client)
    sheet = book.active
    assert sheet.max_row == 21  # header + 20 systems
    assert book.sheetnames == ["進捗調査", "記入方法"]
    sheet.cell(row=2, column=_column(sheet, "ベンダー"), value="多摩電算")
    sheet.cell(row=2, column=_column(sheet, "手順01"), value=date(2026, 4, 1))
    sheet.cell(row=2, column=_column(sheet, "手順02"), value="2026/5/1")
    response = _upload(bob_client, book)
    assert response.status_code == 302, response.content.decode()[:3000]
    juki = Plan.objects.for_org(koto).get(system="juki")
    assert juki.vendor == "多摩電算" and juki.steps == {"1": "2026-04-01", "2": "2026-05-01"}


def test_a_bad_survey_names_row_and_column_and_saves_nothing(bob_client, koto):
    book = _template(bob_client)
    sheet = book.active
    sheet.cell(row=2, column=_column(sheet, "ベンダー"), value="保存されてはいけない")
    sheet.cell(row=3, column=_column(sheet, "手順05"), value="いつか")
    sheet.cell(row=4, column=_column(sheet, "業務"), value="住民記録")
    page = _upload(bob_client, book).content.decode()
    assert 'id="problems"' in page
    assert "<td>3</td><td>手順05</td>" in page and "<td>4</td><td>業務</td>" in page
    assert Plan.objects.for_org(koto).get(system="juki").vendor == ""


def test_fit_and_gap_uploads_are_summarised_and_bad_answers_refused(bob_client, koto):
    plan = koto_plans(koto)["juki"]
    spec = "機能ID,機能名,区分\r\nJ-1,住民票の写しの交付,実装必須\r\nJ-2,独自帳票,実装不可\r\n".encode("utf-8-sig")
    good = "機能ID,回答,備考\r\nJ-1,運用で対応,窓口で確認する\r\nJ-2,gap,廃止する\r\n".encode("utf-8-sig")
    bad = "機能ID,回答,備考\r\nJ-9,fit,\r\n".encode("utf-8-sig")
    url = f"/hyojunka/plans/{plan.pk}/fitgap/"
    page = bob_client.post(url, {"spec": SimpleUploadedFile("spec.csv", spec),
                                 "answers": SimpleUploadedFile("answers.csv", bad)}).content.decode()
    assert "機能一覧にない機能ID" in page and plan.fitgaps.count() == 0
    response = bob_client.post(url, {"spec": SimpleUploadedFile("spec.csv", spec),
                                     "answers": SimpleUploadedFile("answers.csv", good)})
    assert response.status_code == 302
    summary = plan.fitgaps.get().summary
    assert (summary["gap"], summary["operation"], len(summary["required_gaps"])) == (1, 1, 1)
    assert "窓口で確認する" in bob_client.get(url).content.decode()


def test_a_stalled_plan_shows_why_on_the_home_page(bob_client, koto):
    stalled(koto_plans(koto)["kaigo"])
    page = bob_client.get("/hyojunka/").content.decode()
    assert "停滞: " in page and "以来、直近90日に完了した手順がありません" in page


def test_the_reminder_says_when_the_update_is_due_and_when_it_is_late(koto, bob):
    from kyodo.web.hyojunka.services import reminder, submit_monthly

    assert reminder(koto.pk, date(2026, 12, 4)) == "2026年12月の進捗報告をお願いします(期限 12月10日)。"
    late = reminder(koto.pk, date(2026, 12, 11))
    assert late is not None and "期限(12月10日)を過ぎています" in late
    submit_monthly(koto.pk, bob, date(2026, 12, 11))
    assert reminder(koto.pk, date(2026, 12, 20)) is None
    assert reminder(koto.pk, date(2027, 1, 2)) is not None  # a new month, a new update
