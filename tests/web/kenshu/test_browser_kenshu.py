"""Survey → nomination → allocation → attendance → certificate in a real headless Chromium (Debian's chromium)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kyodo.web.kenshu.models import SurveyStatus

from ..conftest import PASSWORD, needs_chromium
from .world import make_course, make_session, make_survey, make_trainer

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


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.click("button:has-text('ログアウト')")


def test_a_ward_answers_nominates_tokyo_allocates_the_lecturer_ticks_and_the_ward_downloads_the_certificate(
        browser_page, live_server, alice):
    page = browser_page
    tara = make_trainer()
    course = make_course(tara, "生成AIの業務活用(入門)")
    session = make_session(course, day=timezone.localdate(), capacity=2)
    survey = make_survey(tara, [course], status=SurveyStatus.OPEN)

    _login(page, live_server, "alice")
    page.click("header >> text=研修")
    page.click(f"text={survey.title}")
    page.fill(f"input[name=count_{course.pk}]", "2")
    page.click("button:has-text('回答する')")
    page.wait_for_selector("text=回答しました")
    _logout(page)

    _login(page, live_server, "tara")
    page.goto(f"{live_server.url}/kenshu/surveys/{survey.pk}/")
    page.click("button:has-text('推薦受付中')")
    page.wait_for_selector("#survey-status:has-text('推薦受付中')")
    _logout(page)

    _login(page, live_server, "alice")
    page.goto(f"{live_server.url}/kenshu/nominate/")
    page.select_option("select[name=course]", str(course.pk))
    page.fill("input[name=staff_id]", "K-001")
    page.fill("input[name=staff_name]", "江東 一郎")
    page.fill("input[name=rank]", "1")
    page.select_option("select[name=session_1]", str(session.pk))
    page.click("button:has-text('推薦する')")
    page.wait_for_selector("text=さんを推薦しました")
    _logout(page)

    _login(page, live_server, "tara")
    page.goto(f"{live_server.url}/kenshu/surveys/{survey.pk}/")
    page.click("button:has-text('座席を配分する')")
    page.wait_for_selector("#progress:has-text('完了')")
    assert "座席のない団体 0" in page.inner_text("#fairness")
    page.goto(f"{live_server.url}/kenshu/sessions/{session.pk}/attendance/")
    row = page.locator("#attendance tr", has_text="江東 一郎")
    row.locator("input[type=checkbox]").check()
    page.click("button:has-text('記録する')")
    page.wait_for_selector("text=1 名の出席を記録しました")
    _logout(page)

    _login(page, live_server, "alice")
    page.goto(f"{live_server.url}/kenshu/nominations/?survey={survey.pk}")
    assert "出席" in page.inner_text("#results")
    with page.expect_download() as download:
        page.click("#results >> text=修了証")
    path = download.value.path()
    with open(path, "rb") as f:
        assert f.read(4) == b"%PDF"

    outside = [u for u in page.requested if not u.startswith(live_server.url)]
    assert outside == [] and page.errors == []
