"""The engine's bad-input corpus (tests/hoiku/bad_inputs) sent through the upload page.

Each case must come back with its message, located by file, row and column, and store nothing.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml

from kyodo.web.hoiku.models import InputSet

from .helpers import create_round, upload

CORPUS = Path(__file__).parents[1] / "hoiku" / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8")) if CORPUS.exists() else []
FISCAL_YEAR = 2026


def _case_id(case: dict) -> str:
    return str(case["id"])


def _problems(body: str) -> list[tuple[str, str, str, str]]:
    table = re.search(r'<table class="problems" id="problems">(.*?)</table>', body, re.S)
    assert table, "no problem table on the page"
    rows = re.findall(r"<tr><td>(.*?)</td><td[^>]*>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", table.group(1), re.S)
    return [tuple(html.unescape(cell) for cell in row) for row in rows]  # type: ignore[misc]


def test_the_corpus_is_there():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_each_bad_input_shows_its_message_and_stores_nothing(case, alice_client):
    # A round always has a fiscal year, and its choice limit comes from its rules file: cases that need
    # another setting cannot be expressed through the upload page (they are covered by tests/hoiku).
    if case.get("fiscal_year", FISCAL_YEAR) != FISCAL_YEAR or case.get("choice_limit") is not None:
        pytest.skip("needs a fiscal year or choice limit that a web round does not have")
    round_ = create_round(alice_client, rules="koto", fiscal_year=FISCAL_YEAR)
    children = CORPUS / case.get("children", "good_children.csv")
    facilities = CORPUS / case.get("facilities", "good_facilities.csv")
    response = upload(alice_client, round_, children, facilities)
    assert response.status_code == 422
    shown = _problems(response.content.decode())
    for want in case["expect"]:
        row = "" if want.get("row") is None else str(want["row"])
        column = want.get("column") or ""
        assert any(
            file == want["file"] and r == row and c == column and want["message"] in message
            for file, r, c, message in shown
        ), f"{want} not in {shown}"
    assert InputSet.objects.for_org(round_.organisation).count() == 0


# --- limits and caching (issue 11) -----------------------------------------------------------------------------

def test_an_upload_over_the_size_limit_is_refused_naming_the_limit_and_stores_nothing(alice_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kyodo.tables import Limits

    settings.TABLE_LIMITS = Limits(file_bytes=2048)
    round_ = create_round(alice_client, rules="koto", fiscal_year=FISCAL_YEAR)
    big = (CORPUS / "good_children.csv").read_bytes() * 20
    response = alice_client.post(f"/hoiku/rounds/{round_.pk}/upload/", {
        "children": SimpleUploadedFile("children.csv", big),
        "facilities": SimpleUploadedFile("facilities.csv", (CORPUS / "good_facilities.csv").read_bytes()),
    })
    page = response.content.decode()
    assert "申込ファイルが大きすぎます" in page and "1ファイルの上限は2 KBです" in page
    assert InputSet.objects.for_org(round_.organisation).count() == 0


def test_a_request_declaring_more_than_its_url_accepts_is_refused_before_its_body_is_read(alice_client):
    from kyodo.web.middleware import largest_request_bytes

    round_ = create_round(alice_client, rules="koto", fiscal_year=FISCAL_YEAR)
    hoiku_limit = largest_request_bytes(f"/hoiku/rounds/{round_.pk}/upload/")
    assert largest_request_bytes("/gijiroku/new/") > hoiku_limit  # a recording may be far larger than a table
    response = alice_client.post(f"/hoiku/rounds/{round_.pk}/upload/", data=b"x" * 10,
                                 content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(hoiku_limit + 1))
    page = response.content.decode()
    assert response.status_code == 413 and "ファイルが大きすぎます" in page and f"{hoiku_limit // 2**20} MB" in page
    assert InputSet.objects.for_org(round_.organisation).count() == 0
    # At the limit itself the request goes on to the form (which reads what was really sent).
    ok = alice_client.post(f"/hoiku/rounds/{round_.pk}/upload/", data=b"", content_type="multipart/form-data; boundary=x",
                           CONTENT_LENGTH="0")
    assert ok.status_code != 413


def test_uploads_over_a_few_megabytes_are_streamed_to_disk_not_held_in_memory(settings):
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 4 * 1024 * 1024
    assert "django.core.files.uploadhandler.TemporaryFileUploadHandler" in settings.FILE_UPLOAD_HANDLERS


def test_pages_and_downloads_for_a_signed_in_user_are_not_stored(done_run, alice_client, client):
    page = alice_client.get(f"/hoiku/runs/{done_run.pk}/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store, private"
    download = alice_client.get(f"/hoiku/runs/{done_run.pk}/download/workbook/")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store, private"
    login = client.get("/accounts/login/")
    assert "no-store" not in login.get("Cache-Control", "")
