"""Request → matching → confirm in a real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ..conftest import PASSWORD, needs_chromium
from .world import make_coordinator, make_specialist, weeks_from_now

pytestmark = [
    pytest.mark.browser,
    # live_server needs a transactional database; serialized rollback restores the seeded organisations after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


@pytest.fixture
def page(browser_page):  # type: ignore[no-untyped-def]
    return browser_page


def _login(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.wait_for_selector("text=ログアウト")


def test_a_ward_asks_for_help_and_tokyo_matches_and_confirms(page, live_server, bob):
    make_coordinator()
    specialist = make_specialist("江戸 絵里", "eve")
    start = weeks_from_now(2)

    _login(page, live_server, "bob")
    page.click("header >> text=専門人材")
    page.click("text=依頼を登録")
    page.fill("input[name=title]", "ガバメントクラウド移行の相談")
    page.fill("textarea[name=purpose]", "移行計画を立てたい")
    page.fill("textarea[name=deliverable]", "移行計画書")
    page.select_option("select[name=skill_1]", "cloud_infrastructure")
    page.select_option("select[name=level_1]", "3")
    page.select_option("select[name=mode]", "リモート")
    page.fill("input[name=amount]", "8")
    page.select_option("select[name=unit]", "時間")
    page.fill("input[name=start]", start.isoformat())
    page.fill("input[name=end]", (start + timedelta(days=11)).isoformat())
    page.click("button:has-text('依頼を登録')")
    page.wait_for_selector("text=依頼を登録しました")
    assert "募集中" in page.inner_text("#request")
    page.click("button:has-text('ログアウト')")

    _login(page, live_server, "dora")
    page.goto(f"{live_server.url}/jinzai/board/")
    page.click("button:has-text('マッチングを実行')")
    page.wait_for_selector("#progress:has-text('完了')")
    row = page.locator("#proposals tr", has_text="ガバメントクラウド移行の相談")
    assert specialist.name in row.inner_text()
    row.locator("button:has-text('確定')").click()
    page.wait_for_selector("text=を確定しました")
    page.click("text=支援案件")
    assert "ガバメントクラウド移行の相談" in page.inner_text("#engagements")
    page.click("button:has-text('ログアウト')")

    _login(page, live_server, "bob")
    page.goto(f"{live_server.url}/jinzai/engagements/")
    assert specialist.name in page.inner_text("#engagements")

    outside = [u for u in page.requested if not u.startswith(live_server.url)]  # type: ignore[attr-defined]
    assert outside == []  # closed networks: no request leaves the server
