"""The shared base of the web tests: three users in two organisations, and a small generated ward.

Alice administers 江東区, Bob is staff at 江東区, Charlie is staff at 大田区 and must see nothing of 江東区.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from kyodo.web.accounts.models import Organisation, Role, User

KOTO, OTA = "131083", "131113"
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def _fast_settings(settings):
    # The real hasher takes about a second per password on purpose; tests only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }
    # PDF notices take seconds per run; the tests that read them turn them on.
    settings.HOIKU_WRITE_NOTICES = False


@pytest.fixture
def koto(db) -> Organisation:
    return Organisation.objects.get(code=KOTO)


@pytest.fixture
def ota(db) -> Organisation:
    return Organisation.objects.get(code=OTA)


def make_user(username: str, org: Organisation, role: str, display_name: str) -> User:
    return User.objects.create_user(
        username=username, password=PASSWORD, organisation=org, role=role, display_name=display_name
    )


@pytest.fixture
def alice(koto) -> User:
    return make_user("alice", koto, Role.ORG_ADMIN, "有栖 花子")


@pytest.fixture
def bob(koto) -> User:
    return make_user("bob", koto, Role.STAFF, "望 太郎")


@pytest.fixture
def charlie(ota) -> User:
    return make_user("charlie", ota, Role.STAFF, "茶井 次郎")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice) -> Client:
    return client_for(alice)


@pytest.fixture
def bob_client(bob) -> Client:
    return client_for(bob)


@pytest.fixture
def charlie_client(charlie) -> Client:
    return client_for(charlie)


@pytest.fixture(scope="session")
def ward_files(tmp_path_factory) -> Path:
    """A small generated ward (children and facilities, xlsx and csv) in the Kyodo template."""
    from kyodo.hoiku.io import write_instance
    from kyodo.hoiku.tools.generate import generate_ward

    directory = tmp_path_factory.mktemp("ward")
    instance = generate_ward(
        children=80, facilities=8, seed=7, fiscal_year=2026, sibling_share=0.0, max_choices=5
    )
    write_instance(instance, directory, formats=("xlsx", "csv"))
    return directory


@pytest.fixture
def done_run(alice_client, ward_files):
    """A finished run of a koto round on the small ward, started by Alice."""
    from kyodo.web.hoiku.models import RunStatus

    from .helpers import create_round, run, upload_ok

    round_ = create_round(alice_client)
    upload_ok(alice_client, round_, ward_files)
    result = run(alice_client, round_)
    result.refresh_from_db()
    assert result.status == RunStatus.DONE, result.error
    return result


@pytest.fixture
def platform_admin(db) -> User:
    return make_user("tokyo-ops", Organisation.objects.get(code="130001"), Role.PLATFORM_ADMIN, "都 運用")


@pytest.fixture
def platform_client(platform_admin) -> Client:
    return client_for(platform_admin)


# --- headless Chromium (Debian's package), shared by the browser tests of every app ---
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--autoplay-policy=no-user-gesture-required",  # the minutes editor plays audio from a segment
]
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="needs Debian's chromium (scripts/bootstrap.sh --test)"
)


@pytest.fixture
def browser_page(live_server, monkeypatch):  # type: ignore[no-untyped-def]
    """A page in headless Chromium that records every request (`page.requested`) and every script
    error, CSP refusal or failed response (`page.errors`, the browser's own favicon request aside)."""
    # Playwright's sync API keeps an event loop in this thread; the ORM calls in fixtures are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(accept_downloads=True, locale="ja-JP").new_page()
        page.set_default_timeout(30_000)
        page.requested = []
        page.errors = []
        page.on("request", lambda r: page.requested.append(r.url))
        page.on("console", lambda m: "Refused" in m.text and page.errors.append(m.text))
        page.on("response", lambda r: r.status >= 400 and "favicon" not in r.url and page.errors.append(f"{r.status} {r.url}"))
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        yield page
        browser.close()
