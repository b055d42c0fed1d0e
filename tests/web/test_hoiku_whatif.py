"""What-if on the run page: a rules variant computed in the background and compared by group, the run untouched."""

from __future__ import annotations

import pytest

from kyodo.hoiku import Decision, read, resolve_rules
from kyodo.hoiku.tools.compare import apply_overrides, compare
from kyodo.web.audit.models import AuditEntry
from kyodo.web.hoiku import services
from kyodo.web.hoiku.actions import HoikuAction
from kyodo.web.hoiku.models import Run, RunChild, WhatIf

pytestmark = pytest.mark.django_db


def _rows(run: Run) -> list[tuple[str, str, int]]:
    return list(RunChild.objects.for_org(run.organisation_id).filter(run=run).order_by("child_id")
                .values_list("child_id", "facility_id", "points"))


def _start(client, run, data):  # type: ignore[no-untyped-def]
    response = client.post(f"/hoiku/runs/{run.pk}/whatif/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return WhatIf.objects.for_org(run.organisation_id).latest("id")


def test_an_adjustment_variant_shows_the_engines_change_by_group_and_leaves_the_run_alone(done_run, bob_client):
    before, summary = _rows(done_run), dict(done_run.summary)
    whatif = _start(bob_client, done_run, {"kind": "adjustment", "adjustment": "single_parent", "points": "40"})
    assert whatif.status == "done", whatif.error
    assert whatif.title == "ひとり親世帯: 14点 → 40点"
    # The engine's own comparison on the same inputs, seed and decisions, independently of the web task.
    children, facilities, combinations = services.engine_inputs(done_run.input_set)
    base = resolve_rules("koto")
    instance = read((children, facilities), base, fiscal_year=2026, combinations=combinations)
    variant = apply_overrides("koto", {"adjustments": [{"id": "single_parent", "points": 40}]}, name="t", title="t")
    expected = compare(instance, base, variant, fiscal_year=2026, seed=done_run.seed,
                       decisions=tuple(Decision(**d) for d in done_run.decisions))
    got = {g["label"]: (g["children"], g["offered_a"], g["offered_b"], g["gained"], g["lost"], g["moved"])
           for g in whatif.result["groups"]}
    assert got == {g.label: (g.children, g.offered_a, g.offered_b, g.gained, g.lost, g.moved)
                   for g in expected.groups}
    assert whatif.result["changes_count"] == len(expected.changes)
    assert got["全体"][0] == 80 and {"0歳児", "ひとり親世帯"} <= set(got)
    page = bob_client.get(f"/hoiku/whatif/{whatif.pk}/").content.decode()
    assert "区分ごとの変化" in page and "ひとり親世帯" in page and f"結果が変わる児童({len(expected.changes)}人)" in page
    done_run.refresh_from_db()
    assert _rows(done_run) == before and done_run.summary == summary
    assert Run.objects.for_org(done_run.organisation_id).count() == 1  # no run was added to the round
    assert AuditEntry.objects.for_org(done_run.organisation_id).get(action=HoikuAction.WHATIF).username == "bob"


def test_a_big_enough_change_moves_children(done_run, alice_client):
    whatif = _start(alice_client, done_run, {"kind": "adjustment", "adjustment": "single_parent", "points": "-30"})
    total = next(g for g in whatif.result["groups"] if g["label"] == "全体")
    assert whatif.result["changes_count"] > 0 and total["gained"] + total["lost"] + total["moved"] > 0
    shown = whatif.result["changes"][0]
    assert shown["text"] and shown["child_id"] in alice_client.get(f"/hoiku/whatif/{whatif.pk}/").content.decode()


def test_another_wards_rules_are_compared(done_run, alice_client):
    whatif = _start(alice_client, done_run, {"kind": "rules", "rules_name": "ota"})
    assert whatif.title == "大田区の利用調整基準で計算"
    assert whatif.status == "done", whatif.error
    total = whatif.result["groups"][0]
    assert total["label"] == "全体" and total["children"] == 80
    assert whatif.result["variant"] == "大田区の利用調整基準で計算" and whatif.result["base"] == "江東区の利用調整基準(同梱の初期値)"
    assert "大田区の利用調整基準で計算" in alice_client.get(f"/hoiku/whatif/{whatif.pk}/").content.decode()


def test_the_same_points_or_a_missing_choice_is_refused(done_run, alice_client):
    same = alice_client.post(f"/hoiku/runs/{done_run.pk}/whatif/",
                             {"kind": "adjustment", "adjustment": "single_parent", "points": "14"})
    assert same.status_code == 422 and "今と同じ点数です" in same.content.decode()
    missing = alice_client.post(f"/hoiku/runs/{done_run.pk}/whatif/", {"kind": "rules", "rules_name": ""})
    assert missing.status_code == 422
    assert WhatIf.objects.for_org(done_run.organisation_id).count() == 0


def test_the_run_page_offers_the_what_if_form(done_run, alice_client):
    body = alice_client.get(f"/hoiku/runs/{done_run.pk}/").content.decode()
    assert 'id="whatif-form"' in body and "ひとり親世帯(今 14点)" in body and "大田区の利用調整基準" in body


def test_a_queued_what_if_polls_and_says_it_waits(done_run, alice_client, bob_client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    whatif = _start(bob_client, done_run, {"kind": "adjustment", "adjustment": "twins", "points": "5"})
    assert whatif.status == "queued"
    staff = bob_client.get(f"/hoiku/whatif/{whatif.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "処理の順番を待っています" in staff and "ワーカー" not in staff and "kyodo web" not in staff
    admin = alice_client.get(f"/hoiku/whatif/{whatif.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "ワーカーを起動してください" in admin and "uv run" not in admin
    from kyodo.web.hoiku import whatif as whatif_service

    whatif_service.execute(whatif.pk)  # what the worker does with the queued task
    done = bob_client.get(f"/hoiku/whatif/{whatif.pk}/", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
