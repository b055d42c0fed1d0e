"""End to end in a real headless Chromium (Debian's chromium, driven by Playwright's Python API)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from .conftest import needs_chromium

pytestmark = [
    pytest.mark.browser,
    # live_server needs a transactional database; serialized rollback restores the seeded organisations after.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    needs_chromium,
]


def _bad_children(ward: Path, tmp_path: Path) -> Path:
    lines = (ward / "children.csv").read_text(encoding="utf-8-sig").splitlines()
    cells = lines[3].split(",")
    cells[0] = lines[2].split(",")[0]  # the same child id twice
    lines[3] = ",".join(cells)
    path = tmp_path / "children.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def page(browser_page):  # type: ignore[no-untyped-def]
    return browser_page


def _log_in(page, live_server, path: str = "/hoiku/") -> None:  # type: ignore[no-untyped-def]
    from .conftest import PASSWORD

    page.goto(f"{live_server.url}{path}")
    assert "/login/" in page.url
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    page.wait_for_url(f"{live_server.url}{path}")


def test_a_clerk_runs_a_round_fixes_a_child_and_compares_runs(page, live_server, alice, ward_files, tmp_path):
    _log_in(page, live_server)
    assert page.evaluate("typeof htmx") == "object"  # the vendored script loaded

    page.click("text=利用調整回を作成")
    page.fill("input[name=fiscal_year]", "2026")
    page.select_option("select[name=rules_name]", "koto")
    page.click("button:has-text('作成')")
    page.wait_for_selector("h1:has-text('2026年度')")

    page.set_input_files("input[name=children]", str(_bad_children(ward_files, tmp_path)))
    page.set_input_files("input[name=facilities]", str(ward_files / "facilities.csv"))
    page.click("button:has-text('アップロードして確認')")
    problems = page.inner_text("#problems")
    assert "children.csv" in problems and "児童番号" in problems

    page.set_input_files("input[name=children]", str(ward_files / "children.xlsx"))
    page.set_input_files("input[name=facilities]", str(ward_files / "facilities.xlsx"))
    page.click("button:has-text('アップロードして確認')")
    page.wait_for_selector("text=読み込みました")

    page.click("button:has-text('利用調整を実行')")
    page.wait_for_selector("#progress:has-text('完了')")
    assert "年齢クラス別の集計" in page.content()

    page.click("#by-age tr:last-child a")  # everyone not admitted
    page.click("table tr:nth-child(2) td a")
    assert page.inner_text("#reasons")
    child_id = page.inner_text("h1").split()[1]
    page.select_option("#decision-form select[name=kind]", "fix")
    page.select_option("#decision-form select[name=facility_id]", index=1)
    page.fill("#decision-form textarea[name=reason]", "障害児の受け入れ体制を確認済み")
    page.click("button:has-text('影響を試算する')")  # the decision is previewed (dry run) before it is saved
    page.wait_for_selector("#preview")
    if page.locator("#confirm-displaced").count():
        page.check("#confirm-displaced")
    page.click("button:has-text('記録のみ')")
    page.wait_for_selector("text=記録しました")

    page.click("text=← 第1回の結果")
    page.click("text=← 2026年度")
    page.click("button:has-text('利用調整を実行')")
    page.wait_for_selector("h1:has-text('第2回の結果')")
    page.wait_for_selector("#progress:has-text('完了')")
    page.click("text=第1回と比べる")
    page.wait_for_selector("#diff-summary")
    assert "人の結果が変わりました" in page.inner_text("#diff-summary")
    assert child_id in page.inner_text("#diff")

    page.go_back()
    with page.expect_download() as download:
        page.click("text=Excel(職員用)")
    path = tmp_path / "result.xlsx"
    download.value.save_as(path)
    assert len(openpyxl.load_workbook(path).sheetnames) >= 2

    outside = [u for u in page.requested if not u.startswith(live_server.url)]  # type: ignore[attr-defined]
    assert outside == []  # closed networks: no request leaves the server


def test_the_run_page_polls_progress_until_the_worker_finishes(page, live_server, alice, ward_files, settings):
    from kyodo.web.hoiku import services
    from kyodo.web.hoiku.models import Round, Run

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    round_ = Round.objects.create(organisation=alice.organisation, title="進捗", fiscal_year=2026,
                                  rules_name="koto", created_by=alice)
    files = [services.UploadedFile(n, (ward_files / n).read_bytes()) for n in ("children.csv", "facilities.csv")]
    instance, problems = services.read_upload(round_, *files)
    assert instance is not None, problems
    services.store_upload(round_, alice, *files, instance)

    _log_in(page, live_server, f"/hoiku/rounds/{round_.pk}/")
    page.click("button:has-text('利用調整を実行')")
    page.wait_for_selector("#progress:has-text('待機中')")
    run = Run.objects.for_org(alice.organisation).get(round=round_)
    services.execute(run.pk)  # what `kyodo web worker` does with the queued task
    # The polled fragment sees the run finish and HTMX reloads the page with the results.
    page.wait_for_selector("h2:has-text('年齢クラス別の集計')", timeout=15_000)
    assert "完了" in page.inner_text("#progress")
