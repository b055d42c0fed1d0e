"""Who sees what: coordinators (東京都), municipal staff of 江東区 and 大田区, and specialists."""

from __future__ import annotations

import pytest

from kyodo.web.jinzai import roles
from kyodo.web.jinzai.models import Engagement, MatchingRun, Proposal, RunStatus
from kyodo.web.jinzai.services import confirm

from .world import make_request, tokyo


@pytest.fixture
def koto_request(bob):
    return make_request(bob, "江東区のクラウド移行", purpose="江東区の内部事情")


@pytest.fixture
def ota_request(charlie):
    return make_request(charlie, "大田区のクラウド移行", purpose="大田区の内部事情")


def _engage(request, specialist, coordinator) -> Engagement:
    run = MatchingRun.objects.create(organisation=tokyo(), created_by=coordinator, status=RunStatus.DONE)
    return confirm(Proposal.objects.create(organisation=tokyo(), run=run, request=request, specialist=specialist),
                   coordinator)


def test_the_roles_are_told_apart(dora, eve, bob, alice):
    assert roles.is_coordinator(dora) and not roles.is_municipal(dora)
    assert roles.specialist_of(eve.user) == eve and not roles.is_coordinator(eve.user)
    assert roles.is_municipal(bob) and roles.is_municipal(alice)
    assert roles.specialist_of(bob) is None and not roles.is_coordinator(bob)


def test_a_coordinator_sees_every_municipalitys_requests(dora_client, koto_request, ota_request):
    body = dora_client.get("/jinzai/requests/").content.decode()
    assert koto_request.title in body and ota_request.title in body
    assert dora_client.get(f"/jinzai/requests/{ota_request.pk}/").status_code == 200


def test_staff_of_another_municipality_see_nothing_of_its_requests(charlie_client, koto_request, ota_request):
    body = charlie_client.get("/jinzai/requests/").content.decode()
    assert ota_request.title in body
    assert koto_request.title not in body and koto_request.purpose not in body
    assert charlie_client.get(f"/jinzai/requests/{koto_request.pk}/").status_code == 404
    assert charlie_client.get(f"/jinzai/requests/{koto_request.pk}/edit/").status_code == 404
    assert charlie_client.post(f"/jinzai/requests/{koto_request.pk}/withdraw/").status_code == 404
    koto_request.refresh_from_db()
    assert koto_request.status == "open"


def test_staff_of_the_same_municipality_share_its_requests(alice_client, koto_request):
    assert koto_request.title in alice_client.get("/jinzai/requests/").content.decode()


def test_municipal_staff_cannot_use_the_coordinators_pages(bob_client, koto_request):
    for url in ("/jinzai/board/", "/jinzai/specialists/", "/jinzai/specialists/new/", "/jinzai/charts/"):
        assert bob_client.get(url).status_code == 403, url
    assert bob_client.post("/jinzai/board/run/").status_code == 403


def test_municipal_staff_see_only_names_and_role_types_of_the_pool(bob_client, eve):
    eve.conflicts = ["131113"]
    eve.current_load_hours = 7
    eve.save()
    body = bob_client.get("/jinzai/requests/new/").content.decode()
    assert eve.name in body
    assert "利益相反" not in body and "週の稼働" not in body
    assert bob_client.get(f"/jinzai/specialists/{eve.pk}/").status_code == 403


def test_a_coordinator_cannot_file_or_change_a_municipalitys_request(dora_client, koto_request):
    assert dora_client.get("/jinzai/requests/new/").status_code == 403
    assert dora_client.get(f"/jinzai/requests/{koto_request.pk}/edit/").status_code == 403


def test_a_specialist_sees_only_their_own_engagements(eve, eve_client, frank, dora, bob, charlie):
    mine = _engage(make_request(bob, "江東区の支援"), eve, dora)
    theirs = _engage(make_request(charlie, "大田区の支援", skills={"data_literacy": 2}), frank, dora)
    body = eve_client.get("/jinzai/engagements/").content.decode()
    assert "江東区の支援" in body and "大田区の支援" not in body
    assert eve_client.get(f"/jinzai/engagements/{mine.pk}/").status_code == 200
    assert eve_client.get(f"/jinzai/engagements/{theirs.pk}/").status_code == 404
    assert eve_client.post(f"/jinzai/engagements/{theirs.pk}/report/", {"report": "x"}).status_code == 404


def test_a_specialist_sees_no_requests_pool_or_board(eve_client, frank, koto_request):
    for url in ("/jinzai/requests/", "/jinzai/board/", "/jinzai/specialists/", "/jinzai/charts/",
                f"/jinzai/specialists/{frank.pk}/", "/jinzai/requests/new/"):
        assert eve_client.get(url).status_code == 403, url
    assert eve_client.get(f"/jinzai/requests/{koto_request.pk}/").status_code == 404


def test_municipal_staff_see_their_engagements_not_other_municipalities(bob_client, charlie_client, eve, dora, bob):
    e = _engage(make_request(bob, "江東区の支援"), eve, dora)
    assert bob_client.get(f"/jinzai/engagements/{e.pk}/").status_code == 200
    assert charlie_client.get(f"/jinzai/engagements/{e.pk}/").status_code == 404
    assert "江東区の支援" not in charlie_client.get("/jinzai/engagements/").content.decode()
    assert charlie_client.post(f"/jinzai/engagements/{e.pk}/rating/", {"rating": 1}).status_code == 404


def test_only_the_assigned_specialist_reports_and_only_the_municipality_rates(
    bob_client, dora_client, eve_client, eve, dora, bob
):
    e = _engage(make_request(bob, "江東区の支援"), eve, dora)
    assert bob_client.post(f"/jinzai/engagements/{e.pk}/report/", {"report": "x"}).status_code == 403
    assert dora_client.post(f"/jinzai/engagements/{e.pk}/report/", {"report": "x"}).status_code == 403
    assert eve_client.post(f"/jinzai/engagements/{e.pk}/rating/", {"rating": 5}).status_code == 403
    assert dora_client.post(f"/jinzai/engagements/{e.pk}/rating/", {"rating": 5}).status_code == 403


def test_a_specialist_edits_their_availability_but_not_their_conflicts(eve_client, eve):
    data = {"availability": 2, "availability_unit": "日", "modes": "リモートのみ", "home_area": "多摩",
            "skill__cloud_infrastructure": 4, "conflicts": ["131083"], "max_cases": 9}
    assert eve_client.post("/jinzai/me/", data).status_code == 302
    eve.refresh_from_db()
    assert eve.hours_per_week == 16 and eve.modes == "リモートのみ" and eve.home_area == "多摩"
    assert eve.skills == {"cloud_infrastructure": 4}
    assert eve.conflicts == [] and eve.max_cases is None


def test_a_specialist_manages_only_their_own_absences(eve_client, frank, eve):
    assert eve_client.post("/jinzai/me/absences/", {"start": "2026-12-01", "end": "2026-12-05", "note": "出張"}
                           ).status_code == 302
    assert eve.absences.count() == 1
    other = frank.absences.create(organisation=frank.organisation, start="2026-12-01", end="2026-12-02")
    assert eve_client.post(f"/jinzai/me/absences/{other.pk}/delete/").status_code == 404
    assert frank.absences.count() == 1


def test_a_user_who_is_no_specialist_has_no_profile_page(bob_client, dora_client):
    assert bob_client.get("/jinzai/me/").status_code == 403
    assert dora_client.get("/jinzai/me/").status_code == 403
