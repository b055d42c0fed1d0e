"""Which roles the minutes write as 議長(山田太郎君) is each organisation's own list, edited on its own page."""

from __future__ import annotations

import pytest

from kyodo.web.audit.models import AuditEntry
from kyodo.web.gijiroku import documents
from kyodo.web.gijiroku.models import member_roles_of

from .world import make_meeting

pytestmark = pytest.mark.django_db


def test_a_role_added_by_the_organisation_is_written_with_the_name(bob_client, bob):
    meeting = make_meeting(bob)
    voice = meeting.speakers.get(index=1)
    voice.role, voice.name = "理事", "田中一郎"
    voice.save()
    assert "○理事\u3000" in documents.export(meeting, "full", "md").decode()  # a title by default
    response = bob_client.post("/gijiroku/roles/", {"roles": "議長\n理事\n議長\n"})
    assert response.status_code == 302
    assert member_roles_of(bob.organisation_id) == ("議長", "理事")
    minutes = documents.export(meeting, "full", "md").decode()
    assert "○理事(田中一郎君)\u3000" in minutes and "○議長(" in minutes
    assert "理事(田中一郎君)" in bob_client.get(f"/gijiroku/meetings/{meeting.pk}/").content.decode()
    assert AuditEntry.objects.for_org(bob.organisation_id).filter(action="gijiroku_member_roles").exists()


def test_a_role_with_a_name_is_refused_and_nothing_is_saved(bob_client, bob):
    page = bob_client.post("/gijiroku/roles/", {"roles": "議長\n委員長:山田太郎"}).content.decode()
    assert "2行目" in page and "役職だけ" in page
    assert "委員長" in member_roles_of(bob.organisation_id) and "議長" in member_roles_of(bob.organisation_id)
    assert not AuditEntry.objects.for_org(bob.organisation_id).filter(action="gijiroku_member_roles").exists()


def test_an_empty_list_means_the_standard_roles_and_other_organisations_keep_theirs(bob_client, bob, charlie):
    from kyodo.gijiroku.minutes import MEMBER_ROLES

    bob_client.post("/gijiroku/roles/", {"roles": "理事"})
    assert member_roles_of(charlie.organisation_id) == MEMBER_ROLES
    bob_client.post("/gijiroku/roles/", {"roles": ""})
    assert member_roles_of(bob.organisation_id) == MEMBER_ROLES
    assert "委員長" in bob_client.get("/gijiroku/roles/").content.decode()
