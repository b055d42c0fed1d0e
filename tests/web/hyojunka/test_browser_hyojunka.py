"""Tokyo's dashboard and a municipality updating a step, in a real headless Chromium (Debian's, via Playwright)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ..conftest import PASSWORD, needs_chromium
from ..jinzai.world import make_coordinator
from .test_dashboard import load_generated
from .world import koto_plans, stalled

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def _login(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.wait_for_selector("text=ログアウト")


def test_tokyo_reads_the_dashboard_and_a_ward_ticks_a_step(browser_page, live_server, bob):
    page = browser_page
    make_coordinator()
    load_generated(codes=("131113", "132012", "133621"))
    plan = stalled(koto_plans(bob.organisation)["juki"], steps=3)

    _login(page, live_server, "dora")
    page.click("header >> text=標準化")
    page.wait_for_selector("#heatmap")
    assert page.locator("#heatmap tr").count() == 1 + 4  # header + 江東区, 大田区, 八王子市, 利島村
    assert page.locator("#progress-chart polyline").count() == 1
    assert "停滞: " in page.inner_text("#at-risk")
    page.select_option("select[name=area]", "島しょ")
    page.click("button:has-text('絞り込む')")
    page.wait_for_selector("#heatmap")
    assert page.locator("#heatmap tr").count() == 2 and "利島村" in page.inner_text("#heatmap")
    page.click("button:has-text('ログアウト')")

    _login(page, live_server, "bob")
    page.click("header >> text=標準化")
    page.click("#plans >> text=住民基本台帳")
    assert "停滞" in page.inner_text("#status")
    day = date.today() - timedelta(days=1)
    row = page.locator("#step-4")
    row.locator("input[name=done_on]").fill(day.isoformat())
    row.locator("button:has-text('保存')").click()
    page.wait_for_selector("text=を" + day.strftime("%Y-%m-%d") + "に完了としました")
    assert "10.0%" in page.inner_text("#status") and "停滞" not in page.inner_text("#status")
    plan.refresh_from_db()
    assert plan.steps["4"] == day.isoformat()

    outside = [u for u in page.requested if not u.startswith(live_server.url)]  # type: ignore[attr-defined]
    assert outside == [] and page.errors == []  # type: ignore[attr-defined]
