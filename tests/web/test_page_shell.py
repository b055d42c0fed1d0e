"""The page shell around a cached page (kyodo.web.page_shell): kept per user and what it shows, never stale.

A cached result page's navigation, names, unread count and token are the ones of the user who asks, at the time
of asking: another user's shell is never served, and a change to anything the shell shows makes a new one.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from kyodo.web import page_cache, page_shell
from kyodo.web.accounts.models import Role
from kyodo.web.portal.notify import notify

from .conftest import client_for, make_user


@pytest.fixture(autouse=True)
def _empty_caches():
    cache.clear()
    page_cache.LOCAL.clear()
    page_shell.SHELLS.clear()
    yield
    page_cache.LOCAL.clear()
    page_shell.SHELLS.clear()


def summary(done_run) -> str:  # type: ignore[no-untyped-def]
    return f"/hoiku/runs/{done_run.pk}/"


def unread_badge(html: str) -> str | None:
    found = re.search(r'<span class="badge" id="unread">(\d+)</span>', html)
    return found.group(1) if found else None


def test_the_shell_is_kept_and_used_again_for_the_same_user(done_run, bob_client):
    bob_client.get(summary(done_run))  # rendered in full, then cached
    assert len(page_shell.SHELLS.items) == 0
    first = bob_client.get(summary(done_run)).content.decode()
    assert len(page_shell.SHELLS.items) == 1
    second = bob_client.get(summary(done_run)).content.decode()
    assert len(page_shell.SHELLS.items) == 1
    assert "望 太郎" in first and "望 太郎" in second
    assert page_shell.CSRF_SLOT not in second and page_shell.CONTENT_SLOT not in second


def test_two_users_never_share_a_shell(done_run, bob, koto):
    dave = make_user("dave", koto, Role.STAFF, "出部 三郎")
    bob_client, dave_client = client_for(bob), client_for(dave)
    for _ in range(2):
        bob_body = bob_client.get(summary(done_run)).content.decode()
        dave_body = dave_client.get(summary(done_run)).content.decode()
    assert "望 太郎" in bob_body and "出部 三郎" not in bob_body
    assert "出部 三郎" in dave_body and "望 太郎" not in dave_body
    assert len(page_shell.SHELLS.items) == 2


def test_a_new_notification_shows_in_the_count_at_once(done_run, bob, bob_client):
    bob_client.get(summary(done_run))
    assert unread_badge(bob_client.get(summary(done_run)).content.decode()) is None
    notify([bob], service="hoiku", title="利用調整が終わりました")
    assert unread_badge(bob_client.get(summary(done_run)).content.decode()) == "1"
    notify([bob], service="hoiku", title="もう一件")
    assert unread_badge(bob_client.get(summary(done_run)).content.decode()) == "2"


def test_a_changed_name_shows_at_once(done_run, bob, bob_client):
    bob_client.get(summary(done_run))
    bob_client.get(summary(done_run))
    bob.display_name = "望 花子"
    bob.save()
    body = bob_client.get(summary(done_run)).content.decode()
    assert "望 花子" in body and "望 太郎" not in body


def test_the_token_in_the_kept_shell_is_this_sessions_own(done_run, bob):
    first = Client(enforce_csrf_checks=True)
    first.force_login(bob)
    first.get(summary(done_run))
    first.get(summary(done_run))  # the shell is kept now, with a placeholder for the token
    other = Client(enforce_csrf_checks=True)
    other.force_login(bob)  # the same user in another browser: another CSRF secret
    body = other.get(summary(done_run)).content.decode()
    header = body[:body.index("<main>")]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', header).group(1)
    assert re.search(r'"X-CSRFToken": "([^"]+)"', header).group(1) == token
    response = other.post("/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302  # the logout form of the kept shell works for this session


def test_messages_are_rendered_in_full_and_not_kept(done_run, bob_client):
    url = f"/hoiku/runs/{done_run.pk}/waitlist/"
    bob_client.get(url)
    response = bob_client.post(f"/hoiku/rounds/{done_run.round_id}/decisions/",
                               {"child_id": "x", "kind": "withdraw", "reason": " ", "back": url}, follow=True)
    assert 'class="messages"' in response.content.decode()
    assert 'class="messages"' not in bob_client.get(url).content.decode()  # shown once
    assert all('class="messages"' not in shell for shell in page_shell.SHELLS.items.values())


def test_the_current_service_is_marked_in_the_navigation_of_deep_pages(done_run, bob_client):
    for _ in range(2):  # rendered in full, then from the cache with a kept shell
        body = bob_client.get(f"/hoiku/runs/{done_run.pk}/flags/").content.decode()
        current = re.findall(r'<a href="([^"]+)" aria-current="page">', body)
        assert current == ["/hoiku/"], current


def test_the_unread_count_is_the_same_read_with_the_user_or_on_its_own(bob, charlie):
    from django.test import RequestFactory

    from kyodo.web.accounts.backends import OrganisationModelBackend
    from kyodo.web.accounts.models import User
    from kyodo.web.portal.context import unread_count

    notify([bob], service="hoiku", title="一件目")
    notify([bob], service="hoiku", title="二件目")
    notify([charlie], service="hoiku", title="他の組織")
    counts = []
    for user in (OrganisationModelBackend().get_user(bob.pk), User.objects.get(pk=bob.pk)):  # with and without
        request = RequestFactory().get("/")
        request.user = user
        counts.append(unread_count(request))
    assert counts == [2, 2]
