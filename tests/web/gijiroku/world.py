"""Meetings the gijiroku tests share, made without speech recognition (plain functions, so the access matrix
can use them too). Alice and Bob (江東区) and Charlie (大田区) come from tests/web/conftest.py.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.test import override_settings

from kyodo.web.accounts.models import User
from kyodo.web.gijiroku import services
from kyodo.web.gijiroku.models import Attendee, Mark, Meeting, MeetingStatus, Segment, Speaker

# Text only 江東区's users may ever see.
SECRET_TITLE = "江東区議会総務委員会(秘密会)"
SECRET_TEXT = "本件は原案のとおり承認することとします。防災課は来月末までに報告してください。"
SECRET_SPEAKER = "鶴見真理子"
SECRET_TERM = "亀戸防災拠点"


def write_recording(meeting: Meeting, seconds: float = 2.0) -> Path:
    from kyodo.gijiroku.audio import SAMPLE_RATE, write_wav

    path = services.audio_file(meeting)
    path.parent.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    write_wav(path, 0.3 * np.sin(2 * np.pi * 220 * t))
    return path


def make_meeting(user: User, title: str = SECRET_TITLE) -> Meeting:
    """A transcribed meeting of the user's organisation: two speakers, three segments, a recording on disk."""
    org = user.organisation_id
    meeting: Meeting = Meeting.objects.create(
        organisation_id=org, created_by=user, title=title, place="第一委員会室", attendees=f"議長:{SECRET_SPEAKER}",
        audio_name="meeting.wav", audio_path=f"{org}/{uuid.uuid4().hex}.wav",
        audio_sha256="0" * 64, audio_size=64_000, duration=6.0, status=MeetingStatus.DONE, progress=100,
        step="完了しました", model_name="test",
    )
    Attendee.objects.create(organisation_id=org, meeting=meeting, order=0, role="議長", name=SECRET_SPEAKER)
    Attendee.objects.create(organisation_id=org, meeting=meeting, order=1, role="子ども未来部長", name="佐藤花子")
    Speaker.objects.create(organisation_id=org, meeting=meeting, index=0, role="議長", name=SECRET_SPEAKER)
    Speaker.objects.create(organisation_id=org, meeting=meeting, index=1)
    rows = [
        (0, 0.5, 2.0, "えー、ただいまから開会いたします。", "ただいまから開会いたします。", Mark.NONE),
        (1, 2.2, 4.0, "あのー、事務局から説明します。", "事務局から説明します。", Mark.NONE),
        (0, 4.2, 5.9, "それでは、" + SECRET_TEXT, "それでは、" + SECRET_TEXT, Mark.DECISION),
    ]
    for i, (speaker, start, end, raw, clean, mark) in enumerate(rows):
        Segment.objects.create(organisation_id=org, meeting=meeting, index=i, speaker=speaker, start=start, end=end,
                               raw_text=raw, cleaned_text=clean, text=clean, mark=mark)
    write_recording(meeting, 6.0)
    return meeting


def matrix_objects(o: dict[str, Any]) -> dict[str, Any]:
    """Gijiroku rows for the access matrix, made once per matrix run and kept in its objects dictionary."""
    if "gijiroku" in o:
        return o["gijiroku"]  # type: ignore[no-any-return]
    if not getattr(settings, "GIJIROKU_MEDIA_DIR", None):
        # The matrix has no fixture of ours to restore settings after it: recordings go to a temporary folder
        # (never the real data folder) for the rest of this test process.
        override_settings(GIJIROKU_MEDIA_DIR=tempfile.mkdtemp(prefix="kyodo-gijiroku-matrix-")).enable()
    bob = o["bob"]
    meeting = make_meeting(bob)
    vocabulary = services.vocabulary_for(bob.organisation_id)
    vocabulary.terms = [SECRET_TERM]
    vocabulary.save()
    o["secrets"] += [SECRET_TITLE, SECRET_TEXT, SECRET_SPEAKER, SECRET_TERM]
    o["gijiroku"] = {"meeting": meeting, "segment": meeting.segments.get(index=0),
                     "speaker": meeting.speakers.get(index=0)}
    return o["gijiroku"]  # type: ignore[no-any-return]


def gj(name: str, **extra: Any) -> Any:
    """A matrix kwargs function: {'pk': <the gijiroku object called name>, **extra}, or {} for pages without one."""
    if not name:
        return lambda o: (matrix_objects(o), {})[1]
    return lambda o: {"pk": matrix_objects(o)[name].pk, **extra}
