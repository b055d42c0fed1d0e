"""Meeting minutes' part of `kyodo web demo`: one short 江東区 committee meeting, transcribed, with its attendees.

The recording is the engine's synthetic committee (kyodo.gijiroku.synthetic: a script spoken by Open JTalk, about
75 seconds, three made-up people), so ▶ plays each utterance; the transcript is the script's words as spoken,
at the times they are spoken, cleaned by the engine's own step 5 (corrections, reading correction, ケバ取り・整文)
with the meeting's vocabulary. Speech recognition (Whisper) is not run: it would take minutes. The meeting says
so where a transcribed one names its recognition model. Without Open JTalk (pyopenjtalk-plus, a development
dependency) there is no recording to make, and the demo has no meeting.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from kyodo.web.gijiroku import editing, services
from kyodo.web.gijiroku.models import Meeting, MeetingStatus

PLACE = "江東区役所 第一委員会室"
MODEL_NAME = "デモ: 台本を合成音声で読み上げた録音(音声認識は行っていません)"


def title() -> str:
    from kyodo.gijiroku.synthetic import COMMITTEE_TITLE

    return f"{COMMITTEE_TITLE}(デモ)"


def can_synthesize() -> bool:
    """Whether Open JTalk, which speaks the recording, is installed."""
    return importlib.util.find_spec("pyopenjtalk") is not None


def _meeting_day(today: date) -> datetime:
    """10:00 on the last weekday at least a week ago."""
    day = today - timedelta(days=7)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    start: datetime = timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))
    return start


def _transcript(meeting: Meeting, synthetic: Any) -> Any:
    """The script as recognition would ideally hear it, through the engine's cleaning with the meeting's options."""
    from kyodo.gijiroku.pipeline import clean_utterances, renumber_speakers
    from kyodo.gijiroku.transcript import Transcript, Utterance

    utterances = [Utterance(line.speaker, turn.start, turn.end, line.spoken)
                  for line, turn in zip(synthetic.lines, synthetic.turns, strict=True)]
    options = services.pipeline_options(meeting)
    clean_utterances(utterances, options.glossary, options.rules, options.meeting, options.reading_correction)
    renumber_speakers(utterances)
    return Transcript(duration=synthetic.duration, utterances=utterances,
                      speaker_count=len({u.speaker for u in utterances}), model_name=MODEL_NAME)


def load(user: Any, today: date | None = None) -> Meeting | None:
    """Idempotent: the meeting once per organisation; None when Open JTalk is not installed."""
    from kyodo.gijiroku.synthetic import COMMITTEE_AGENDA, COMMITTEE_PEOPLE, committee_script, synthesize

    found: Meeting | None = Meeting.objects.for_user(user).filter(title=title()).first()
    if found is not None or not can_synthesize():
        return found
    folder = services.media_dir() / str(user.organisation_id)
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".demo-", suffix=".wav", dir=folder)
    os.close(fd)
    temporary, relative = Path(name), f"{user.organisation_id}/{uuid.uuid4().hex}.wav"
    final = services.media_dir() / relative
    try:
        synthetic = synthesize(committee_script(), temporary)
        data = temporary.read_bytes()
        with transaction.atomic():
            meeting: Meeting = Meeting.objects.create(
                organisation_id=user.organisation_id, created_by=user, title=title(),
                started_at=_meeting_day(today or timezone.localdate()), place=PLACE,
                attendees="\n".join(COMMITTEE_PEOPLE), agenda="\n".join(COMMITTEE_AGENDA), speakers_expected=3,
                audio_name="子ども家庭支援委員会(デモ・合成音声).wav", audio_path=relative,
                audio_sha256=hashlib.sha256(data).hexdigest(), audio_size=len(data), duration=synthetic.duration,
                status=MeetingStatus.DONE, progress=100, step="完了しました", model_name=MODEL_NAME,
                vocabulary=services.vocabulary_data(services.vocabulary_for(user.organisation_id)),
                started_processing_at=timezone.now(), finished_at=timezone.now(),
            )
            editing.set_attendees(meeting, str(meeting.attendees))
            services.store_transcript(meeting, _transcript(meeting, synthetic))
            os.replace(temporary, final)
    except BaseException:
        final.unlink(missing_ok=True)  # the row was rolled back: no recording without its meeting
        raise
    finally:
        temporary.unlink(missing_ok=True)
    return meeting
