"""Upload → progress → play from a segment → edit a segment → export, in a real headless Chromium."""

from __future__ import annotations

import pytest

from kyodo.web.gijiroku.models import Meeting, MeetingStatus

from ..conftest import PASSWORD, needs_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # live_server needs a transactional database; serialized rollback restores the seeded organisations after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


@pytest.fixture
def page(browser_page):  # type: ignore[no-untyped-def]
    return browser_page


def test_upload_follow_progress_edit_and_export(page, live_server, bob, clip, settings, tmp_path):
    from kyodo.web.gijiroku.services import execute

    # The database queue, so that the page shows the meeting waiting and then polls while the worker runs it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.click("header >> text=会議録")
    page.click("a.button:has-text('録音をアップロード')")
    page.fill("input[name=title]", "総務委員会")
    page.fill("input[name=started_at]", "2026-11-20T10:00")
    page.fill("input[name=place]", "第一委員会室")
    page.fill("textarea[name=attendees]", "事務局:佐藤花子,議長:山田太郎")
    page.set_input_files("input[name=recording]", str(clip.path))
    page.click("button:has-text('アップロードして文字起こし')")
    page.wait_for_selector("#progress:has-text('待機中')")

    meeting = Meeting.objects.for_user(bob).get()
    execute(meeting.pk)  # what `kyodo web worker` does; the page polls and reloads when it is done
    page.wait_for_selector("#progress:has-text('完了')")
    page.wait_for_selector("form.segment")
    assert Meeting.objects.for_user(bob).get().status == MeetingStatus.DONE

    # ▶ on the second segment moves the player there (editor.js; no inline script under the CSP).
    second = page.locator("form.segment").nth(1)
    start = float(second.get_attribute("data-start") or "0")
    second.locator("button.play").click()
    page.wait_for_function("t => Math.abs(document.getElementById('recording').currentTime - t) < 1.0", arg=start)

    edited = "本件は原案のとおり承認します。事務局は来月末までに報告してください。"
    second.locator("textarea[name=text]").fill(edited)
    second.locator("select[name=mark]").select_option("decision")
    second.locator("button:has-text('保存')").click()
    page.wait_for_selector("form.segment.decision >> text=保存しました")
    assert meeting.segments.get(index=1).text == edited

    with page.expect_download() as download:
        page.click("a:has-text('要点筆記(Word)')")
    path = tmp_path / "minutes.docx"
    download.value.save_as(path)
    from docx import Document

    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "本件は原案のとおり承認します。" in text.split("決定事項")[1] and "第一委員会室" in text
    assert page.errors == []  # type: ignore[attr-defined]
