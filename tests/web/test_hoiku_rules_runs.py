"""A round runs under the version it picked (its Rules, not a name), and a finished run compared with a manual
result (agreement, every difference with its reason, grouped by cause; kept, downloadable, audited)."""

from __future__ import annotations

import gzip
import io
import json

import openpyxl
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from kyodo.hoiku.rules.workbook_import import dump_yaml
from kyodo.web.audit.models import AuditEntry
from kyodo.web.hoiku.models import ParityCheck, RulesVersion, Run, RunChild, RunStatus

from .helpers import create_round, run, upload_ok
from .hoiku_rules_world import make_version, manual_csv


def _points(r: Run) -> dict[str, int]:
    return dict(RunChild.objects.for_org(r.organisation_id).filter(run=r).values_list("child_id", "points"))


def _version_with_more_points(client, alice) -> RulesVersion:  # type: ignore[no-untyped-def]
    """A version whose full-time employment row gives 5 points more than the shipped 江東区 rules."""
    base = make_version(alice)
    doc = yaml.safe_load(base.rules_yaml)
    doc["base"]["employment"]["table"][0]["points"] += 5
    text = dump_yaml(doc, "江東区 利用調整基準").encode()
    response = client.post(
        "/hoiku/rules/upload/",
        {"rules": SimpleUploadedFile("koto-r9.yaml", text), "fiscal_year": 2027, "title": "利用調整基準"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return RulesVersion.objects.unscoped("test").latest("id")


def test_a_round_runs_under_its_version_and_shows_its_name(alice_client, alice, ward_files, done_run):
    version = _version_with_more_points(alice_client, alice)
    assert version.display_name == "江東区 令和9年度 利用調整基準（第2版）"
    old = yaml.safe_load(version.based_on.rules_yaml)["base"]["employment"]["table"][0]["points"]
    diff = alice_client.get(f"/hoiku/rules/{version.pk}/diff/").content.decode()
    assert "追加 0・削除 0・変更 1" in diff and f"点数: {old}点 → {old + 5}点" in diff
    round_ = create_round(alice_client, rules=f"version:{version.pk}")
    assert (round_.rules_version_id, round_.rules_name) == (version.pk, "")
    upload_ok(alice_client, round_, ward_files)
    result = run(alice_client, round_)
    result.refresh_from_db()
    assert result.status == RunStatus.DONE, result.error
    assert result.rules_text == version.rules_yaml and result.rules_version_id == version.pk
    shipped, mine = _points(done_run), _points(result)
    assert shipped.keys() == mine.keys() and shipped != mine
    assert any(mine[c] == shipped[c] + 5 for c in mine)  # a guardian in full-time employment
    stored = json.loads(gzip.decompress(bytes(result.result_json)))
    assert stored["run"]["rules_name"] == version.display_name
    for url in (f"/hoiku/runs/{result.pk}/", f"/hoiku/rounds/{round_.pk}/", "/hoiku/"):
        assert version.display_name in alice_client.get(url).content.decode(), url
    assert "江東区の利用調整基準(同梱の初期値)" in alice_client.get(f"/hoiku/runs/{done_run.pk}/").content.decode()


def test_a_confirmation_after_a_run_leaves_the_run_reproducible(alice_client, alice, ward_files):
    version = make_version(alice)
    round_ = create_round(alice_client, rules=f"version:{version.pk}")
    upload_ok(alice_client, round_, ward_files)
    first = run(alice_client, round_)
    where = next(w for w, p in version.rules().values() if not p.confirmed)
    assert alice_client.post(f"/hoiku/rules/{version.pk}/confirm/", {"where": where}).status_code == 302
    version.refresh_from_db()
    assert version.rules_yaml != first.rules_text
    assert alice_client.post(f"/hoiku/runs/{first.pk}/reproduce/").status_code == 302
    again = Run.objects.unscoped("test").latest("id")
    assert again.rules_text == first.rules_text
    assert "再現を確認" in alice_client.get(f"/hoiku/runs/{again.pk}/").content.decode()


def _post_manual(client, r: Run, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(f"/hoiku/runs/{r.pk}/parity/", {"manual": SimpleUploadedFile(name, data)})


def test_a_manual_result_is_compared_grouped_by_cause_kept_and_downloadable(alice_client, alice, done_run):
    rows = RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run).order_by("child_id")
    admitted = [r for r in rows if r.facility_id]
    # The manual result takes one child's seat away and gives it to a child of the same age who did not ask for
    # that facility: the facility's count stays within its places, so the cause is the choice, not capacity.
    dropped, moved = next(
        (a, b) for a in admitted for b in admitted
        if a.age_class == b.age_class and b.facility_id != a.facility_id
        and a.facility_id not in {c["facility_id"] for c in b.choices}
    )
    changes = {dropped.child_id: "", moved.child_id: dropped.facility_id}
    response = _post_manual(alice_client, done_run, "手作業.csv", manual_csv(done_run, changes))
    assert response.status_code == 302, response.content.decode()[:3000]
    check = ParityCheck.objects.for_org(done_run.organisation_id).get()
    assert (check.children, check.same) == (len(rows), len(rows) - 2)
    page = alice_client.get(f"/hoiku/parity/{check.pk}/").content.decode()
    share = f"{check.same / check.children:.1%}"
    assert f"一致率 <strong>{share}</strong>" in page
    report = check.report
    assert {d["child_id"] for d in report["differences"]} >= {dropped.child_id, moved.child_id}
    not_chosen = next(d for d in report["differences"] if d["child_id"] == moved.child_id)
    assert not_chosen["cause"] == "not_chosen" and not_chosen["text"] in page
    for label, n in report["by_cause"].items():
        assert f"{label}</a>: {n} 人" in page and f"{label}({n} 人)" in page
    book = alice_client.get(f"/hoiku/parity/{check.pk}/download/")
    sheet = openpyxl.load_workbook(io.BytesIO(book.content))["違い"]
    assert sheet.max_row - 1 == len(report["differences"])
    assert "手作業.csv" in alice_client.get(f"/hoiku/runs/{done_run.pk}/parity/").content.decode()
    actions = set(AuditEntry.objects.for_org(alice.organisation_id).values_list("action", flat=True))
    assert {"hoiku_parity", "hoiku_parity_download"} <= actions


def test_the_runs_own_result_as_the_manual_one_agrees_fully(alice_client, done_run):
    assert _post_manual(alice_client, done_run, "same.csv", manual_csv(done_run)).status_code == 302
    check = ParityCheck.objects.for_org(done_run.organisation_id).get()
    assert check.same == check.children and check.report["differences"] == []
    assert "違いはありません" in alice_client.get(f"/hoiku/parity/{check.pk}/").content.decode()


def test_a_bad_manual_result_names_file_row_and_column_and_stores_nothing(alice_client, alice, done_run):
    good = manual_csv(done_run).decode().splitlines()
    unknown = [good[0], "NOSUCH,", *good[2:]]  # the first child replaced by an unknown one
    response = _post_manual(alice_client, done_run, "bad.csv", ("\n".join(unknown) + "\n").encode())
    page = response.content.decode()
    assert response.status_code == 422
    assert "bad.csv" in page and "児童番号「NOSUCH」は結果にありません" in page and '<td class="num">2</td>' in page
    assert "手作業の結果にありません" in page  # the child left out
    response = _post_manual(alice_client, done_run, "cols.csv", "児童,施設\n1,2\n".encode())
    assert response.status_code == 422 and "「児童番号」列がありません" in response.content.decode()
    assert not ParityCheck.objects.for_org(done_run.organisation_id).exists()
    assert AuditEntry.objects.for_org(alice.organisation_id).filter(action="hoiku_parity_rejected").count() == 2
