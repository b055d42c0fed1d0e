"""The product's own error pages (400, 403, 404, 500, CSRF) in Japanese with DEBUG off, not Django's English ones."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.views import defaults

from .conftest import client_for

ENGLISH = ("Forbidden", "Not Found", "Server Error", "Bad Request", "Using the URLconf", "CSRF verification failed")


def _page(response) -> str:  # type: ignore[no-untyped-def]
    body: str = response.content.decode()
    assert '<html lang="ja">' in body and "kyodo/kyodo.css" in body, body[:500]
    for english in ENGLISH:
        assert english not in body, english
    return body


def _h1(body: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", body)
    assert match, body[:500]
    return match.group(1)


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


def test_404_is_japanese_with_the_navigation_and_lists_no_urls(alice):
    response = client_for(alice).get("/no-such-page/")
    assert response.status_code == 404
    body = _page(response)
    assert _h1(body) == "ページが見つかりません(404)"
    assert "ログアウト" in body and "監査ログ" in body and 'href="/"' in body  # the site's navigation, signed in
    assert "hoiku/" not in body.split("<main>")[1]  # no list of the URL patterns


def test_404_for_someone_signed_out_offers_the_login(db):
    body = _page(Client().get("/no-such-page/"))
    assert "ページが見つかりません" in body and 'href="/login/"' in body and "ログアウト" not in body


def test_403_shows_the_reason_in_japanese(bob):
    response = client_for(bob).get("/audit/")  # staff, not an organisation admin
    assert response.status_code == 403
    body = _page(response)
    assert _h1(body) == "このページは使えません(403)"
    assert "組織管理者のみが使えます" in body and "ログアウト" in body


def test_a_stale_form_gets_the_japanese_csrf_page(db):
    response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert _h1(_page(response)) == "フォームの有効期限が切れました(403)"


def test_400_for_a_host_not_allowed_is_japanese(db, settings):
    settings.ALLOWED_HOSTS = ["kyodo.example"]
    response = Client().get("/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert _h1(_page(response)) == "要求を処理できません(400)"


def test_500_renders_without_a_database_or_a_user():
    # No `db` fixture: any query in the template or a context processor would fail this test.
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = _page(response)
    assert _h1(body) == "システムエラーが発生しました(500)" and 'href="/"' in body


def test_a_failing_view_shows_the_500_page(alice, settings):
    settings.ROOT_URLCONF = "tests.web.errorpage_urls"
    client = client_for(alice)
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = _page(response)
    assert "システムエラー" in body and "a bug in a view" not in body and "Traceback" not in body


def test_every_page_links_the_favicon_and_it_is_served(alice):
    client = client_for(alice)
    body = client.get("/").content.decode()
    match = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', body)
    assert match, body[:600]
    response = client.get(match.group(1))
    assert response.status_code == 200
    svg = b"".join(response.streaming_content) if response.streaming else response.content
    assert svg.startswith(b"<svg") and b"</svg>" in svg


def test_disabled_buttons_are_styled_as_disabled():
    from kyodo.web.settings import WEB_DIR

    css = (WEB_DIR / "static" / "kyodo" / "kyodo.css").read_text(encoding="utf-8")
    rule = re.search(r"button:disabled[^{]*\{([^}]*)\}", css)
    assert rule and "not-allowed" in rule.group(1) and "background" in rule.group(1)
