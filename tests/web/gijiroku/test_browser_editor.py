"""The editor in a real headless Chromium: one-click speaker mapping, split and merge at the caret, find and replace,
playback speed and keyboard shortcuts (editor.js; no inline script under the CSP). No speech recognition."""

from __future__ import annotations

import pytest

from ..conftest import PASSWORD, needs_chromium
from .world import make_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def test_the_editor_maps_splits_merges_replaces_and_answers_keys(browser_page, live_server, bob):
    page = browser_page
    meeting = make_meeting(bob)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.goto(f"{live_server.url}/gijiroku/meetings/{meeting.pk}/")

    # One click: voice 2 is 子ども未来部長 for the whole meeting.
    page.click("#speaker-1 button:has-text('子ども未来部長')")
    page.wait_for_selector("#speaker-1 td:has-text('○子ども未来部長')")
    assert meeting.speakers.get(index=1).label() == "子ども未来部長"

    # Split the third segment where the caret is, then merge it back.
    third = page.locator("form.segment").nth(2)
    box = third.locator("textarea[name=text]")
    text = box.input_value()
    at = text.index("防災課")
    box.evaluate("(el, at) => { el.focus(); el.setSelectionRange(at, at); }", at)
    third.locator("button.split").click()
    page.wait_for_function("() => document.querySelectorAll('form.segment').length === 4")
    assert page.locator("form.segment").nth(3).locator("textarea").input_value().startswith("防災課")
    page.locator("form.segment").nth(2).locator("button.merge").click()
    page.wait_for_function("() => document.querySelectorAll('form.segment').length === 3")
    assert page.locator("form.segment").nth(2).locator("textarea").input_value() == text

    # Find and replace across the meeting.
    page.fill("#replace-form input[name=find]", "防災課")
    page.fill("#replace-form input[name=replace]", "危機管理課")
    page.click("#replace-form button[type=submit]")
    page.wait_for_selector("text=1か所置き換えました")
    assert "危機管理課" in page.locator("form.segment").nth(2).locator("textarea").input_value()

    # Playback speed, and keys: Alt+↓ goes to the next segment, Ctrl+Enter saves it.
    page.select_option("#speed", "1.5")
    assert page.evaluate("document.getElementById('recording').playbackRate") == 1.5
    page.locator("form.segment").nth(0).locator("textarea").focus()
    page.keyboard.press("Alt+ArrowDown")
    focused = page.evaluate("document.activeElement.closest('form.segment').id")
    assert focused == page.locator("form.segment").nth(1).get_attribute("id")
    page.keyboard.press("End")
    page.keyboard.type("以上です。")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("form.segment >> text=保存しました")
    assert meeting.segments.get(index=1).text.endswith("以上です。")
    assert page.errors == []  # type: ignore[attr-defined]
