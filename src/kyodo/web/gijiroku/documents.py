"""What leaves the app: minutes (DOCX, Markdown) built by the engine from the edited segments, and the recording.

The engine builds the minutes from a `Transcript`; here the transcript is the staff's version (their text and
speaker names), and the decisions and action items are the segments staff marked, not the engine's guesses.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from kyodo.web.gijiroku.models import Mark, Meeting, Segment, member_roles_of

AUDIO_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "m4a": "audio/mp4", "mp4": "video/mp4"}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 256 * 1024


def meeting_info(meeting: Meeting) -> Any:
    from kyodo.gijiroku.minutes import MeetingInfo, SpeakerName

    roles = member_roles_of(meeting.organisation_id)
    speakers = {s.index: s.speaker_name(roles) for s in meeting.speakers.all()}
    count = max(speakers, default=-1) + 1
    started = timezone.localtime(meeting.started_at).replace(tzinfo=None) if meeting.started_at else None
    return MeetingInfo(
        title=meeting.title, started_at=started, place=meeting.place,
        speakers=tuple(speakers.get(i, SpeakerName()) for i in range(count)),
    )


def transcript_of(meeting: Meeting, segments: list[Segment]) -> Any:
    from kyodo.gijiroku.transcript import Transcript, Utterance

    utterances = [Utterance(speaker=s.speaker, start=s.start, end=s.end, raw_text=s.raw_text, text=s.text)
                  for s in segments]
    return Transcript(duration=meeting.duration, utterances=utterances,
                      speaker_count=len({s.speaker for s in segments}), model_name=meeting.model_name)


def build(meeting: Meeting, style: str) -> Any:
    """The engine's minutes, with decisions and action items taken from the staff's marks."""
    from kyodo.gijiroku.minutes import (
        ActionItem,
        Decision,
        build_minutes,
        default_minutes_rules,
        find_actions,
        find_decisions,
    )

    segments = list(meeting.segments.all())
    info = meeting_info(meeting)
    transcript = transcript_of(meeting, segments)
    minutes = build_minutes(transcript, info, style=style)
    rules, decisions, actions = default_minutes_rules(), [], []
    for segment, utterance in zip(segments, transcript.utterances, strict=True):
        if not segment.text:
            continue
        label = info.speaker_label(segment.speaker)
        if segment.mark == Mark.DECISION:
            # The sentences the engine's rules pick out, or the whole utterance when staff marked other wording.
            decisions += find_decisions([utterance], info, rules) or [Decision(segment.text, label, segment.start)]
        elif segment.mark == Mark.ACTION:
            actions += find_actions([utterance], info, rules) or [ActionItem(segment.text, label, segment.start)]
    minutes.decisions, minutes.actions = decisions, actions
    return minutes


def export(meeting: Meeting, style: str, fmt: str) -> bytes:
    from kyodo.gijiroku.export import write_minutes

    minutes = build(meeting, style)
    with tempfile.TemporaryDirectory(prefix="kyodo-minutes-") as tmp:
        path = write_minutes(minutes, Path(tmp) / f"minutes.{fmt}")
        return path.read_bytes()


def audio_response(request: HttpRequest, path: Path, name: str) -> HttpResponse:
    """The recording, with a single byte range when the browser asks for one (seeking in <audio>)."""
    extension = path.suffix.lower().lstrip(".")
    content_type = AUDIO_TYPES.get(extension, "application/octet-stream")
    size = path.stat().st_size
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if not match or not (match.group(1) or match.group(2)):
        response: HttpResponse = FileResponse(path.open("rb"), content_type=content_type, filename=name)
        response["Accept-Ranges"] = "bytes"
        return response
    first, last = match.group(1), match.group(2)
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-N": the last N bytes
        start, end = max(0, size - int(last)), size - 1
    if start >= size or start > end:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused

    def chunks() -> Any:
        with path.open("rb") as handle:
            handle.seek(start)
            left = end - start + 1
            while left > 0:
                block = handle.read(min(_CHUNK, left))
                if not block:
                    break
                left -= len(block)
                yield block

    partial = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
    partial["Content-Range"] = f"bytes {start}-{end}/{size}"
    partial["Content-Length"] = str(end - start + 1)
    partial["Accept-Ranges"] = "bytes"
    return partial
