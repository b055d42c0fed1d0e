"""Publish → customise → new version → merge with a conflict → resolve → download, in headless Chromium."""

from __future__ import annotations

import pytest

from kyodo.shishin.parse import read_document
from kyodo.web.shishin.models import Edition

from ...shishin.helpers import DATA
from ..conftest import PASSWORD, needs_chromium
from .world import make_editor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]

LOCAL = "公開する文書に使うときは、内容を確認した職員が責任を持って修正し、係長の確認を受けます。"


@pytest.fixture
def page(browser_page):  # type: ignore[no-untyped-def]
    return browser_page


def _login(page, live_server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.wait_for_selector("text=ログアウト")


def _logout(page) -> None:  # type: ignore[no-untyped-def]
    page.click("button:has-text('ログアウト')")


def test_publish_customise_update_resolve_and_download(page, live_server, bob, tmp_path):
    make_editor()
    assert read_document(DATA / "ai-guideline-1.0.md").meta.version == "1.0"
    _login(page, live_server, "tokiko")
    page.click("header >> text=指針")
    page.click("text=指針を作る")
    page.fill("textarea[name=text]", (DATA / "ai-guideline-1.0.md").read_text(encoding="utf-8"))
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=下書きとして作りました")
    page.click("button:has-text('この版を公開する')")
    page.wait_for_selector("text=第1.0版を公開しました")
    _logout(page)

    _login(page, live_server, "bob")
    page.click("header >> text=指針")
    page.click("#guidelines >> text=生成AI利用ガイドライン(モデル)")
    page.click("text=自治体版を作る")
    page.fill("input[name=v1]", "政策経営部 情報システム課")
    page.click("button:has-text('自治体版を作る')")
    page.wait_for_selector("text=江東区の自治体版を作りました")
    assert "を江東区が加工して作成したものです" in page.inner_text("#credit")
    page.click("#sections >> text=5. 生成物の取扱い")
    body = page.input_value("textarea[name=body]")
    page.fill("textarea[name=body]", body.replace("公開する文書に使うときは、内容を確認した職員が責任を持って修正します。", LOCAL))
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=を編集しました")
    _logout(page)

    _login(page, live_server, "tokiko")
    page.click("header >> text=指針")
    page.click("#guidelines >> text=生成AI利用ガイドライン(モデル)")
    page.click("button:has-text('次の版の下書きを作る')")
    page.fill("textarea[name=text]", (DATA / "ai-guideline-1.1.md").read_text(encoding="utf-8"))
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=下書きを保存しました")
    page.click("button:has-text('この版を公開する')")
    page.wait_for_selector("text=第1.1版を公開しました")
    _logout(page)

    _login(page, live_server, "bob")
    page.click("header >> text=指針")
    page.click("#editions >> text=生成AI利用ガイドライン(モデル)")
    assert "更新があります" in page.inner_text("#update")
    page.click("text=取り込みを確認する")
    conflict = page.locator("#conflict-0")
    assert LOCAL in conflict.inner_text() and "根拠となる資料と照らし合わせて" in conflict.inner_text()
    conflict.locator("input[value=theirs]").check()
    page.click("button:has-text('取り込んで保存する')")
    page.wait_for_selector("text=第1.1版を取り込みました")
    assert "7. 画像・音声の生成" in page.inner_text("#document")
    with page.expect_download() as download:
        page.click("a.button:has-text('DOCX')")
    saved = tmp_path / "edition.docx"
    download.value.save_as(saved)
    from docx import Document

    text = "\n".join(p.text for p in Document(str(saved)).paragraphs)
    assert "根拠となる資料と照らし合わせて修正します" in text and "を江東区が加工して作成したものです" in text
    ed = Edition.objects.for_user(bob).get()
    assert [v.number for v in ed.versions.all()] == [3, 2, 1]

    outside = [u for u in page.requested if not u.startswith(live_server.url)]  # type: ignore[attr-defined]
    assert outside == [] and page.errors == []  # type: ignore[attr-defined]
