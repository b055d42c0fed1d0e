"""In headless Chromium, the clerk's file imports of a finished round: staff decisions (a bad file listed by row and
column, nothing saved; then a good one), a manual result compared with the run, and the letter settings."""

from __future__ import annotations

import pytest

from .conftest import needs_chromium
from .test_browser import _log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def test_a_clerk_imports_decisions_compares_a_manual_result_and_sets_the_letters(browser_page, live_server,
                                                                                  done_run, tmp_path):
    from kyodo.web.hoiku.models import Decision, LetterSetting, RunChild

    rows = list(RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run).order_by("child_id"))
    page = browser_page
    _log_in(page, live_server, f"/hoiku/rounds/{done_run.round_id}/")

    page.click("#decision-import-link")
    bad = tmp_path / "判断.csv"
    bad.write_text("種類,児童番号,施設番号,理由,担当者\n固定,NO-SUCH,,理由,窓口\n", encoding="utf-8-sig")
    page.set_input_files("input[name=file]", str(bad))
    page.click("button:has-text('取り込む')")
    problems = page.inner_text("#problems")
    assert "判断.csv\t2\t施設番号" in problems and "何も保存していません" in page.content()  # file, row, column
    assert Decision.objects.for_org(done_run.organisation_id).count() == 0
    assert page.errors == [f"422 {page.url}"]  # type: ignore[attr-defined]  # the refusal, as expected
    page.errors.clear()  # type: ignore[attr-defined]
    good = tmp_path / "判断2.csv"
    good.write_text(f"種類,児童番号,施設番号,理由,担当者\n辞退,{rows[0].child_id},,保護者から辞退の電話,窓口\n",
                    encoding="utf-8-sig")
    page.set_input_files("input[name=file]", str(good))
    page.click("button:has-text('取り込む')")
    page.wait_for_selector("text=職員判断を 1 件取り込みました")
    assert Decision.objects.for_org(done_run.organisation_id).get().child_id == rows[0].child_id

    page.goto(f"{live_server.url}/hoiku/runs/{done_run.pk}/parity/")
    manual = tmp_path / "手作業.csv"
    lines = [f"{r.child_id},{'' if i == 0 else r.facility_id}" for i, r in enumerate(rows)]
    manual.write_text("児童番号,施設番号\n" + "\n".join(lines) + "\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(manual))
    page.click("button:has-text('比べる')")
    page.wait_for_selector("text=一致率")
    assert "一致率" in page.content()

    page.goto(f"{live_server.url}/hoiku/letter-settings/")
    page.fill("input[name=document_number]", "江こ保第1号")
    page.fill("input[name=issue_date]", "2026-02-06")
    page.fill("input[name=mayor]", "見本 太郎")
    page.fill("input[name=contact_section]", "保育課 入園相談係")
    page.fill("input[name=contact_phone]", "03-0000-0000")
    page.click("button:has-text('保存')")
    page.wait_for_load_state()
    assert LetterSetting.objects.for_org(done_run.organisation_id).get().mayor == "見本 太郎"
    assert page.errors == []  # type: ignore[attr-defined]
