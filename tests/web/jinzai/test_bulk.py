"""Bulk import and export of the pool and of requests, and the coordinator role granted by the platform admin."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kyodo.jinzai.formats import REQUEST_COLUMNS, SPECIALIST_COLUMNS
from kyodo.web.accounts.models import Role, User
from kyodo.web.audit.models import AuditEntry
from kyodo.web.jinzai.actions import JinzaiAction
from kyodo.web.jinzai.models import Absence, CoordinatorGrant, Specialist, TalentRequest

from ..conftest import PASSWORD, client_for
from .world import tokyo

POOL_HEADER = ["人材ID", "氏名", "人材類型", "スキル", "週あたり稼働時間", "対応形態", "拠点地域", "不在期間", "利益相反団体"]
POOL_ROWS = [
    ["P0001", "青木 一郎", "ソフトウェアエンジニア", "クラウドインフラ活用:3; プロジェクトマネジメント:2", "16",
     "現地・リモート", "区部", "2027-01-04~2027-01-08", "江東区"],
    # the official spelling with full-width brackets, and the half-width one, both find the item
    ["P0002", "石田 花子", "デザイナー", "検証（顧客・ユーザー視点）:3; 検証(ビジネス視点):2", "8", "リモートのみ", "多摩", "", ""],
]
REQUEST_HEADER = ["依頼ID", "団体", "目的", "成果物", "必要スキル", "支援形態", "工数", "工数単位", "開始日", "終了日",
                  "希望人材ID"]


def _csv(header: list[str], rows: list[list[str]], name: str) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


def _request_row(rid: str, municipality: str, **over: str) -> list[str]:
    values = {"依頼ID": rid, "団体": municipality, "目的": "基幹業務システムの移行計画", "成果物": "移行計画書",
              "必要スキル": "クラウドインフラ活用:2", "支援形態": "リモート", "工数": "8", "工数単位": "時間",
              "開始日": "2027-02-01", "終了日": "2027-02-26", "希望人材ID": ""}
    values.update(over)
    return [values[c] for c in REQUEST_HEADER]


def test_the_pool_is_imported_and_a_reimport_updates_instead_of_duplicating(dora_client):
    response = dora_client.post("/jinzai/specialists/import/", {"file": _csv(POOL_HEADER, POOL_ROWS, "pool.csv")})
    assert response.status_code == 302
    pool = Specialist.objects.for_org(tokyo()).order_by("external_id")
    assert [s.external_id for s in pool] == ["P0001", "P0002"]
    aoki, ishida = pool
    assert aoki.skills == {"cloud_infrastructure": 3, "project_management": 2} and aoki.conflicts == ["131083"]
    assert ishida.skills == {"user_validation": 3, "business_validation": 2} and ishida.modes == "リモートのみ"
    assert Absence.objects.for_org(tokyo()).filter(specialist=aoki).count() == 1

    changed = [[*POOL_ROWS[0][:4], "24", *POOL_ROWS[0][5:7], "", ""]]  # more hours, no absence, no conflict
    assert dora_client.post("/jinzai/specialists/import/", {"file": _csv(POOL_HEADER, changed, "pool.csv")}
                            ).status_code == 302
    aoki.refresh_from_db()
    assert Specialist.objects.for_org(tokyo()).count() == 2
    assert aoki.hours_per_week == 24 and aoki.conflicts == []
    assert not Absence.objects.for_org(tokyo()).filter(specialist=aoki).exists()
    entry = AuditEntry.objects.for_org(tokyo()).filter(action=JinzaiAction.IMPORT).latest("id")
    assert entry.details["created"] == 0 and entry.details["updated"] == 1


@pytest.mark.parametrize(("row", "column", "message"), [
    (["P9", "", "", "クラウドインフラ活用:3", "8", "現地・リモート", "区部", "", ""], "氏名", "空"),
    (["P9", "名前", "", "存在しない技術:3", "8", "現地・リモート", "区部", "", ""], "スキル", "存在しない技術"),
    (["P9", "名前", "", "クラウドインフラ活用:9", "8", "現地・リモート", "区部", "", ""], "スキル", "1〜4"),
    (["P9", "名前", "", "クラウドインフラ活用:3", "八", "現地・リモート", "区部", "", ""], "週あたり稼働時間", "整数"),
    (["P9", "名前", "", "クラウドインフラ活用:3", "8", "空を飛ぶ", "区部", "", ""], "対応形態", "空を飛ぶ"),
    (["P9", "名前", "", "クラウドインフラ活用:3", "8", "現地・リモート", "区部", "2027-13-01", ""], "不在期間", "2027-13-01"),
    (["P9", "名前", "", "クラウドインフラ活用:3", "8", "現地・リモート", "区部", "", "架空市"], "利益相反団体", "架空市"),
])
def test_a_bad_pool_file_names_row_and_column_and_saves_nothing(dora_client, row, column, message):
    response = dora_client.post("/jinzai/specialists/import/",
                                {"file": _csv(POOL_HEADER, [POOL_ROWS[0], row], "pool.csv")})
    body = response.content.decode()
    assert response.status_code == 400 and "何も保存していません" in body
    assert "pool.csv" in body and f"<td class=\"num\">3</td><td>{column}</td>" in body and message in body
    assert not Specialist.objects.for_org(tokyo()).exists()  # not even the good first row


def test_a_missing_column_and_a_wrong_file_type_are_refused(dora_client):
    header = [c for c in POOL_HEADER if c != "スキル"]
    rows = [[v for c, v in zip(POOL_HEADER, POOL_ROWS[0], strict=True) if c != "スキル"]]
    body = dora_client.post("/jinzai/specialists/import/", {"file": _csv(header, rows, "pool.csv")}).content.decode()
    assert "必須の列がありません" in body and "スキル" in body
    odd = SimpleUploadedFile("pool.pdf", b"%PDF-1.4", content_type="application/pdf")
    body = dora_client.post("/jinzai/specialists/import/", {"file": odd}).content.decode()
    assert "Excel(.xlsx)か CSV" in body
    assert not Specialist.objects.for_org(tokyo()).exists()


def test_requests_are_imported_by_a_municipality_for_itself_only(dora_client, bob_client, bob):
    dora_client.post("/jinzai/specialists/import/", {"file": _csv(POOL_HEADER, POOL_ROWS, "pool.csv")})
    mine = [_request_row("K-1", "江東区", 希望人材ID="P0001"), _request_row("K-2", "131083")]
    assert bob_client.post("/jinzai/requests/import/", {"file": _csv(REQUEST_HEADER, mine, "req.csv")}
                           ).status_code == 302
    rows = TalentRequest.objects.for_user(bob).order_by("external_id")
    assert [r.external_id for r in rows] == ["K-1", "K-2"]
    assert rows[0].preferred.external_id == "P0001" and rows[0].created_by == bob
    # A row of another municipality, or an unknown preferred specialist: refused, nothing saved.
    other = [_request_row("K-3", "江東区"), _request_row("O-1", "大田区")]
    body = bob_client.post("/jinzai/requests/import/", {"file": _csv(REQUEST_HEADER, other, "req.csv")}
                           ).content.decode()
    assert "大田区の依頼です" in body and "何も保存していません" in body
    unknown = [_request_row("K-3", "江東区", 希望人材ID="P7777")]
    body = bob_client.post("/jinzai/requests/import/", {"file": _csv(REQUEST_HEADER, unknown, "req.csv")}
                           ).content.decode()
    assert "P7777" in body and "希望人材ID" in body
    assert TalentRequest.objects.for_user(bob).count() == 2
    # Re-import updates the same request.
    again = [_request_row("K-1", "江東区", 工数="10")]
    bob_client.post("/jinzai/requests/import/", {"file": _csv(REQUEST_HEADER, again, "req.csv")})
    assert TalentRequest.objects.for_user(bob).get(external_id="K-1").amount == 10
    assert TalentRequest.objects.for_user(bob).count() == 2


def test_a_coordinator_imports_requests_of_several_municipalities(dora_client, bob, charlie):
    rows = [_request_row("A", "江東区"), _request_row("B", "大田区")]
    assert dora_client.post("/jinzai/requests/import/", {"file": _csv(REQUEST_HEADER, rows, "req.csv")}
                            ).status_code == 302
    assert TalentRequest.objects.for_user(bob).get().external_id == "A"
    assert TalentRequest.objects.for_user(charlie).get().external_id == "B"


def test_an_export_can_be_imported_again_unchanged(dora_client, eve):
    dora_client.post("/jinzai/specialists/import/", {"file": _csv(POOL_HEADER, POOL_ROWS, "pool.csv")})
    response = dora_client.get("/jinzai/specialists/export/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header == list(SPECIALIST_COLUMNS)
    ids = sorted(str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True))
    assert ids == ["P0001", "P0002", f"S{eve.pk}"]  # one entered in the form is exported as S<pk>
    upload = SimpleUploadedFile("pool.xlsx", response.content)
    assert dora_client.post("/jinzai/specialists/import/", {"file": upload}).status_code == 302
    assert Specialist.objects.for_org(tokyo()).count() == 3
    eve.refresh_from_db()
    assert eve.external_id == "" or eve.external_id == f"S{eve.pk}"
    csv_export = dora_client.get("/jinzai/requests/export/?format=csv")
    assert csv_export.content.decode("utf-8-sig").splitlines()[0].split(",") == list(REQUEST_COLUMNS)


def test_a_formula_in_a_name_is_exported_as_text(dora_client):
    rows = [["P0001", "=HYPERLINK(\"http://x\")", "", "クラウドインフラ活用:3", "8", "現地・リモート", "区部", "", ""]]
    dora_client.post("/jinzai/specialists/import/", {"file": _csv(POOL_HEADER, rows, "pool.csv")})
    sheet = load_workbook(io.BytesIO(dora_client.get("/jinzai/specialists/export/").content)).active
    cell = sheet.cell(row=2, column=2)
    assert cell.data_type == "s"  # never a live formula


def test_only_coordinators_reach_the_pool_import_and_municipalities_see_their_own_export(
    bob_client, charlie_client, bob, charlie
):
    assert bob_client.get("/jinzai/specialists/import/").status_code == 403
    assert bob_client.get("/jinzai/specialists/export/").status_code == 403
    from .world import make_request

    make_request(bob, "江東区だけの依頼")
    make_request(charlie, "大田区だけの依頼")
    body = charlie_client.get("/jinzai/requests/export/?format=csv").content.decode("utf-8-sig")
    assert "大田区" in body and "江東区" not in body


def test_the_platform_admin_grants_and_revokes_the_coordinator_role(platform_client, platform_admin):
    ken = User.objects.create_user(username="ken", password=PASSWORD, organisation=tokyo(), role=Role.STAFF,
                                   display_name="都 健")
    ken_client = client_for(ken)
    assert ken_client.get("/jinzai/board/").status_code == 403  # a Tokyo member is not a coordinator by default
    assert "コーディネーターではありません" in ken_client.get("/jinzai/").content.decode()
    assert platform_client.get("/jinzai/board/").status_code == 403  # the platform admin never is
    assert platform_client.post("/jinzai/coordinators/", {"user": ken.pk}).status_code == 302
    grant = CoordinatorGrant.objects.for_org(tokyo()).get(user=ken)
    assert grant.granted_by == platform_admin
    assert ken_client.get("/jinzai/board/").status_code == 200
    assert "あなたはコーディネーターです" in ken_client.get("/jinzai/").content.decode()
    assert "都 健" in client_for(platform_admin).get("/jinzai/coordinators/").content.decode()
    platform_client.post("/jinzai/coordinators/", {"revoke": grant.pk})
    assert ken_client.get("/jinzai/board/").status_code == 403
    actions = list(AuditEntry.objects.for_org(tokyo()).filter(
        action__in=[JinzaiAction.COORDINATOR_GRANT, JinzaiAction.COORDINATOR_REVOKE]).values_list("action", flat=True))
    assert sorted(actions) == sorted([JinzaiAction.COORDINATOR_GRANT, JinzaiAction.COORDINATOR_REVOKE])


def test_a_municipal_user_cannot_be_made_a_coordinator(platform_client, bob):
    assert platform_client.post("/jinzai/coordinators/", {"user": bob.pk}).status_code == 404
    assert not CoordinatorGrant.objects.for_org(tokyo()).exists()


def test_the_demo_seeds_a_pool_and_a_quarter_of_requests_the_board_can_match(db):
    from datetime import date

    from kyodo.web.jinzai import demo
    from kyodo.web.jinzai.services import build_instance

    coordinator = demo.ensure_pool("pw-for-the-test", today=date(2026, 12, 1))
    demo.ensure_pool("pw-for-the-test", today=date(2026, 12, 1))  # idempotent
    assert Specialist.objects.for_org(tokyo()).count() == demo.SPECIALISTS
    requests = TalentRequest.objects.unscoped("every municipality's demo requests")
    assert requests.count() == demo.REQUESTS
    assert requests.values("organisation").distinct().count() == 62  # every municipality asks
    assert min(r.start for r in requests) >= date(2027, 1, 1)  # the coming quarter
    instance, _ = build_instance(tokyo().pk)
    assert len(instance.specialists) == demo.SPECIALISTS and len(instance.requests) == demo.REQUESTS
    assert client_for(coordinator).get("/jinzai/board/").status_code == 200
