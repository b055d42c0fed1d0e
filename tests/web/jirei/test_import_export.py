"""Import and export in the 事例ID… columns; the operators' management commands."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from kyodo.jirei.io import REQUIRED_COLUMNS, read_cases
from kyodo.web.jirei.models import Case

BAD = Path(__file__).parents[2] / "jirei" / "data" / "bad"
CORPUS = Path(__file__).parents[2] / "jirei" / "data" / "corpus.csv"
HEADER = ",".join((*REQUIRED_COLUMNS, "公開"))


def _upload(client, text: str, name: str = "cases.csv"):  # type: ignore[no-untyped-def]
    return client.post(reverse("jirei:import"), {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


def test_importing_own_cases_creates_then_updates_by_case_id(bob_client):
    text = f"{HEADER}\nK1,江東区,会議録AI,議会,音声認識,実証中,概要,,教訓,公開\nK2,江東区,RPA,総務,RPA,検討中,概要2,,,\n"
    assert _upload(bob_client, text).status_code == 302
    rows = {c.external_id: c for c in Case.objects.unscoped("test")}
    assert rows["K1"].is_published and not rows["K2"].is_published
    assert _upload(bob_client, text.replace("概要2", "新しい概要")).status_code == 302
    assert Case.objects.unscoped("test").count() == 2
    assert Case.objects.unscoped("test").get(external_id="K2").summary == "新しい概要"


def test_a_bad_file_lists_every_problem_and_saves_nothing(bob_client):
    text = f"{HEADER}\nK1,江東区,題,子育て,,導入済み,概要,,,\nK2,江東区,,謎の分野,,不明,,,,\n"
    page = _upload(bob_client, text).content.decode()
    for column in ("タイトル", "分野", "状況", "概要"):
        assert f"<td>3</td><td>{column}</td>" in page
    assert "何も保存していません" in page
    assert not Case.objects.unscoped("test").exists()


def test_rows_of_another_organisation_are_refused(bob_client):
    text = f"{HEADER}\nK0,江東区,題,子育て,,導入済み,概要,,,\n,,,,,,,,,\nK1,大田区,題,子育て,,導入済み,概要,,,\n"
    page = _upload(bob_client, text).content.decode()
    assert "<td>4</td><td>団体</td><td>自組織(江東区)の事例だけを取り込めます" in page  # row 3 is blank
    assert not Case.objects.unscoped("test").exists()


@pytest.mark.parametrize("name", sorted(p.name for p in BAD.iterdir()))
def test_every_bad_file_of_the_corpus_saves_nothing(bob_client, name):
    response = bob_client.post(reverse("jirei:import"),
                               {"file": SimpleUploadedFile(name, (BAD / name).read_bytes())})
    assert response.status_code == 200 and 'id="problems"' in response.content.decode()
    assert not Case.objects.unscoped("test").exists()


def test_export_writes_the_import_columns_and_reads_back(bob_client, tmp_path):
    _upload(bob_client, f"{HEADER}\nK1,江東区,会議録AI,議会,音声認識,実証中,概要,,教訓,公開\n")
    for fmt in ("csv", "xlsx"):
        response = bob_client.get(reverse("jirei:export"), {"q": "議事録", "format": fmt})
        path = tmp_path / f"out.{fmt}"
        path.write_bytes(response.content)
        [record] = read_cases(path)
        assert (record.case_id, record.title, record.published) == ("K1", "会議録AI", True)


def test_the_management_commands_import_and_search(db, tmp_path):
    out = StringIO()
    published = tmp_path / "published.csv"
    lines = CORPUS.read_text("utf-8").splitlines()
    published.write_text("\n".join([lines[0] + ",公開", *(line + ",公開" for line in lines[1:])]), encoding="utf-8")
    call_command("jirei_import", str(published), stdout=out)
    assert "48件を登録" in out.getvalue()
    out = StringIO()
    call_command("jirei_search", "ﾁｬｯﾄﾎﾞｯﾄ", "--json", "--limit", "5", stdout=out)
    assert set(json.loads(out.getvalue())) == {"C05", "C06", "C07", "C42", "C32"}
    out = StringIO()
    call_command("jirei_search", "導入に至らなかった RPA", "--json", stdout=out)
    assert json.loads(out.getvalue()) in (["C23", "C24"], ["C24", "C23"])
    with pytest.raises(CommandError):
        call_command("jirei_import", str(BAD / "unknown_status.csv"), stderr=StringIO())
    assert Case.objects.unscoped("test").count() == 48


def test_the_demo_command_loads_the_koto_cases_and_failures(db):
    call_command("jirei_demo", "--count", "40", stdout=StringIO())
    cases = Case.objects.unscoped("test")
    assert cases.filter(organisation__name="江東区", external_id__startswith="KOTO").count() == 2
    assert cases.filter(status__in=["実証したが導入せず", "中止"]).exists()
    call_command("jirei_demo", "--count", "40", stdout=StringIO())
    assert cases.count() == 42
