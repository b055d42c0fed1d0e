"""The upload page summarises problems, explains a file made for another fiscal year, and offers templates."""

from __future__ import annotations

import csv
import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from kyodo.hoiku.io import read_instance
from kyodo.web.hoiku.models import InputSet, Round

from .helpers import create_round, upload, upload_ok


def _without_column(ward, tmp_path, column: str):
    lines = (ward / "children.csv").read_text(encoding="utf-8-sig").splitlines()
    at = lines[0].split(",").index(column)
    path = tmp_path / "children.csv"
    path.write_text("\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != at) for line in lines) + "\n",
                    encoding="utf-8")
    return path


def _problem_rows(body: str) -> list[str]:
    table = body[body.index('id="problems"'):body.index("</table>", body.index('id="problems"'))]
    return re.findall(r"<tr><td>.*?</tr>", table)


def test_one_missing_column_is_one_message_and_the_full_list_is_a_csv(alice_client, ward_files, tmp_path):
    round_ = create_round(alice_client)
    response = upload(alice_client, round_, _without_column(ward_files, tmp_path, "保護者1_事由"),
                      ward_files / "facilities.csv")
    assert response.status_code == 422
    rows = _problem_rows(response.content.decode())
    assert len(rows) == 1 and "列「保護者1_事由」がありません" in rows[0] and "1行目(見出し行)" in rows[0]
    download = alice_client.get(f"/hoiku/rounds/{round_.pk}/upload/problems.csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    listed = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert listed[0] == ["ファイル", "行", "列", "内容"] and len(listed) == 2 and listed[1][2] == "保護者1_事由"


def test_the_same_error_on_many_rows_is_one_message_with_its_count(alice_client, ward_files, tmp_path):
    lines = (ward_files / "children.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    birth, age = header.index("生年月日"), header.index("年齢クラス")
    rows = [line.split(",") for line in lines[1:]]
    for row in rows:
        row[birth] = row[age] = ""
    path = tmp_path / "children.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    round_ = create_round(alice_client)
    response = upload(alice_client, round_, path, ward_files / "facilities.csv")
    body = response.content.decode()
    assert response.status_code == 422 and "ファイルに 80 件の問題があります" in body
    shown = _problem_rows(body)
    assert len(shown) == 1 and "80行: 2, 3, 4, 5, 6行目 ほか" in shown[0] and "生年月日または年齢クラスが空です" in shown[0]
    listed = alice_client.get(f"/hoiku/rounds/{round_.pk}/upload/problems.csv").content.decode("utf-8-sig")
    assert len(listed.strip().splitlines()) == 81


def test_a_file_for_another_fiscal_year_is_explained_once_and_the_year_can_follow_the_files(
    alice_client, ward_files
):
    round_ = create_round(alice_client, fiscal_year=2027)  # the ward's files are for 2026
    response = upload(alice_client, round_, ward_files / "children.csv", ward_files / "facilities.csv")
    body = response.content.decode()
    assert response.status_code == 422
    rows = _problem_rows(body)
    assert len(rows) == 1
    assert "2026年度(2026年4月1日時点の年齢)のもの" in rows[0] and "「年度」を2026にして" in rows[0]
    assert re.search(r'name="fiscal_year" value="2026"', body)  # the form's default, read from the files
    again = alice_client.post(f"/hoiku/rounds/{round_.pk}/upload/", {
        "children": SimpleUploadedFile("children.csv", (ward_files / "children.csv").read_bytes()),
        "facilities": SimpleUploadedFile("facilities.csv", (ward_files / "facilities.csv").read_bytes()),
        "fiscal_year": "2026",
    })
    assert again.status_code == 302
    round_.refresh_from_db()
    assert round_.fiscal_year == 2026 and InputSet.objects.for_org(round_.organisation_id).count() == 1


def test_a_round_already_run_keeps_its_year_and_says_so(done_run, alice_client, ward_files):
    round_ = done_run.round
    Round.objects.for_org(round_.organisation_id).filter(pk=round_.pk).update(fiscal_year=2027)
    response = upload(alice_client, round_, ward_files / "children.csv", ward_files / "facilities.csv")
    body = response.content.decode()
    assert response.status_code == 422 and "2026年度の利用調整回を作成してください" in body
    assert 'name="fiscal_year"' not in body


def test_the_templates_have_japanese_headers_and_an_example_row_that_reads(alice_client):
    files = {}
    for role in ("children", "facilities"):
        response = alice_client.get(f"/hoiku/templates/{role}.xlsx")
        assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
        files[role] = response.content
    instance = read_instance(("children.xlsx", files["children"]), ("facilities.xlsx", files["facilities"]))
    assert len(instance.children) == 1 and len(instance.facilities) == 1
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(files["children"])).active
    headers = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert headers[:5] == ["児童番号", "世帯番号", "氏名", "生年月日", "年齢クラス"] and sheet.max_row == 2


def test_an_upload_without_a_year_keeps_the_rounds_and_stores_its_demand(alice_client, ward_files):
    round_ = create_round(alice_client)
    assert sum(a[1] for a in upload_ok(alice_client, round_, ward_files).demand["by_age"]) == 80
    round_.refresh_from_db()
    assert round_.fiscal_year == 2026
