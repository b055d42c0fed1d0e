"""JIS X 8341-3 (level AA) in practice: axe-core on every page a signed-in user opens, in headless Chromium.

Every GET page of the access matrix is opened as the user who may see it (Alice, or the role the entry names) and
checked with axe-core (vendored from npm in tests/web/vendor/axe-core, injected by Playwright), WCAG 2.x A and AA
rules. A serious or critical violation fails the test with the page, the rule and the first element.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from .conftest import PASSWORD, needs_chromium
from .test_access_matrix import MATRIX, objects  # noqa: F401  (the matrix's objects fixture)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The matrix's levels and the test users who open those pages.
USERS = {"member": "alice", "admin": "alice", "shared": "alice", "coordinator": "dora", "specialist": "eve",
         "platform": "tokyo-ops", "kenshu_tokyo": "tara"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def _login(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.wait_for_selector("text=ログアウト")


def _violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_every_page_has_no_serious_accessibility_violation(
    browser_page, live_server, objects, platform_admin  # noqa: F811
):
    # axe is injected as a script; the pages' CSP (rightly) refuses inline scripts, so this context bypasses it.
    page = browser_page.context.browser.new_context(bypass_csp=True, locale="ja-JP").new_page()
    pages: dict[str, list[tuple[str, str]]] = {}
    for name, entry in MATRIX.items():
        if entry.method != "get" or entry.level == "public" or "download" in name or "export" in name:
            continue
        assert entry.level in USERS, f"{name}: which test user opens a page of level {entry.level!r}?"
        url = reverse(name, kwargs=entry.kwargs(objects))
        pages.setdefault(USERS[entry.level], []).append((name, url))
    failures = []
    checked = 0
    for username, urls in pages.items():
        _login(page, live_server.url, username)
        for name, url in urls:
            probe = page.request.get(f"{live_server.url}{url}")  # the context's cookies: files are not pages
            if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
                continue
            response = page.goto(f"{live_server.url}{url}")
            if response is None or response.status != 200 or "html" not in response.headers.get("content-type", ""):
                continue
            if "<html" not in response.text()[:200].lower():
                continue  # an HTMX fragment (progress), checked as part of the page that holds it
            checked += 1
            for v in _violations(page):
                target = v["nodes"][0]["target"] if v["nodes"] else ""
                failures.append(f"{name}: {v['id']} ({v['impact']}) {target} — {v['help']}")
    page.goto(f"{live_server.url}/login/")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    failures += [f"login: {v['id']} {v['help']}" for v in _violations(page)]
    assert checked >= 20
    assert failures == [], "\n".join(failures)


def test_the_main_flow_works_with_the_keyboard_alone(browser_page, live_server, alice):
    """Sign in and open a service with Tab and Enter only; the focused element is always visible."""
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.keyboard.press("Tab")
    for _ in range(10):  # the first fields in order: user name, then password
        if page.evaluate("document.activeElement.name") == "username":
            break
        page.keyboard.press("Tab")
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector("text=ログアウト")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "保育所利用調整":
            break
    else:
        raise AssertionError("the service link is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/hoiku/")
    assert page.evaluate("document.documentElement.lang") == "ja"
