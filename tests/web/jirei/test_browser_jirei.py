"""Create → publish → search → ask, in a real headless Chromium (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import pytest

from kyodo.web.jirei.models import Question

from ..conftest import PASSWORD, needs_chromium

pytestmark = [
    pytest.mark.browser,
    # live_server needs a transactional database; serialized rollback restores the seeded organisations after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def _login(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.wait_for_selector("text=ログアウト")


def test_a_ward_shares_a_failed_trial_and_another_finds_it_and_asks(browser_page, live_server, bob, charlie):
    page = browser_page
    _login(page, live_server, "bob")
    page.click("header >> text=事例の共有")
    page.click(".subnav >> text=事例を登録")
    page.fill("input[name=title]", "会議録作成支援AIの実証")
    page.select_option("select[name=field]", "議会・会議")
    page.check("input[name=technology_names][value=音声認識]")
    page.select_option("select[name=status]", "実証したが導入せず")
    page.fill("textarea[name=summary]", "委員会の録音から会議録の素案を作る実証をした。")
    page.fill("textarea[name=went_badly]", "固有名詞の誤認識が多く、修正の手間が減らなかった。")
    page.fill("input[name=contact]", "江東区 情報システム課 内線1234")
    page.click("button:has-text('下書きとして登録')")
    page.wait_for_selector("text=下書きとして登録しました")
    page.click("button:has-text('全団体に公開')")
    page.wait_for_selector("text=全団体に公開しました")
    page.click("button:has-text('ログアウト')")

    _login(page, live_server, "charlie")
    page.goto(f"{live_server.url}/jirei/")
    page.fill("input[name=q]", "ＡＩ 議事録")  # full-width, and the other word for minutes
    page.check("input[name=failed]")
    page.click("#search-form button:has-text('検索')")
    first = page.locator("#results li.result").first
    assert "会議録作成支援AIの実証" in first.inner_text()
    assert first.locator("mark").all_inner_texts()[:2] == ["会議録", "AI"]
    first.locator("a").first.click()
    assert "江東区 情報システム課 内線1234" in page.inner_text("#contact")
    page.fill("#question-form textarea[name=body]", "誤認識は用語登録で減りましたか")
    page.click("#question-form button:has-text('質問する')")
    page.wait_for_selector("text=質問を送りました")
    assert "誤認識は用語登録で減りましたか" in page.inner_text("#questions")
    question = Question.objects.unscoped("test").get()
    assert question.organisation_id == charlie.organisation_id

    outside = [u for u in page.requested if not u.startswith(live_server.url)]  # type: ignore[attr-defined]
    assert outside == [] and page.errors == []  # type: ignore[attr-defined]
