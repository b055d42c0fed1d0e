"""In headless Chromium with DEBUG off: the Japanese error pages with navigation, the favicon, disabled buttons."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD, needs_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def test_error_pages_favicon_and_disabled_buttons_in_the_browser(browser_page, live_server, bob, settings):
    settings.DEBUG = False
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.wait_for_selector("text=ログアウト")

    icon = page.get_attribute("link[rel=icon]", "href")
    assert icon and page.request.get(live_server.url + icon).status == 200

    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response is not None and response.status == 404
    assert page.inner_text("h1") == "ページが見つかりません(404)"
    page.click("main >> text=ホームへ戻る")
    page.wait_for_url(f"{live_server.url}/")

    response = page.goto(f"{live_server.url}/audit/")
    assert response is not None and response.status == 403
    assert page.inner_text("h1") == "このページは使えません(403)"
    assert "組織管理者のみが使えます" in page.inner_text("main")
    assert page.locator("header.site nav").count() == 1 and page.title().startswith("このページは使えません")

    style = page.evaluate("""() => {
        const b = document.createElement('button'); b.disabled = true; b.textContent = '実行';
        document.querySelector('main').append(b);
        const s = getComputedStyle(b); return [s.cursor, s.backgroundColor];
    }""")
    assert style[0] == "not-allowed" and style[1] != "rgb(11, 92, 171)"  # not the enabled button's accent blue
    assert [e for e in page.errors if "/no-such-page/" not in e and "/audit/" not in e] == []
