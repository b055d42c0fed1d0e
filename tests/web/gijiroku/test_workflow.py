"""Upload a short synthetic meeting → transcribe (immediate backend) → edit, rename, mark → export DOCX/Markdown."""

from __future__ import annotations

import io

from kyodo.web.audit.models import AuditEntry
from kyodo.web.gijiroku.models import Mark, Meeting, MeetingStatus

from .conftest import media_files
from .helpers import upload


def _docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_a_recording_is_transcribed_edited_and_exported(bob_client, bob, clip, settings):
    bob_client.post("/gijiroku/corrections/", {"corrections": "防災訓練,総合防災訓練,正式名称"})
    bob_client.post("/gijiroku/glossary/", {"terms": "江東区\n事務局\n防災課"})

    response = upload(bob_client, clip.path)
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.for_user(bob).get()
    assert response["Location"] == f"/gijiroku/meetings/{meeting.pk}/"
    assert meeting.status == MeetingStatus.DONE, meeting.error
    assert meeting.vocabulary["terms"] == ["江東区", "事務局", "防災課"]
    assert [p.name for p in media_files(settings)] == [meeting.audio_path.split("/")[1]]
    assert abs(meeting.duration - clip.duration) < 0.5

    segments = list(meeting.segments.all())
    assert len(segments) >= 2 and {s.speaker for s in segments} == {0, 1}
    assert all(s.raw_text for s in segments)
    # The raw transcript keeps what was heard (fillers, the uncorrected word); the minutes text is cleaned.
    first = segments[0]
    assert first.raw_text.startswith("あの") and not first.text.startswith("あの")
    assert "総合防災訓練" in first.text and "総合" not in first.raw_text
    assert first.corrections == [{"wrong": "防災訓練", "right": "総合防災訓練", "count": 1, "source": "list"}]
    # Speakers named from the attendees, in speaking order: a member with 君, an official by the title alone.
    assert [s.label() for s in meeting.speakers.all()] == ["事務局", "議長(山田太郎君)"]
    assert [str(a) for a in meeting.attendee_list.all()] == ["事務局:佐藤花子", "議長:山田太郎"]

    page = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/").content.decode()
    assert f'src="/gijiroku/meetings/{meeting.pk}/audio/"' in page and "gijiroku/editor.js" in page
    assert first.raw_text in page and "認識結果(元のまま)" in page
    polled = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/progress/", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true" and "完了" in polled.content.decode()

    # Correct a segment's text and mark it as an action item (HTMX: the row comes back).
    last = segments[-1]
    edited = "事務局は来月末までに防災訓練の結果を報告してください。"
    response = bob_client.post(f"/gijiroku/segments/{last.pk}/", {"text": edited, "speaker": last.speaker,
                                                                 "mark": "action"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "保存しました" in response.content.decode()
    last.refresh_from_db()
    assert last.text == edited and last.mark == Mark.ACTION and last.edited_by == bob
    assert last.raw_text == segments[-1].raw_text and last.raw_text != edited
    # A plain form post (no JavaScript) works too: mark the first segment as a decision.
    response = bob_client.post(f"/gijiroku/segments/{first.pk}/", {"text": "本件は原案のとおり承認します。",
                                                                  "speaker": 0, "mark": "decision"})
    assert response.status_code == 302

    response = bob_client.post(f"/gijiroku/meetings/{meeting.pk}/speakers/",
                               {"role_0": "事務局長", "name_0": "佐藤花子", "role_1": "委員長", "name_1": "鈴木一郎"})
    assert response.status_code == 302

    full = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/export/full/docx/")
    assert full.status_code == 200 and "attachment" in full["Content-Disposition"]
    text = _docx_text(full.content)
    assert "総務委員会" in text and "2026年11月20日" in text and "第一委員会室" in text
    assert f"○委員長(鈴木一郎君)\u3000{edited}" in text
    assert "○事務局長\u3000本件は原案のとおり承認します。" in text  # an official: the title alone
    assert "午前10時00分 開会" in text

    summary = _docx_text(bob_client.get(f"/gijiroku/meetings/{meeting.pk}/export/summary/docx/").content)
    decisions = summary.split("決定事項")[1].split("今後の対応")[0]
    actions = summary.split("今後の対応")[1]
    assert "本件は原案のとおり承認します。(事務局長)" in decisions
    assert edited in actions and "期限: 来月末" in actions

    markdown = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/export/summary/md/")
    assert markdown["Content-Type"].startswith("text/markdown") and "## 決定事項" in markdown.content.decode()

    actions_logged = list(AuditEntry.objects.for_user(bob).values_list("action", flat=True))
    for action in ("gijiroku_corrections", "gijiroku_glossary", "gijiroku_upload", "gijiroku_transcribe",
                   "gijiroku_segment_edit", "gijiroku_speaker_rename", "gijiroku_export"):
        assert action in actions_logged, action
    edit = AuditEntry.objects.for_user(bob).filter(action="gijiroku_segment_edit", object_id=str(last.pk)).first()
    assert edit is not None and edit.details["changes"]["text"]["after"] == edited


def test_the_recording_plays_from_any_point_with_byte_ranges(bob_client, bob):
    from .world import make_meeting

    meeting = make_meeting(bob)
    whole = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/audio/")
    body = b"".join(whole.streaming_content)
    assert whole.status_code == 200 and whole["Content-Type"] == "audio/wav" and whole["Accept-Ranges"] == "bytes"
    part = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/audio/", HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{len(body)}"
    assert b"".join(part.streaming_content) == body[100:200]
    tail = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/audio/", HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == body[-10:]
    beyond = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/audio/", HTTP_RANGE=f"bytes={len(body)}-")
    assert beyond.status_code == 416


def test_a_queued_meeting_is_polled_until_the_worker_has_transcribed_it(bob_client, bob, clip, settings):
    from django_tasks_db.models import DBTaskResult

    from kyodo.web.gijiroku.services import execute

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    upload(bob_client, clip.path)
    meeting = Meeting.objects.for_user(bob).get()
    assert meeting.status == MeetingStatus.QUEUED
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("transcribe_meeting") and queued.args_kwargs["args"] == [meeting.pk]
    page = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/").content.decode()
    assert f"/gijiroku/meetings/{meeting.pk}/progress/" in page and "待機中" in page
    assert "HX-Refresh" not in bob_client.get(f"/gijiroku/meetings/{meeting.pk}/progress/", HTTP_HX_REQUEST="true")
    execute(meeting.pk)  # what `kyodo web worker` does with the queued task
    polled = bob_client.get(f"/gijiroku/meetings/{meeting.pk}/progress/", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.DONE and meeting.segments.count() >= 2


def test_a_meeting_is_transcribed_again_with_the_current_glossary_but_not_while_running(bob_client, bob, settings):
    from django_tasks_db.models import DBTaskResult

    from .world import make_meeting

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    meeting = make_meeting(bob)
    bob_client.post("/gijiroku/glossary/", {"terms": "亀戸\n大島"})
    response = bob_client.post(f"/gijiroku/meetings/{meeting.pk}/transcribe/")
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.QUEUED and meeting.vocabulary["terms"] == ["亀戸", "大島"]
    assert DBTaskResult.objects.get().args_kwargs["args"] == [meeting.pk]
    again = bob_client.post(f"/gijiroku/meetings/{meeting.pk}/transcribe/", follow=True)
    assert "文字起こしの途中です" in again.content.decode() and DBTaskResult.objects.count() == 1
    entry = AuditEntry.objects.for_user(bob).filter(action="gijiroku_transcribe").get()
    assert entry.details["again"] is True and entry.details["terms"] == 2
