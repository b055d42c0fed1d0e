"""In headless Chromium: an administrator confirms a run and downloads its final notices as a ZIP per facility."""

from __future__ import annotations

import zipfile

import pytest

from .conftest import needs_chromium
from .test_browser import _log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def test_an_administrator_confirms_a_run_and_downloads_the_notices_zip(browser_page, live_server, done_run,
                                                                       tmp_path):
    from kyodo.web.hoiku.models import RunChild

    page = browser_page
    _log_in(page, live_server, f"/hoiku/runs/{done_run.pk}/")
    assert "未確定" in page.inner_text("#confirm-state")
    page.click("#confirm-link")
    page.click("#confirm-button")
    page.wait_for_selector("text=第1回を確定しました")
    assert "確定" in page.inner_text("#confirm-state") and "有栖 花子" in page.inner_text("#confirm-state")

    page.check("#archive-form input[value=facility]")
    page.click("#archive-form button:has-text('確定版の通知書を作成')")
    page.wait_for_selector("#archive-download", timeout=60_000)
    with page.expect_download() as download:
        page.click("#archive-download")
    assert download.value.suggested_filename.startswith("通知書_施設ごと_2026年度_")
    path = tmp_path / "notices.zip"
    download.value.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    rows = RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run)
    placed = {r.facility_id for r in rows if r.facility_id}
    waiting = any(not r.facility_id for r in rows)
    assert len(names) == len(placed) + (1 if waiting else 0)
    assert not any(n.startswith("案_") for n in names) and ("保留.pdf" in names) == waiting
    assert page.errors == []  # type: ignore[attr-defined]
    outside = [u for u in page.requested if not u.startswith(live_server.url)]  # type: ignore[attr-defined]
    assert outside == []
