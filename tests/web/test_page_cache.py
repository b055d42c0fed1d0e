"""The shared cache of finished runs' result pages (kyodo.web.page_cache): what is shared, what never is.

Shared between users of one organisation and role: the page's content. Per request: the navigation, the user's
name, messages and CSRF tokens. Never: another organisation's pages (the organisation check runs before any cache
read). A decision or another run of the round makes the pages new.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kyodo.web import page_cache
from kyodo.web.accounts.models import Role
from kyodo.web.hoiku.models import Run, RunChild, RunStatus

from .conftest import client_for, make_user
from .helpers import run

REDIS = "redis://127.0.0.1:6379/13"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    page_cache.LOCAL.clear()
    yield
    cache.clear()
    page_cache.LOCAL.clear()


def pages(done: Run) -> list[str]:
    """The result pages served from the cache (a child's page is not: each opening is audited)."""
    facility = done.summary["facility_table"][0]["id"]
    base = f"/hoiku/runs/{done.pk}"
    return [f"{base}/", f"{base}/waitlist/", f"{base}/waitlist/?age=1", f"{base}/flags/",
            f"{base}/facilities/{facility}/"]


def child_page(done: Run) -> str:
    rows = RunChild.objects.for_org(done.organisation_id).filter(run=done)
    child = rows.filter(facility_id="").first() or rows.first()
    return f"/hoiku/runs/{done.pk}/children/{child.child_id}/"


def without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', r"\1-", html)


def test_a_second_request_comes_from_the_cache_with_the_same_page(done_run, bob_client):
    for url in pages(done_run):
        first = bob_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            second = bob_client.get(url)
        assert first.status_code == second.status_code == 200, url
        assert without_tokens(second.content.decode()) == without_tokens(first.content.decode()), url
        # session, user with organisation and unread notifications, the organisation check and marker
        assert len(queries) <= 3, (url, [q["sql"][:80] for q in queries])


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request, settings):
    if request.param == "redis":
        redis = pytest.importorskip("redis")
        try:
            redis.Redis.from_url(REDIS).ping()
        except redis.exceptions.ConnectionError:
            pytest.skip("Redis is not running")
        settings.CACHES = {"default": {"BACKEND": "kyodo.web.redis_cache.RedisCache",
                                       "LOCATION": REDIS, "KEY_PREFIX": "kyodo-test"}}
        cache.clear()
    return request.param


def test_a_page_cached_for_one_user_shows_the_next_users_own_name_and_token(done_run, bob, koto, shared_cache):
    dave = make_user("dave", koto, Role.STAFF, "出部 三郎")
    run_url = pages(done_run)[0]
    assert "望 太郎" in client_for(bob).get(run_url).content.decode()
    page_cache.LOCAL.clear()  # as another process would: the page comes from the shared cache
    dave_client = Client(enforce_csrf_checks=True)
    dave_client.force_login(dave)
    body = dave_client.get(run_url).content.decode()
    assert "出部 三郎" in body and "望 太郎" not in body
    form = body[body.index(f'action="/hoiku/runs/{done_run.pk}/reproduce/"'):]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = dave_client.post(f"/hoiku/runs/{done_run.pk}/reproduce/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302  # the token in the cached form is Dave's own
    assert done_run.round.runs.order_by("-number").first().created_by == dave


def test_another_organisation_gets_nothing_and_no_cache_is_read(done_run, bob_client, charlie_client, monkeypatch):
    urls = [*pages(done_run), child_page(done_run)]
    for url in urls:
        assert bob_client.get(url).status_code == 200

    def no_read(*args, **kwargs):
        raise AssertionError("the cache was read before the organisation check")

    monkeypatch.setattr(page_cache.LOCAL, "get", no_read)
    monkeypatch.setattr(page_cache.cache, "get", no_read)
    names = set(RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run).values_list("name", flat=True))
    for url in urls:
        response = charlie_client.get(url)
        assert response.status_code == 404, url
        assert not any(name and name in response.content.decode() for name in names), url


def test_a_childs_page_is_never_cached_each_opening_is_audited_and_decisions_show_at_once(done_run, bob_client):
    from kyodo.web.audit.models import AuditEntry

    url = child_page(done_run)
    bob_client.get(url)
    assert AuditEntry.objects.for_org(done_run.organisation_id).filter(action="hoiku_child_view").count() == 1
    child_id = url.rstrip("/").rsplit("/", 1)[1]
    assert "転居のため辞退" not in bob_client.get(url).content.decode()
    bob_client.post(f"/hoiku/rounds/{done_run.round_id}/decisions/",
                    {"child_id": child_id, "kind": "withdraw", "reason": "転居のため辞退"})
    body = bob_client.get(url).content.decode()
    assert "転居のため辞退" in body and "取消済" not in body
    decision = done_run.round.decisions.get()
    bob_client.post(f"/hoiku/decisions/{decision.pk}/revoke/")
    assert "取消済" in bob_client.get(url).content.decode()
    assert AuditEntry.objects.for_org(done_run.organisation_id).filter(action="hoiku_child_view").count() == 4


def test_messages_are_shown_on_a_page_from_the_cache(done_run, bob_client):
    url = pages(done_run)[1]  # the waitlist
    bob_client.get(url)
    child_id = child_page(done_run).rstrip("/").rsplit("/", 1)[1]
    response = bob_client.post(f"/hoiku/rounds/{done_run.round_id}/decisions/",
                               {"child_id": child_id, "kind": "withdraw", "reason": " ", "back": url}, follow=True)
    assert done_run.round.decisions.count() == 0  # nothing changed, so the page came from the cache
    assert 'class="messages"' in response.content.decode()


def test_another_run_of_the_round_changes_the_summary_page(done_run, alice_client):
    url = f"/hoiku/runs/{done_run.pk}/"
    assert "/diff/" not in alice_client.get(url).content.decode()
    second = run(alice_client, done_run.round)
    assert f"/diff/{second.pk}/" in alice_client.get(url).content.decode()


def test_a_run_that_has_not_finished_is_not_cached(done_run, alice_client):
    Run.objects.for_org(done_run.organisation_id).filter(pk=done_run.pk).update(status=RunStatus.RUNNING)
    url = f"/hoiku/runs/{done_run.pk}/"
    alice_client.get(url)
    assert page_cache.LOCAL.chars == 0
    Run.objects.for_org(done_run.organisation_id).filter(pk=done_run.pk).update(status=RunStatus.DONE)
    alice_client.get(url)
    assert page_cache.LOCAL.chars > 0


def test_roles_do_not_share_pages(done_run, alice_client, bob_client):
    url = pages(done_run)[0]
    alice_client.get(url)
    bob_client.get(url)
    assert len(page_cache.LOCAL.pages) == 2


def test_the_local_copy_keeps_within_its_size():
    local = page_cache.LocalPages(max_chars=25)
    for n in range(5):
        local.put(str(n), {"title": "", "content": "x" * 10})
    assert local.chars <= 25 and list(local.pages) == ["3", "4"]
    assert local.get("0") is None and local.get("4") is not None


def test_confirming_the_run_and_what_is_made_from_it_change_the_summary_page(done_run, alice_client):
    url = f"/hoiku/runs/{done_run.pk}/"
    assert "確定しました" not in alice_client.get(url).content.decode()
    alice_client.post(f"/hoiku/runs/{done_run.pk}/confirm/")
    body = alice_client.get(url).content.decode()
    assert Run.objects.for_org(done_run.organisation_id).get(pk=done_run.pk).is_confirmed
    assert "通知書(PDF)・案" not in body  # the page is rendered again: the run is confirmed now
    alice_client.post(f"/hoiku/runs/{done_run.pk}/notices/zip/", {"grouping": "facility"})
    assert "/hoiku/notice-archives/" in alice_client.get(url).content.decode()


def test_requests_that_miss_the_same_page_at_once_wait_for_one_rendering(monkeypatch):
    import threading
    import time
    from types import SimpleNamespace

    from django.http import HttpResponse
    from django.test import RequestFactory

    renders = []

    def view(request):  # type: ignore[no-untyped-def]
        renders.append(1)
        time.sleep(0.2)  # a slow page: the others arrive while it renders
        return HttpResponse("<title>t</title><!--kyodo:content-->本文<!--/kyodo:content-->")

    monkeypatch.setattr(page_cache, "from_cache", lambda request, stored: HttpResponse(stored["content"]))
    wrapped = page_cache.cached_page(lambda request: (1, "marker"))(view)
    bodies: list[str] = []

    def get() -> None:
        request = RequestFactory().get("/hoiku/runs/1/")
        request.user = SimpleNamespace(role="staff")
        bodies.append(wrapped(request).content.decode())

    threads = [threading.Thread(target=get) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(renders) == 1 and len(bodies) == 8
    assert all("本文" in b for b in bodies)
    assert not page_cache.RENDERING.events  # nothing left claimed


def _one_page_view(renders: list[int]):  # type: ignore[no-untyped-def]
    from django.http import HttpResponse

    def view(request):  # type: ignore[no-untyped-def]
        renders.append(1)
        return HttpResponse("<title>t</title><!--kyodo:content-->この処理の本文<!--/kyodo:content-->")

    return view


def _request():  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from django.test import RequestFactory

    request = RequestFactory().get("/hoiku/runs/1/")
    request.user = SimpleNamespace(role="staff")
    return request


def test_a_page_another_process_is_rendering_is_waited_for_not_rendered_again(monkeypatch, shared_cache):
    import threading

    from django.http import HttpResponse

    renders: list[int] = []
    view = _one_page_view(renders)
    monkeypatch.setattr(page_cache, "from_cache", lambda request, stored: HttpResponse(stored["content"]))
    wrapped = page_cache.cached_page(lambda request: (1, "marker"))(view)
    key = page_cache.page_key(_request(), f"{view.__module__}.{view.__qualname__}", 1, ("marker",))
    assert cache.add(f"{key}:rendering", 99999, 10)  # another process has started rendering the page
    other = threading.Timer(0.15, lambda: cache.set(key, {"title": "<title>t</title>", "content": "他の処理の本文"}))
    other.start()
    body = wrapped(_request()).content.decode()
    other.join()
    assert body == "他の処理の本文" and renders == []
    assert page_cache.LOCAL.get(key) is not None  # kept in this process too


def test_when_the_other_process_gives_up_this_one_renders_and_leaves_no_mark(monkeypatch, shared_cache):
    import threading

    renders: list[int] = []
    view = _one_page_view(renders)
    wrapped = page_cache.cached_page(lambda request: (1, "marker"))(view)
    key = page_cache.page_key(_request(), f"{view.__module__}.{view.__qualname__}", 1, ("marker",))
    mark = f"{key}:rendering"
    assert cache.add(mark, 99999, 10)
    other = threading.Timer(0.1, lambda: cache.delete(mark))  # its page was an error: nothing stored
    other.start()
    response = wrapped(_request())
    other.join()
    assert renders == [1] and "この処理の本文" in response.content.decode()
    assert cache.get(mark) is None and cache.get(key) is not None
