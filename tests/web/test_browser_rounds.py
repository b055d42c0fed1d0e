"""In Chromium: the next round from a finished run, carried-over children, edited vacancies, a child's history."""

from __future__ import annotations

import pytest

from kyodo.hoiku.model.result import Status
from kyodo.web.hoiku.models import Round, RunChild

from .conftest import needs_chromium
from .test_browser import _log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def test_a_clerk_carries_waiting_children_into_the_next_round(browser_page, live_server, done_run):
    page = browser_page
    rows = list(RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run))
    waiting = [r for r in rows if Status(r.explanation["status"]) is Status.WAITLISTED]
    placed = next(r for r in rows if Status(r.explanation["status"]) is Status.OFFERED)
    stays = sum(Status(r.explanation["status"]) is Status.STAYS for r in rows)  # transfers kept their seat
    _log_in(page, live_server, f"/hoiku/rounds/{done_run.round_id}/")
    assert page.inner_text("#demand-by-age")  # applicants against places, before the run

    page.click("#create-next-round")
    page.fill("input[name=title]", "令和8年5月入所")
    page.fill("textarea[name=withdrawals]", waiting[0].child_id)
    page.click("button:has-text('次の利用調整回を作成')")
    page.wait_for_selector("#carried-from")
    assert f"引き継ぎ {len(waiting) + stays - 1} 人" in page.inner_text("#carried-from")
    new = Round.objects.for_org(done_run.organisation_id).get(previous_run=done_run)

    page.click("#edit-vacancies")
    page.fill("input[name=v0_1]", "9")
    page.click("button:has-text('空き定員を保存')")
    page.wait_for_selector("text=空き定員を保存しました")

    page.click("button:has-text('利用調整を実行')")
    page.wait_for_selector("#progress:has-text('完了')")
    second = new.runs.get()
    carried = RunChild.objects.for_org(new.organisation_id).filter(run=second)
    ids = set(carried.values_list("child_id", flat=True))
    assert waiting[1].child_id in ids and waiting[0].child_id not in ids and placed.child_id not in ids

    page.goto(f"{live_server.url}/hoiku/runs/{second.pk}/children/{waiting[1].child_id}/")
    history = page.inner_text("#child-history")
    assert done_run.round.title in history and "令和8年5月入所" in history and "保留" in history
    assert page.errors == []
