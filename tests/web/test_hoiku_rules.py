"""The rules page: versions from a shipped ward or an upload (nothing saved on error), examples as tests,
per-value confirmation by an administrator (refused for staff), the diff, downloads, and the round's choice."""

from __future__ import annotations

import io

import openpyxl
import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from kyodo.hoiku.rules.loader import DATA_DIR
from kyodo.web.accounts.models import Organisation
from kyodo.web.audit.models import AuditEntry
from kyodo.web.hoiku.forms import RoundForm
from kyodo.web.hoiku.models import RulesVersion

from .hoiku_rules_world import SECRET_NOTE, make_version


def _versions() -> int:
    return RulesVersion.objects.unscoped("test").count()


def _start(client, shipped: str = "koto", fiscal_year: int = 2027) -> RulesVersion:  # type: ignore[no-untyped-def]
    response = client.post(
        "/hoiku/rules/start/", {"shipped": shipped, "fiscal_year": fiscal_year, "title": "利用調整基準"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return RulesVersion.objects.unscoped("test").latest("id")


def _upload(client, name: str, data: bytes, cases: tuple[str, bytes] | None = None, **fields):  # type: ignore[no-untyped-def]
    post = {"rules": SimpleUploadedFile(name, data), "fiscal_year": 2027, "title": "利用調整基準", **fields}
    if cases is not None:
        post["cases"] = SimpleUploadedFile(*cases)
    return client.post("/hoiku/rules/upload/", post)


def _workbook(client, version: RulesVersion) -> bytes:  # type: ignore[no-untyped-def]
    response = client.get(f"/hoiku/rules/{version.pk}/download/xlsx/")
    assert response.status_code == 200
    return bytes(response.content)


def _edit(book: bytes, sheet: str, row: int, header: str, value: object) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(book))
    ws = wb[sheet]
    column = [c.value for c in ws[1]].index(header) + 1
    ws.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_administrator_starts_a_version_from_the_shipped_ward(alice_client, alice):
    version = _start(alice_client)
    assert version.number == 1 and version.origin == "shipped" and version.based_on_shipped == "koto"
    assert version.display_name == "江東区 令和9年度 利用調整基準（第1版）"
    page = alice_client.get(f"/hoiku/rules/{version.pk}/").content.decode()
    confirmed, to_confirm = version.rules().status_counts()
    assert f"確認済み <strong>{confirmed}</strong>・要確認 <strong>{to_confirm}</strong>" in page
    assert "すべて期待どおり" in page and "不合格" not in page
    assert page.count('<span class="badge done">合格</span>') == len(yaml.safe_load(version.cases_yaml))
    entry = AuditEntry.objects.for_org(alice.organisation_id).filter(action="hoiku_rules_create").get()
    assert entry.details["shipped"] == "koto"
    assert _start(alice_client).number == 2  # the next version of the same year


def test_a_workbook_upload_makes_the_next_version_and_the_diff_shows_the_change(alice_client):
    # A changed point count would fail the workbook's own examples (tested below); a clerk filling in the
    # section of the official document where a value comes from changes its source only.
    first = _start(alice_client)
    book = _edit(_workbook(alice_client, first), "基準指数", 3, "出典の箇所", "別表1 2(1)")
    response = _upload(alice_client, "koto-r9.xlsx", book)
    assert response.status_code == 302, response.content.decode()[:3000]
    second = RulesVersion.objects.unscoped("test").latest("id")
    assert (second.number, second.origin, second.file_name, second.based_on_id) == (2, "workbook", "koto-r9.xlsx", first.pk)
    diff = alice_client.get(f"/hoiku/rules/{second.pk}/diff/").content.decode()
    assert "追加 0・削除 0・変更 1" in diff
    assert "出典の箇所: (なし) → 別表1 2(1)" in diff
    assert first.display_name in diff


def test_the_downloaded_workbook_uploaded_again_changes_nothing(alice_client):
    first = _start(alice_client, "ota")
    assert _upload(alice_client, "ota.xlsx", _workbook(alice_client, first)).status_code == 302
    second = RulesVersion.objects.unscoped("test").latest("id")
    def body(text: str) -> str:  # without the heading comment, which says where the text came from
        return text.split("\n", 1)[1]

    assert body(second.rules_yaml) == body(first.rules_yaml) and body(second.cases_yaml) == body(first.cases_yaml)
    assert "値・出典・状態に違いはありません" in alice_client.get(f"/hoiku/rules/{second.pk}/diff/").content.decode()


BAD_WORKBOOKS = {
    "a bad status and a non-integer point": (
        [("基準指数", 2, "状態", "たぶん"), ("基準指数", 3, "点数", "十二")],
        ["シート「基準指数」", "状態", "たぶん", "点数", "十二"],
    ),
    "an example that gets other points": ([("例", 2, "期待する合計", 999)], ["シート「例」", "期待する合計", "999"]),
    "a source key that does not exist": ([("調整指数", 2, "出典", "nosuch")], ["シート「調整指数」", "出典", "nosuch"]),
}


@pytest.mark.parametrize("edits, shown", BAD_WORKBOOKS.values(), ids=BAD_WORKBOOKS.keys())
def test_a_bad_workbook_lists_every_problem_by_sheet_row_and_column_and_saves_nothing(alice_client, alice, edits, shown):
    book = _workbook(alice_client, _start(alice_client))
    for sheet, row, header, value in edits:
        book = _edit(book, sheet, row, header, value)
    before = _versions()
    response = _upload(alice_client, "bad.xlsx", book)
    assert response.status_code == 422
    page = response.content.decode()
    problems = page[page.index('id="problems"'):]
    assert all(text in problems for text in shown), problems[:3000]
    assert f'<td class="num">{edits[0][1]}</td>' in problems  # the row, as the spreadsheet numbers it
    assert "何も保存していません" in page and _versions() == before
    assert AuditEntry.objects.for_org(alice.organisation_id).filter(action="hoiku_rules_rejected").count() == 1


def test_a_workbook_without_a_sheet_and_a_file_that_is_not_one_are_refused(alice_client):
    book = _workbook(alice_client, _start(alice_client))
    wb = openpyxl.load_workbook(io.BytesIO(book))
    del wb["同点時の優先順位"]
    out = io.BytesIO()
    wb.save(out)
    before = _versions()
    response = _upload(alice_client, "bad.xlsx", out.getvalue())
    assert response.status_code == 422 and "シート「同点時の優先順位」がありません" in response.content.decode()
    response = _upload(alice_client, "bad.xlsx", b"%PDF-1.4 not a workbook")
    assert response.status_code == 422 and 'id="problems"' in response.content.decode()
    assert _versions() == before


def test_a_yaml_upload_is_checked_by_the_loader_and_its_examples(alice_client):
    text = (DATA_DIR / "koto.yaml").read_bytes()
    before = _versions()
    response = _upload(alice_client, "koto.yaml", text.replace(b"combine: sum", b"combine: average"))
    assert response.status_code == 422 and "household.combine" in response.content.decode()
    cases = yaml.safe_load((DATA_DIR / "koto.cases.yaml").read_text(encoding="utf-8"))
    cases[1]["output"]["total"] += 3
    response = _upload(alice_client, "koto.yaml", text, ("koto.cases.yaml", yaml.safe_dump(cases, allow_unicode=True).encode()))
    page = response.content.decode()
    assert response.status_code == 422 and "koto.cases.yaml" in page and "2番目の例" in page
    assert _versions() == before
    assert _upload(alice_client, "koto.yaml", text, ("koto.cases.yaml", (DATA_DIR / "koto.cases.yaml").read_bytes())).status_code == 302
    assert RulesVersion.objects.unscoped("test").latest("id").origin == "yaml"


def test_an_administrator_confirms_one_value_and_who_and_when_are_kept(alice_client, alice):
    version = _start(alice_client)
    confirmed, to_confirm = version.rules().status_counts()
    where = next(w for w, p in version.rules().values() if not p.confirmed)
    response = alice_client.post(f"/hoiku/rules/{version.pk}/confirm/", {"where": where})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.rules().status_counts() == (confirmed + 1, to_confirm - 1)
    provenance = dict(version.rules().values())[where]
    assert provenance.confirmed_by == alice.display_name and provenance.confirmed_on
    assert _versions() == 1  # a confirmation changes the version's text, not the number of versions
    page = alice_client.get(f"/hoiku/rules/{version.pk}/").content.decode()
    assert f"{alice.display_name} {provenance.confirmed_on}" in page
    entry = AuditEntry.objects.for_org(alice.organisation_id).get(action="hoiku_rules_confirm")
    assert entry.details["where"] == where


def test_confirming_a_value_the_version_does_not_have_changes_nothing(alice_client):
    version = _start(alice_client)
    response = alice_client.post(f"/hoiku/rules/{version.pk}/confirm/", {"where": "adjustments.nosuch"}, follow=True)
    assert "ありません" in response.content.decode()
    assert RulesVersion.objects.unscoped("test").get(pk=version.pk).rules_yaml == version.rules_yaml


def test_staff_see_notes_and_statuses_but_cannot_confirm_or_upload(bob_client, alice):
    version = make_version(alice)
    page = bob_client.get(f"/hoiku/rules/{version.pk}/").content.decode()
    assert SECRET_NOTE in page and "要確認" in page and "確認済みにする" not in page
    where = version.rules().values()[0][0]
    assert bob_client.post(f"/hoiku/rules/{version.pk}/confirm/", {"where": where}).status_code == 403
    assert bob_client.post("/hoiku/rules/start/", {"shipped": "koto", "fiscal_year": 2027, "title": "x"}).status_code == 403
    assert _upload(bob_client, "koto.yaml", (DATA_DIR / "koto.yaml").read_bytes()).status_code == 403
    assert RulesVersion.objects.unscoped("test").get(pk=version.pk).rules_yaml == version.rules_yaml
    assert _versions() == 1
    assert bob_client.get(f"/hoiku/rules/{version.pk}/download/yaml/").status_code == 200


def test_the_round_form_offers_the_newest_version_or_the_wards_own_rules(alice, koto, ota):
    assert RoundForm(organisation=koto).fields["rules_name"].initial == "koto"
    assert RoundForm(organisation=ota).fields["rules_name"].initial == "ota"
    assert RoundForm(organisation=Organisation.objects.get(code="130001")).fields["rules_name"].initial == ""
    make_version(alice)
    newest = make_version(alice)
    form = RoundForm(organisation=koto)
    assert form.fields["rules_name"].initial == f"version:{newest.pk}"
    labels = dict(form.fields["rules_name"].choices)
    assert labels[f"version:{newest.pk}"] == "江東区 令和9年度 利用調整基準（第2版）"
    assert f"version:{newest.pk}" not in dict(RoundForm(organisation=ota).fields["rules_name"].choices)


def test_an_example_the_rules_no_longer_meet_shows_as_failed_with_both_totals(alice_client, alice):
    version = make_version(alice)
    cases = yaml.safe_load(version.cases_yaml)
    expected = cases[0]["output"]["total"]
    cases[0]["output"]["total"] = expected + 7  # as if the ward changed a value the example relies on
    version.cases_yaml = yaml.safe_dump(cases, allow_unicode=True)
    version.save(update_fields=["cases_yaml"])
    page = alice_client.get(f"/hoiku/rules/{version.pk}/").content.decode()
    assert "1 件が期待と違います" in page and page.count("不合格") == 1
    row = page[page.index(cases[0]["name"]):].split("</tr>")[0]
    assert f'<td class="num">{expected + 7}</td><td class="num">{expected}</td>' in row


def test_a_round_cannot_pick_another_organisations_version(alice, charlie_client):
    from kyodo.web.hoiku.models import Round

    version = make_version(alice)
    response = charlie_client.post(
        "/hoiku/rounds/new/",
        {"title": "大田区4月入所", "fiscal_year": 2027, "phase": "first", "rules_name": f"version:{version.pk}",
         "seed": 1},
    )
    assert response.status_code == 200 and "候補にありません" in response.content.decode()
    assert not Round.objects.unscoped("test").exists()
