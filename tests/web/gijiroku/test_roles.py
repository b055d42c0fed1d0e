"""Meetings belong to one organisation: another organisation's staff get 404 and never any of its words."""

from __future__ import annotations

from django.test import Client

from kyodo.web.gijiroku import services
from kyodo.web.gijiroku.models import Meeting

from .world import SECRET_SPEAKER, SECRET_TERM, SECRET_TEXT, SECRET_TITLE, make_meeting

SECRETS = (SECRET_TITLE, SECRET_TEXT, SECRET_SPEAKER, "ただいまから開会いたします")


def _urls(meeting: Meeting) -> list[str]:
    base = f"/gijiroku/meetings/{meeting.pk}"
    return [f"{base}/", f"{base}/progress/", f"{base}/audio/", f"{base}/export/full/docx/",
            f"{base}/export/summary/md/"]


def test_another_organisation_gets_404_and_none_of_the_transcript(charlie_client, alice, bob):
    meeting = make_meeting(alice)
    segment = meeting.segments.get(index=0)
    for url in _urls(meeting):
        response = charlie_client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode(errors="replace")
        assert not any(s in body for s in SECRETS), url
    posts = {
        f"/gijiroku/segments/{segment.pk}/": {"text": "書き換え", "speaker": 0, "mark": ""},
        f"/gijiroku/meetings/{meeting.pk}/speakers/": {"role_0": "乗っ取り", "name_0": "茶井"},
    }
    for url, data in posts.items():
        assert charlie_client.post(url, data).status_code == 404, url
    segment.refresh_from_db()
    assert segment.text == "ただいまから開会いたします。"
    assert meeting.speakers.get(index=0).name == SECRET_SPEAKER
    listing = charlie_client.get("/gijiroku/").content.decode()
    assert SECRET_TITLE not in listing and "会議はまだありません" in listing


def test_colleagues_in_the_same_organisation_share_meetings(bob_client, alice):
    meeting = make_meeting(alice)
    for url in _urls(meeting):
        assert bob_client.get(url).status_code == 200, url
    assert SECRET_TEXT in bob_client.get(f"/gijiroku/meetings/{meeting.pk}/").content.decode()
    assert SECRET_TITLE in bob_client.get("/gijiroku/").content.decode()


def test_the_glossary_is_each_organisations_own(bob_client, charlie_client, bob, charlie):
    bob_client.post("/gijiroku/glossary/", {"terms": f"江東区\n{SECRET_TERM}\n江東区"})
    assert services.vocabulary_for(bob.organisation_id).terms == ["江東区", SECRET_TERM]
    assert SECRET_TERM in bob_client.get("/gijiroku/glossary/").content.decode()
    assert SECRET_TERM not in charlie_client.get("/gijiroku/glossary/").content.decode()
    # 大田区 starts with its own default vocabulary: its name and towns, none of 江東区's.
    ota = services.vocabulary_for(charlie.organisation_id).terms
    assert ota[0] == "大田区" and "蒲田" in ota and "亀戸" not in ota and SECRET_TERM not in ota
    # What recognition is given comes from the uploader's organisation only.
    options = services.pipeline_options(services.vocabulary_data(services.vocabulary_for(bob.organisation_id)))
    assert options.glossary.terms == ("江東区", SECRET_TERM)


def test_anonymous_visitors_are_sent_to_the_login_page(alice):
    meeting = make_meeting(alice)
    for url in [*_urls(meeting), "/gijiroku/", "/gijiroku/upload/", "/gijiroku/glossary/"]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url


def test_a_segment_cannot_be_given_a_speaker_the_meeting_does_not_have(bob_client, bob):
    meeting = make_meeting(bob)
    segment = meeting.segments.get(index=1)
    response = bob_client.post(f"/gijiroku/segments/{segment.pk}/", {"text": "変更", "speaker": 7, "mark": ""})
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.speaker == 1 and segment.text == "事務局から説明します。"


def test_a_meeting_is_deleted_by_its_uploader_or_an_administrator_only(alice_client, bob_client, alice, bob,
                                                                        settings):
    from pathlib import Path

    from kyodo.web.audit.models import AuditEntry

    from .conftest import media_files

    meeting = make_meeting(alice)
    recording = services.audio_file(meeting)
    url = f"/gijiroku/meetings/{meeting.pk}/delete/"
    assert bob_client.post(url, {"confirm": "yes"}).status_code == 403
    assert "削除する場合は、確認の欄にチェック" in alice_client.post(url, follow=True).content.decode()
    assert Meeting.objects.for_user(alice).count() == 1 and recording.is_file()

    mine = make_meeting(bob, title="防災会議")
    response = bob_client.post(f"/gijiroku/meetings/{mine.pk}/delete/", {"confirm": "yes"})
    assert response.status_code == 302
    assert list(Meeting.objects.for_user(bob)) == [meeting]
    assert media_files(settings) == [recording]
    response = alice_client.post(url, {"confirm": "yes"}, follow=True)
    assert "の録音と文字起こしを削除しました" in response.content.decode()
    assert Meeting.objects.for_user(alice).count() == 0 and media_files(settings) == []
    assert not Path(recording).exists()
    deleted = AuditEntry.objects.for_user(alice).filter(action="gijiroku_delete").order_by("id")
    assert [e.details["title"] for e in deleted] == ["防災会議", SECRET_TITLE]
