"""Municipalities see their own plans in full; 東京都 sees all; others only aggregates, unless a plan is shared."""

from __future__ import annotations

from datetime import date

from kyodo.web.hyojunka.models import Plan

from .world import KOTO_SECRET_VENDOR, koto_plans


def _koto_plan(koto) -> Plan:  # type: ignore[no-untyped-def]
    plan = koto_plans(koto)["juki"]
    plan.vendor = KOTO_SECRET_VENDOR
    plan.steps = {"1": "2026-01-05"}
    plan.save()
    return plan


def test_another_municipality_gets_nothing_of_an_unshared_plan(charlie_client, koto):
    plan = _koto_plan(koto)
    for url in (f"/hyojunka/plans/{plan.pk}/", f"/hyojunka/plans/{plan.pk}/fitgap/",
                f"/hyojunka/plans/{plan.pk}/steps/2/help/"):
        assert charlie_client.get(url).status_code == 404, url
    assert charlie_client.post(f"/hyojunka/plans/{plan.pk}/steps/2/", {"done_on": "2026-02-01"}).status_code == 404
    plan.refresh_from_db()
    assert plan.steps == {"1": "2026-01-05"}
    assert charlie_client.get("/hyojunka/dashboard/").status_code == 403
    assert charlie_client.get("/hyojunka/dashboard/export.xlsx").status_code == 403


def test_another_municipality_sees_aggregates_without_names(charlie_client, koto):
    _koto_plan(koto)
    page = charlie_client.get("/hyojunka/overview/").content.decode()
    assert "住民基本台帳" in page and KOTO_SECRET_VENDOR not in page and "江東区" not in page


def test_a_shared_plan_is_readable_but_not_changeable_by_another_municipality(charlie_client, koto):
    plan = _koto_plan(koto)
    plan.shared = True
    plan.save()
    assert "江東区 住民基本台帳" in charlie_client.get("/hyojunka/overview/").content.decode()
    page = charlie_client.get(f"/hyojunka/plans/{plan.pk}/").content.decode()
    assert KOTO_SECRET_VENDOR in page and "閲覧のみ" in page and 'id="plan-form"' not in page
    response = charlie_client.post(f"/hyojunka/plans/{plan.pk}/", {"vendor": "書き換え", "form": "単独",
                                                                   "deadline": "2026-03-31"})
    plan.refresh_from_db()
    assert response.status_code == 200 and plan.vendor == KOTO_SECRET_VENDOR
    assert charlie_client.post(f"/hyojunka/plans/{plan.pk}/steps/2/", {"done_on": "2026-02-01"}).status_code == 404
    assert charlie_client.get(f"/hyojunka/plans/{plan.pk}/steps/2/help/").status_code == 404


def test_tokyo_sees_every_plan_read_only_and_the_dashboard(dora_client, koto, ota):
    plan = _koto_plan(koto)
    koto_plans(ota)
    page = dora_client.get(f"/hyojunka/plans/{plan.pk}/").content.decode()
    assert KOTO_SECRET_VENDOR in page and 'id="plan-form"' not in page
    assert dora_client.post(f"/hyojunka/plans/{plan.pk}/steps/2/", {"done_on": "2026-02-01"}).status_code == 403
    board = dora_client.get("/hyojunka/dashboard/").content.decode()
    assert "江東区" in board and "大田区" in board
    assert dora_client.get("/hyojunka/").status_code == 302  # Tokyo has no plans of its own: to the dashboard


def test_a_municipality_sees_only_its_own_plans_at_home(bob_client, charlie_client, koto, ota):
    _koto_plan(koto)
    page = charlie_client.get("/hyojunka/").content.decode()
    assert KOTO_SECRET_VENDOR not in page
    assert Plan.objects.for_org(ota).count() == 20
    assert {p.organisation_id for p in Plan.objects.for_org(ota)} == {ota.pk}
    assert date.today()  # the home page judged at today's date without error
