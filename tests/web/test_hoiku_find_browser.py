"""In headless Chromium: finding a child, a facility's waiting list, 繰り上げ, and a decision preview that displaces
a child (saved only after the confirmation)."""

from __future__ import annotations

import pytest

from kyodo.web.hoiku.models import Run, RunChild

from .conftest import needs_chromium
from .test_browser import _log_in
from .test_hoiku_adjust import _full_seat_and_outsider, _withdrawal_with_a_waiting_child

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def _rows(run_):  # type: ignore[no-untyped-def]
    return RunChild.objects.for_org(run_.organisation_id).filter(run=run_)


def test_a_clerk_finds_a_child_by_number_and_lists_the_waiting_children(browser_page, live_server, done_run):
    page = browser_page
    child = _rows(done_run).order_by("child_id").last()
    _log_in(page, live_server, f"/hoiku/runs/{done_run.pk}/")
    page.fill("#child-search input[name=q]", child.child_id)
    page.click("#child-search button")
    page.wait_for_selector(f"h1:has-text('児童 {child.child_id}')")
    page.click("#child-search >> text=全児童の一覧")
    page.select_option("#child-filters select[name=status]", "waitlisted")
    page.select_option("#child-filters select[name=sort]", "points")
    page.click("#child-filters button")
    waiting = done_run.summary["counts"]["waitlisted"]
    page.wait_for_selector(f"#child-count:has-text('{waiting} 人')")
    points = [int(t) for t in page.locator("#children tr td:nth-child(5)").all_inner_texts()]
    assert len(points) == waiting and points == sorted(points, reverse=True)
    page.click("#children tr:nth-child(2) td a")
    page.wait_for_selector("#reasons")
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_facility_page_shows_its_waiting_list_in_order(browser_page, live_server, done_run):
    page = browser_page
    placed = _withdrawal_with_a_waiting_child(done_run)
    _log_in(page, live_server, f"/hoiku/runs/{done_run.pk}/facilities/{placed.facility_id}/")
    section = page.locator(f"#age-{placed.age_class}")
    ranks = section.locator("table.waiting tr td:nth-child(1)").all_inner_texts()
    assert ranks and ranks == [str(n) for n in range(1, len(ranks) + 1)]
    assert placed.child_id in section.locator("table.placed").inner_text()


def test_kuriage_offers_the_freed_place_to_the_next_child(browser_page, live_server, done_run, alice):
    page = browser_page
    placed = _withdrawal_with_a_waiting_child(done_run)
    _log_in(page, live_server, f"/hoiku/runs/{done_run.pk}/facilities/{placed.facility_id}/")
    page.click(f"#age-{placed.age_class} a[href*='child_id={placed.child_id}']")
    page.fill("#preview-form textarea[name=reason]", "保護者から辞退の申し出")
    page.click("button:has-text('影響を試算する')")
    page.wait_for_selector("#gains")
    gainer = page.locator("#gains tr:nth-child(2) td a").first.inner_text()
    page.click("button:has-text('記録して再実行する')")
    page.wait_for_selector("h1:has-text('第2回の結果')")
    page.wait_for_selector("#progress:has-text('完了')")
    second = Run.objects.for_user(alice).get(number=2)
    assert not _rows(second).filter(child_id=placed.child_id).exists()
    assert _rows(second).get(child_id=gainer).facility_id != _rows(done_run).get(child_id=gainer).facility_id


def test_a_preview_that_displaces_a_child_needs_the_confirmation(browser_page, live_server, done_run, alice):
    page = browser_page
    fid, _age, child = _full_seat_and_outsider(done_run)
    _log_in(page, live_server, f"/hoiku/runs/{done_run.pk}/children/{child.child_id}/")
    page.select_option("#decision-form select[name=kind]", "fix")
    page.select_option("#decision-form select[name=facility_id]", fid)
    page.fill("#decision-form textarea[name=reason]", "医療的ケアの受け入れ")
    page.click("button:has-text('影響を試算する')")
    page.wait_for_selector("#displaced")
    displaced = page.locator("#displaced tr td:first-child a").all_inner_texts()
    assert displaced
    page.click("button:has-text('記録して再実行する')")
    page.wait_for_selector("#preview-errors:has-text('確認しました')")
    assert Run.objects.for_user(alice).count() == 1
    page.check("#confirm-displaced")
    page.click("button:has-text('記録して再実行する')")
    page.wait_for_selector("h1:has-text('第2回の結果')")
    second = Run.objects.for_user(alice).get(number=2)
    assert _rows(second).get(child_id=child.child_id).facility_id == fid
    for cid in displaced:
        assert _rows(second).get(child_id=cid).facility_id != _rows(done_run).get(child_id=cid).facility_id


def test_the_preview_with_a_displaced_child_has_no_serious_accessibility_violation(browser_page, live_server,
                                                                                    done_run):
    from .conftest import PASSWORD
    from .test_accessibility import _violations

    # axe is injected as a script, which the pages' CSP refuses: this context bypasses it (as the matrix's a11y test).
    page = browser_page.context.browser.new_context(bypass_csp=True, locale="ja-JP").new_page()
    fid, _age, child = _full_seat_and_outsider(done_run)
    page.goto(f"{live_server.url}/hoiku/runs/{done_run.pk}/children/{child.child_id}/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.select_option("#decision-form select[name=kind]", "fix")
    page.select_option("#decision-form select[name=facility_id]", fid)
    page.fill("#decision-form textarea[name=reason]", "医療的ケアの受け入れ")
    page.click("button:has-text('影響を試算する')")
    page.wait_for_selector("#displaced")
    assert [v["id"] for v in _violations(page)] == []
