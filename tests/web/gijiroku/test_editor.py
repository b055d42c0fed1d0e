"""The editor's meeting-wide operations and search, through the views (no speech recognition)."""

from __future__ import annotations

import pytest

from kyodo.web.audit.models import AuditEntry
from kyodo.web.gijiroku import documents, services
from kyodo.web.gijiroku.models import Segment

from .world import SECRET_TEXT, make_meeting

pytestmark = pytest.mark.django_db


def _texts(meeting) -> list[tuple[int, int, str]]:  # type: ignore[no-untyped-def]
    return [(s.index, s.speaker, s.text) for s in meeting.segments.all()]


def test_one_click_makes_a_voice_an_attendee_for_the_whole_meeting(bob_client, bob):
    meeting = make_meeting(bob)
    officer = meeting.attendee_list.get(role="子ども未来部長")
    voice = meeting.speakers.get(index=1)
    response = bob_client.post(f"/gijiroku/speakers/{voice.pk}/assign/", {"attendee": officer.pk})
    assert response.status_code == 302
    voice.refresh_from_db()
    assert voice.attendee == officer and voice.label() == "子ども未来部長"
    minutes = documents.export(meeting, "full", "md").decode()
    assert "○子ども未来部長\u3000事務局から説明します。" in minutes and "○議長(" in minutes
    assert AuditEntry.objects.for_org(bob.organisation_id).filter(action="gijiroku_speaker_assign").exists()


def test_an_attendee_of_another_meeting_cannot_be_assigned(bob_client, bob):
    first, second = make_meeting(bob), make_meeting(bob, title="別の会議")
    voice = first.speakers.get(index=1)
    bob_client.post(f"/gijiroku/speakers/{voice.pk}/assign/", {"attendee": second.attendee_list.first().pk})
    voice.refresh_from_db()
    assert voice.attendee is None


def test_attendees_are_replaced_from_lines(bob_client, bob):
    meeting = make_meeting(bob)
    bob_client.post(f"/gijiroku/meetings/{meeting.pk}/attendees/", {"attendees": "委員長:山田太郎\n都市整備部長:田中一郎"})
    assert [a.label() for a in meeting.attendee_list.all()] == ["委員長(山田太郎君)", "都市整備部長"]


def test_a_segment_is_split_at_the_caret_and_merged_back(bob_client, bob):
    meeting = make_meeting(bob)
    third = meeting.segments.get(index=2)
    text, start, end = third.text, third.start, third.end
    at = text.index("防災課")
    assert bob_client.post(f"/gijiroku/segments/{third.pk}/split/", {"at": at}).status_code == 302
    rows = _texts(meeting)
    assert [i for i, _, _ in rows] == [0, 1, 2, 3]
    assert rows[2][2] + rows[3][2] == text and rows[3][2].startswith("防災課")
    parts = list(meeting.segments.filter(index__in=[2, 3]))
    assert parts[0].start == start and parts[1].end == end and parts[0].end == parts[1].start
    assert bob_client.post(f"/gijiroku/segments/{parts[0].pk}/merge/").status_code == 302
    assert [t for _, _, t in _texts(meeting)][2] == text and meeting.segments.count() == 3


def test_splitting_at_the_edge_or_merging_the_last_segment_is_refused(bob_client, bob):
    meeting = make_meeting(bob)
    last = meeting.segments.get(index=2)
    page = bob_client.post(f"/gijiroku/segments/{last.pk}/split/", {"at": "0"}, follow=True).content.decode()
    assert "分割する位置" in page
    page = bob_client.post(f"/gijiroku/segments/{last.pk}/merge/", follow=True).content.decode()
    assert "最後の発言" in page and meeting.segments.count() == 3


def test_a_missed_speaker_is_added_and_given_a_segment(bob_client, bob):
    meeting = make_meeting(bob)
    bob_client.post(f"/gijiroku/meetings/{meeting.pk}/speakers/add/", {"role": "委員", "name": "鈴木一郎"})
    added = meeting.speakers.get(index=2)
    assert added.label() == "委員(鈴木一郎君)"
    segment = meeting.segments.get(index=1)
    bob_client.post(f"/gijiroku/segments/{segment.pk}/", {"text": segment.text, "speaker": 2, "mark": ""})
    assert Segment.objects.for_user(bob).get(pk=segment.pk).speaker == 2


def test_find_and_replace_across_the_meeting_can_become_a_correction(bob_client, bob):
    meeting = make_meeting(bob)
    bob_client.post(f"/gijiroku/meetings/{meeting.pk}/replace/", {"find": "防災課", "replace": "危機管理課", "save": "yes"})
    segment = meeting.segments.get(index=2)
    assert "危機管理課" in segment.text and "防災課" in segment.raw_text
    assert segment.corrections[-1] == {"wrong": "防災課", "right": "危機管理課", "count": 1, "source": "replace"}
    vocabulary = services.vocabulary_for(bob.organisation_id)
    assert {"wrong": "防災課", "right": "危機管理課", "note": "置換から登録"} in vocabulary.corrections
    page = bob_client.post(f"/gijiroku/meetings/{meeting.pk}/replace/", {"find": " ", "replace": "x"}, follow=True)
    assert "置き換える語を入力" in page.content.decode()


def test_search_finds_words_and_speakers_in_the_organisations_meetings_only(bob_client, charlie_client, bob):
    make_meeting(bob)
    page = bob_client.get("/gijiroku/search/", {"q": "原案 承認"}).content.decode()  # every word
    assert "1件" in page and "原案" in page
    assert "0件" in bob_client.get("/gijiroku/search/", {"q": "原案 予算"}).content.decode()
    assert "1件" in bob_client.get("/gijiroku/search/", {"q": "原案", "speaker": "議長"}).content.decode()
    assert "0件" in bob_client.get("/gijiroku/search/", {"q": "原案", "speaker": "部長"}).content.decode()
    other = charlie_client.get("/gijiroku/search/", {"q": "原案"}).content.decode()
    assert "0件" in other and SECRET_TEXT not in other


def test_the_time_remaining_is_estimated_from_this_runs_own_progress():
    assert services.remaining_ja(2.0, 0.0, 0.5) == ""  # too early to say
    assert services.remaining_ja(600.0, 0.0, 0.5) == "(残り約10分)"
    assert services.remaining_ja(600.0, 0.4, 0.5) == "(残り約50分)"  # resumed at 40 %: judged on its own pace
    assert services.remaining_ja(600.0, 0.0, 0.1) == "(残り約1時間30分)"
    assert services.remaining_ja(600.0, 0.0, 0.99) == "(まもなく完了)"


def test_the_meeting_adds_its_title_agenda_and_attendees_to_the_vocabulary(bob):
    meeting = make_meeting(bob)
    meeting.agenda = "亀戸防災拠点の整備\n\n待機児童対策"
    options = services.pipeline_options(meeting)
    assert options.meeting.agenda == ("亀戸防災拠点の整備", "待機児童対策")
    assert {"議長", "子ども未来部長", "佐藤花子"} <= set(options.meeting.people)
    assert str(options.checkpoint_dir).endswith(f"checkpoints/{meeting.pk}")
