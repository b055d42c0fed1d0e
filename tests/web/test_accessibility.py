"""JIS X 8341-3 (level AA) in practice: axe-core on every page a signed-in user opens, in headless Chromium.

Every GET page of the access matrix is opened as the user who may see it (Alice, or the role the entry names) and
checked with axe-core (vendored from npm in tests/web/vendor/axe-core, injected by Playwright), WCAG 2.x A and AA
rules. A serious or critical violation fails the test with the page, the rule and the first element.
With KYODO_AXE_REPORT=FILE set, the test also writes every checked page's violations by impact (minor, moderate,
serious, critical) to FILE as tab-separated lines, for the record of a release.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from .conftest import PASSWORD, needs_chromium
from .test_access_matrix import MATRIX, objects  # noqa: F401  (the matrix's objects fixture)

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The matrix's levels and the test users who open those pages.
IMPACTS = ("minor", "moderate", "serious", "critical")
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
    """Every violation axe finds on the page (each rule once, with the elements it found)."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(r => r.violations)", TAGS)
    return result


def _serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def _report(rows: list[tuple[str, str, list[dict[str, Any]]]]) -> None:
    target = os.environ.get("KYODO_AXE_REPORT")
    if not target:
        return
    lines = ["page\turl\t" + "\t".join(IMPACTS) + "\trules"]
    for name, url, violations in rows:
        counts = [sum(len(v["nodes"]) for v in violations if v["impact"] == impact) for impact in IMPACTS]
        rules = ",".join(sorted({v["id"] for v in violations}))
        lines.append("\t".join([name, url, *map(str, counts), rules]))
    Path(target).write_text("\n".join(lines) + "\n", encoding="utf-8")


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
    checked: list[tuple[str, str, list[dict[str, Any]]]] = []
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
            found = _violations(page)
            checked.append((name, url, found))
            for v in _serious(found):
                target = v["nodes"][0]["target"] if v["nodes"] else ""
                failures.append(f"{name}: {v['id']} ({v['impact']}) {target} — {v['help']}")
    page.goto(f"{live_server.url}/login/")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    found = _violations(page)
    checked.append(("login", "/login/", found))
    failures += [f"login: {v['id']} {v['help']}" for v in _serious(found)]
    _report(checked)
    assert len(checked) >= 20
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


def test_the_check_reports_each_kind_of_violation_it_is_relied_on_for(browser_page):
    """The check above can fail: a page without `lang`, with an unlabelled field, an image without text, pale text
    and a button without a name is reported rule by rule, and the serious ones would fail the test."""
    page = browser_page.context.browser.new_context(bypass_csp=True).new_page()
    page.set_content(
        "<html><head><title>t</title></head><body><main><h1>見出し</h1>"
        "<input type='text' name='q'><img src='data:,'>"
        "<p style='color:#c8c8c8;background:#ffffff'>薄い文字</p><button></button></main></body></html>"
    )
    found = {v["id"]: v["impact"] for v in _violations(page)}
    assert {"html-has-lang", "label", "image-alt", "color-contrast", "button-name"} <= set(found)
    assert {found["label"], found["color-contrast"]} <= {"serious", "critical"}
    assert {v["id"] for v in _serious(_violations(page))} >= {"label", "color-contrast", "image-alt"}
    page.set_content(
        "<html lang='ja'><head><title>t</title></head><body><main><h1>見出し</h1>"
        "<label>検索 <input type='text' name='q'></label><img src='data:,' alt='ロゴ'>"
        "<p>読める文字</p><button>送信</button></main></body></html>"
    )
    assert _violations(page) == []
