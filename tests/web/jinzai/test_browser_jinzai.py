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


def test_a_coordinator_imports_the_pool_the_ward_imports_requests_and_files_the_report(
    page, live_server, bob, tmp_path
):
    import csv
    from datetime import date

    from kyodo.web.jinzai.models import Engagement

    make_coordinator()
    pool = tmp_path / "人材一覧.csv"
    with pool.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["人材ID", "氏名", "スキル", "週あたり稼働日数", "対応形態", "拠点地域"])
        w.writerow(["P0101", "取込 太郎", "クラウドインフラ活用:3", "1", "現地・リモート", "区部"])
    start = weeks_from_now(2)
    asks = tmp_path / "依頼一覧.csv"
    with asks.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["依頼ID", "団体", "目的", "成果物", "必要スキル", "支援形態", "工数", "工数単位", "開始日", "終了日"])
        w.writerow(["K-7", "江東区", "標準化の移行計画", "移行計画書", "クラウドインフラ活用:2", "リモート", "8", "時間",
                    start.isoformat(), (start + timedelta(days=11)).isoformat()])

    _login(page, live_server, "dora")
    page.goto(f"{live_server.url}/jinzai/specialists/import/")
    page.set_input_files("#import-file", str(pool))
    page.click("button:has-text('取り込む')")
    page.wait_for_selector("text=1件を登録し、0件を更新しました")
    assert "取込 太郎" in page.inner_text("#specialists")
    page.click("button:has-text('ログアウト')")

    _login(page, live_server, "bob")
    page.goto(f"{live_server.url}/jinzai/requests/import/")
    page.set_input_files("#import-file", str(asks))
    page.click("button:has-text('取り込む')")
    page.wait_for_selector("text=1件を登録し、0件を更新しました")
    page.click("button:has-text('ログアウト')")

    _login(page, live_server, "dora")
    page.goto(f"{live_server.url}/jinzai/board/")
    page.click("button:has-text('マッチングを実行')")
    page.wait_for_selector("#progress:has-text('完了')")
    row = page.locator("#proposals tr", has_text="標準化の移行計画")
    assert "取込 太郎" in row.inner_text()
    row.locator("button:has-text('確定')").click()
    page.wait_for_selector("text=を確定しました")
    page.click("button:has-text('ログアウト')")

    # The support ended: the municipality files the 実施報告書 (a week after the last day).
    e = Engagement.objects.for_org(bob.organisation_id).get(request__external_id="K-7")
    request = e.request
    request.start, request.end = date.today() - timedelta(days=12), date.today() - timedelta(days=2)
    request.save()
    _login(page, live_server, "bob")
    page.goto(f"{live_server.url}/jinzai/engagements/{e.pk}/")
    page.fill("#implementation-form input[name=support_end]", (date.today() - timedelta(days=3)).isoformat())
    page.fill("#implementation-form textarea[name=report]", "移行計画書を受け取り、庁内で承認した")
    page.click("button:has-text('実施報告書を提出')")
    page.wait_for_selector("text=実施報告書を提出しました")
    assert "庁内で承認した" in page.inner_text("#implementation-report")
    outside = [u for u in page.requested if not u.startswith(live_server.url)]  # type: ignore[attr-defined]
    assert outside == [] and page.errors == []  # type: ignore[attr-defined]
