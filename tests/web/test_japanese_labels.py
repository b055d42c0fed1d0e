"""Plain Japanese where internal names reached users: the audit log, jinzai's role types and solver statuses, and
the new-user form's default role."""

from __future__ import annotations

import re

from kyodo.web.accounts.models import Role
from kyodo.web.audit.describe import details_text, object_label
from kyodo.web.audit.log import record
from kyodo.web.audit.models import Action, AuditEntry
from kyodo.web.jinzai.models import MatchingRun, RunStatus

from .conftest import client_for
from .jinzai.world import make_coordinator, make_specialist


def _audit_rows(client) -> list[str]:  # type: ignore[no-untyped-def]
    body = client.get("/audit/").content.decode()
    return [re.sub(r"<[^>]+>", " ", row) for row in re.findall(r"<tr><td>.*?</tr>", body, re.S)]


def test_the_audit_log_names_a_run_and_its_details_in_japanese(alice, alice_client, done_run):
    rows = _audit_rows(alice_client)
    run_rows = [r for r in rows if "利用調整の実行" in r and "乱数シード" in r]
    assert run_rows, rows[:5]
    assert f"保育所利用調整 第{done_run.number}回の実行" in run_rows[0]
    assert f"回: {done_run.number}" in run_rows[0] and "職員判断の数: 0" in run_rows[0]
    page = "".join(rows)
    assert "hoiku.Run" not in page and "{'" not in page and "hoiku.Round" not in page
    assert "保育所利用調整回「" in page  # the round, by its title


def test_details_are_key_value_japanese_and_unknown_keys_are_kept():
    text = details_text({"kind": "fix", "child_id": "1110", "reason": "双子を同じ園に", "mystery_key": [1, 2],
                         "changes": {"role": "staff", "is_active": False}})
    assert text == ("種類: 施設を指定(固定) / 児童番号: 1110 / 理由: 双子を同じ園に / mystery_key: 1、2"
                    " / 変更: (役割: 職員、有効: いいえ)")
    assert details_text({}) == "" and details_text({"facility_id": None}) == "施設番号: なし"


def test_objects_deleted_or_of_other_organisations_are_named_by_number(alice, bob, charlie):
    record(alice, Action.USER_CHANGE, bob, username="bob")
    # An entry naming a user of another organisation (a forged or stale id) must not reveal that user's name.
    AuditEntry.objects.create(organisation_id=alice.organisation_id, action=Action.USER_CHANGE,
                              object_type="accounts.User", object_id=str(charlie.pk), details={})
    AuditEntry.objects.create(organisation_id=alice.organisation_id, action=Action.DECISION_REVOKE,
                              object_type="hoiku.Decision", object_id="987654", details={"kind": "forbid"})
    rows = _audit_rows(client_for(alice))
    page = "".join(rows)
    assert "利用者「望 太郎」" in page
    assert "茶井" not in page and f"利用者(番号 {charlie.pk}、削除済み)" in page
    assert "保育所利用調整の職員判断(番号 987654、削除済み)" in page and "種類: 施設を除外" in page
    assert object_label("", "") == "" and object_label("other.Thing", "5") == "other.Thing(番号 5)"


def test_the_audit_page_reads_objects_in_a_few_queries(alice, alice_client, bob, django_assert_max_num_queries):
    for _ in range(30):
        record(alice, Action.USER_CHANGE, bob, username="bob")
    with django_assert_max_num_queries(12):
        assert alice_client.get("/audit/").status_code == 200


def test_jinzai_shows_role_types_and_solver_status_by_their_japanese_names(db):
    dora = make_coordinator()
    make_specialist("江戸 絵里", "eve", role_type="business_architect")
    body = client_for(dora).get("/jinzai/specialists/").content.decode()
    assert "business_architect" not in body and "ビジネスアーキテクト" in body
    MatchingRun.objects.create(
        organisation_id=dora.organisation_id, created_by=dora, status=RunStatus.DONE, progress=100, method="cpsat",
        plan={"method": "cpsat", "status": "OPTIMAL", "solve_seconds": 0.2,
              "summary": {"requests": 0, "served": 0, "hours_served": 0, "hours_requested": 0}},
    )
    board = client_for(dora).get("/jinzai/board/").content.decode()
    assert "OPTIMAL" not in board and "結果 最適解" in board and "方式 最適化(CP-SAT)" in board
    assert "<td>cpsat</td>" not in board


def test_the_solver_status_labels_cover_every_engine_status():
    from kyodo.web.jinzai.templatetags.jinzai_tags import jinzai_role_name, jinzai_solver_status

    assert [jinzai_solver_status(s) for s in ("OPTIMAL", "FEASIBLE", "GREEDY")] == [
        "最適解", "実行可能解(最適とは限らない)", "貪欲法"]
    assert jinzai_role_name("") == "—" and jinzai_role_name("unknown_type") == "unknown_type"


def test_the_new_user_form_defaults_to_staff(alice_client):
    body = alice_client.get("/users/new/").content.decode()
    selected = re.findall(r'<option value="(\w+)"[^>]*selected', body)
    assert selected == [Role.STAFF], selected


def test_a_queued_matching_names_no_shell_command(db):
    dora = make_coordinator()
    run = MatchingRun.objects.create(organisation_id=dora.organisation_id, created_by=dora, status=RunStatus.QUEUED)
    body = client_for(dora).get(f"/jinzai/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert "処理の順番を待っています" in body and "kyodo web worker" not in body and "ワーカー" not in body
