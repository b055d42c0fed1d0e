"""In a real headless Chromium: an administrator uploads a rules workbook, sees its examples pass, confirms a value."""

from __future__ import annotations

import pytest

from kyodo.hoiku.rules import load_rules
from kyodo.hoiku.rules.cases import load_cases
from kyodo.hoiku.rules.workbook import export_workbook

from .conftest import PASSWORD, needs_chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def test_an_administrator_uploads_a_workbook_sees_the_examples_and_confirms_a_value(
    browser_page, live_server, alice, tmp_path
):
    page = browser_page
    book = tmp_path / "江東区_利用調整基準.xlsx"
    book.write_bytes(export_workbook(load_rules("koto"), load_cases("koto")))
    page.goto(f"{live_server.url}/hoiku/rules/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.wait_for_url(f"{live_server.url}/hoiku/rules/")

    page.set_input_files("input[name=rules]", str(book))
    page.fill("form[action$='/rules/upload/'] input[name=fiscal_year]", "2027")
    page.click("button:has-text('取り込んで確認')")
    page.wait_for_selector("h1:has-text('江東区 令和9年度 利用調整基準（第1版）')")
    cases = page.locator("#cases tr")
    assert cases.count() == len(load_cases("koto")) + 1
    assert page.locator("#cases .badge.failed").count() == 0
    assert "すべて期待どおり" in page.inner_text("#cases-summary")
    before = page.inner_text("#status-counts")

    row = page.locator("#values tr", has=page.locator("button:has-text('確認済みにする')")).first
    label = row.locator("td").nth(0).inner_text()
    row.locator("button").click()
    page.wait_for_selector(f".messages >> text=「{label}」を確認済みにしました")
    confirmed = page.locator("#values tr", has_text=label).first
    assert "有栖 花子" in confirmed.inner_text() and "確認済み" in confirmed.inner_text()
    assert page.inner_text("#status-counts") != before
    assert page.errors == []
