"""The web app's calls into the minutes engine: check and store a recording, transcribe it (in a worker), export.

No recognition or cleaning logic lives here: `kyodo.gijiroku` does that. This module moves files between the
upload, the media folder and the engine, and records progress.

Settings (each optional; the default in brackets):
- GIJIROKU_MEDIA_DIR         where recordings are kept, one folder per organisation [DATA_DIR/gijiroku]
- GIJIROKU_MAX_UPLOAD_BYTES  largest recording accepted [KYODO_GIJIROKU_MAX_UPLOAD_MB, else 500 MB]
- GIJIROKU_MAX_SECONDS       longest recording accepted [the engine's: KYODO_GIJIROKU_MAX_SECONDS, else 4 hours]
- GIJIROKU_MODEL             a CTranslate2 Whisper folder [the engine's: KYODO_WHISPER_MODEL, else Whisper base]
- GIJIROKU_MODEL_DIR         cache of the joined default model [the engine's: KYODO_MODEL_DIR]
- GIJIROKU_CPU_THREADS       threads for recognition [0: all cores]
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kyodo.gijiroku.errors import AudioError, GijirokuError
from kyodo.web import jobs
from kyodo.web.gijiroku import editing
from kyodo.web.gijiroku.models import Mark, Meeting, MeetingStatus, Segment, Speaker, Vocabulary

log = logging.getLogger(__name__)

EXTENSIONS = ("wav", "mp3", "m4a", "mp4")
STYLES = {"full": "会議録(全文)", "summary": "要点筆記"}
FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "md": "text/markdown; charset=utf-8"}


def media_dir() -> Path:
    configured = getattr(settings, "GIJIROKU_MEDIA_DIR", None)
    return Path(str(configured)) if configured else Path(str(settings.DATA_DIR)) / "gijiroku"


def max_upload_bytes() -> int:
    configured = getattr(settings, "GIJIROKU_MAX_UPLOAD_BYTES", None)
    if configured is not None:
        return int(configured)
    return int(os.environ.get("KYODO_GIJIROKU_MAX_UPLOAD_MB", "500")) * 1024 * 1024


def audio_file(meeting: Meeting) -> Path:
    return media_dir() / str(meeting.audio_path)


def checkpoint_dir(meeting: Meeting) -> Path:
    """Finished recognition chunks of a transcription in progress (kept until it is done, so a stopped worker
    resumes; the engine keys each chunk by what it depends on, kyodo.gijiroku.chunks)."""
    return media_dir() / str(meeting.organisation_id) / "checkpoints" / str(meeting.pk)


def meeting_context(meeting: Meeting) -> Any:
    """The meeting's own words for the vocabulary: its title and the attendees' roles and names."""
    from kyodo.gijiroku.minutes import parse_speaker_names
    from kyodo.gijiroku.vocabulary import MeetingContext

    people = [p for a in meeting.attendee_list.all() for p in (str(a.role), str(a.name)) if p]
    if not people:
        people = [p for n in parse_speaker_names(str(meeting.attendees)) for p in (n.role, n.name) if p]
    agenda = tuple(line.strip() for line in str(meeting.agenda).splitlines() if line.strip())
    return MeetingContext(title=str(meeting.title), agenda=agenda, people=tuple(people))


def pipeline_options(meeting_or_vocabulary: Meeting | dict[str, Any], speakers: int | None = None) -> Any:
    from kyodo.gijiroku.glossary import parse_glossary
    from kyodo.gijiroku.pipeline import PipelineOptions
    from kyodo.gijiroku.vocabulary import MeetingContext

    context, checkpoints = MeetingContext(), None
    if isinstance(meeting_or_vocabulary, Meeting):
        vocabulary, speakers = meeting_or_vocabulary.vocabulary, meeting_or_vocabulary.speakers_expected
        context, checkpoints = meeting_context(meeting_or_vocabulary), checkpoint_dir(meeting_or_vocabulary)
    else:
        vocabulary = meeting_or_vocabulary
    return PipelineOptions(
        speakers=speakers,
        meeting=context,
        checkpoint_dir=checkpoints,
        model=getattr(settings, "GIJIROKU_MODEL", None),
        model_dir=getattr(settings, "GIJIROKU_MODEL_DIR", None),
        glossary=parse_glossary(vocabulary or None),
        max_seconds=getattr(settings, "GIJIROKU_MAX_SECONDS", None),
        cpu_threads=int(getattr(settings, "GIJIROKU_CPU_THREADS", 0)),
    )


# --- vocabulary -------------------------------------------------------------------------------------------

def default_terms(organisation: str) -> list[str]:
    """The organisation's starting vocabulary (engine: its name, towns, the 62, council terms), by name or code."""
    from kyodo.gijiroku.vocabulary import default_vocabulary

    try:
        return [t.text for t in default_vocabulary(organisation)]
    except GijirokuError:
        return []


def vocabulary_for(organisation_id: int) -> Vocabulary:
    """The organisation's vocabulary; made on first use with its default terms, which staff may then edit."""
    from kyodo.web.accounts.models import Organisation

    found: Vocabulary | None = Vocabulary.objects.for_org(organisation_id).filter(organisation_id=organisation_id).first()
    if found is not None:
        return found
    code = Organisation.objects.get(pk=organisation_id).code
    vocabulary: Vocabulary = Vocabulary.objects.for_org(organisation_id).get_or_create(
        organisation_id=organisation_id, defaults={"terms": default_terms(str(code))}
    )[0]
    return vocabulary


def vocabulary_data(vocabulary: Vocabulary) -> dict[str, Any]:
    """The engine's glossary shape (kyodo.gijiroku.glossary.parse_glossary)."""
    return {"organisation": vocabulary.organisation.name, "terms": list(vocabulary.terms),
            "corrections": list(vocabulary.corrections)}


def parse_terms(text: str) -> list[str]:
    """One term per line (commas and 、 also separate); duplicates and blanks dropped, order kept."""
    from kyodo.gijiroku.glossary import parse_glossary

    pieces = [p.strip() for line in text.splitlines() for p in line.replace("、", ",").replace(",", ",").split(",")]
    return list(parse_glossary({"terms": [p for p in pieces if p]}).terms)


def parse_corrections(text: str) -> list[dict[str, str]]:
    """Lines「誤,正,備考」(備考 optional) → the engine's entries. GijirokuError (Japanese) names the bad line."""
    from kyodo.gijiroku.glossary import parse_glossary

    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace(",", ",").split(",", 2)]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise GijirokuError(f"{number}行目: 「誤,正」または「誤,正,備考」の形で書いてください(「{line.strip()}」)")
        entries.append({"wrong": parts[0], "right": parts[1], "note": parts[2] if len(parts) > 2 else ""})
    glossary = parse_glossary({"corrections": entries}, source="訂正リスト")
    return [{"wrong": c.wrong, "right": c.right, "note": c.note} for c in glossary.corrections]


def parse_member_roles(text: str) -> list[str]:
    """One role per line: the roles named 議長(山田太郎君) in the minutes. GijirokuError (Japanese) names the bad line."""
    roles: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        role = line.strip()
        if not role:
            continue
        if ":" in role.replace("\uff1a", ":") or len(role) > 50:
            raise GijirokuError(f"{number}行目: 役職だけを50文字以内で書いてください(氏名は出席者に書きます)(「{role}」)")
        if role not in roles:
            roles.append(role)
    return roles


# --- upload -----------------------------------------------------------------------------------------------

def safe_name(name: str) -> str:
    """The file's base name without path or control characters (it is shown and used in messages)."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f/]", "", base).strip() or "recording"
    return base[:200]


@functools.lru_cache(maxsize=2)
def _custom_model_loads(path: str, stamp: tuple[int, int]) -> bool:
    """Load a configured model folder once per process (per version of its model.bin), to refuse a broken one."""
    from kyodo.gijiroku.model import ModelLocation, load_whisper

    load_whisper(ModelLocation(Path(path), Path(path).name), cpu_threads=1)
    return True


def check_model() -> None:
    """Refuse an unknown model folder or a corrupted model file before anything is stored (ModelError)."""
    from kyodo.gijiroku.model import resolve_model

    options = pipeline_options({})
    location = resolve_model(options.model, options.model_dir)
    if options.model is not None or os.environ.get("KYODO_WHISPER_MODEL"):
        # A folder the organisation supplies has no recorded checksum: loading it is the check.
        stat = (location.path / "model.bin").stat()
        _custom_model_loads(str(location.path), (stat.st_mtime_ns, stat.st_size))


def receive(chunks: Iterable[bytes], organisation_id: int) -> tuple[Path, str, int]:
    """Write an upload to a temporary file beside its final place; its sha256 and size."""
    folder = media_dir() / str(organisation_id)
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=folder)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name), digest.hexdigest(), size


def check_recording(path: Path, display_name: str) -> float:
    """The recording's container header, read by the engine without decoding it (a web request must stay cheap
    for a six-hour session); its length in seconds (0 when the header does not say), or AudioError.

    Silence and an unreadable stream show up when the worker decodes it: the meeting then fails with the reason.
    The temporary file's name is replaced by the uploaded one in messages.
    """
    from kyodo.gijiroku.audio import probe

    try:
        seconds = probe(path, max_seconds=getattr(settings, "GIJIROKU_MAX_SECONDS", None))
    except AudioError as exc:
        raise AudioError(exc.message.replace(path.name, display_name)) from exc
    return float(seconds or 0.0)


def store(temporary: Path, *, organisation_id: int, user: Any, info: dict[str, Any], audio_name: str,
          sha256: str, size: int, duration: float) -> Meeting:
    """The meeting row and the recording in its final place, together or not at all; queues the transcription."""
    extension = Path(audio_name).suffix.lower().lstrip(".")
    relative = f"{organisation_id}/{uuid.uuid4().hex}.{extension}"
    final = media_dir() / relative
    try:
        with transaction.atomic():
            meeting: Meeting = Meeting.objects.create(
                organisation_id=organisation_id, created_by=user, audio_name=audio_name, audio_path=relative,
                audio_sha256=sha256, audio_size=size, duration=duration, **info,
            )
            editing.set_attendees(meeting, str(meeting.attendees))
            os.replace(temporary, final)
    except BaseException:
        final.unlink(missing_ok=True)  # the row was rolled back: no recording without its meeting
        raise
    start_transcription(meeting)
    return meeting


def start_transcription(meeting: Meeting) -> None:
    """Queue (again) with the organisation's glossary and corrections as they are now; the meeting keeps a copy."""
    from kyodo.web.gijiroku.tasks import transcribe_meeting

    meeting.vocabulary = vocabulary_data(vocabulary_for(meeting.organisation_id))
    meeting.status, meeting.progress, meeting.error = MeetingStatus.QUEUED, 0, ""
    meeting.step, meeting.finished_at = "文字起こしの開始を待っています", None
    meeting.heartbeat_at = jobs.heartbeat()["heartbeat_at"]  # queued since now (kyodo.web.jobs)
    meeting.save(update_fields=["vocabulary", "status", "progress", "error", "step", "finished_at", "heartbeat_at"])
    jobs.remember_task(meeting, transcribe_meeting.enqueue(meeting.pk))


def delete(meeting: Meeting, audit: Callable[[], object]) -> None:
    """The meeting's rows and its audit entry together, then its recording (a file cannot join the transaction;
    a recording left behind by a crash in between has no row and is never served)."""
    path = audio_file(meeting)
    with transaction.atomic():
        audit()
        meeting.delete()
    path.unlink(missing_ok=True)
    shutil.rmtree(checkpoint_dir(meeting), ignore_errors=True)


# --- transcription (in the worker) ------------------------------------------------------------------------

def remaining_ja(elapsed: float, first: float, fraction: float) -> str:
    """'(残り約12分)' from the progress made since this run started (a resumed run starts part way)."""
    gained = fraction - first
    if elapsed < 5 or gained <= 0.01:
        return ""
    seconds = elapsed * (1.0 - fraction) / gained
    if seconds < 60:
        return "(まもなく完了)"
    minutes = round(seconds / 60)
    return f"(残り約{minutes // 60}時間{minutes % 60}分)" if minutes >= 60 else f"(残り約{minutes}分)"


def _reporter(meeting_id: int) -> Callable[[str, float], None]:
    last = [-1]
    began: list[float] = []  # monotonic clock and fraction at the first report

    def report(step: str, fraction: float) -> None:
        now = time.monotonic()
        if not began:
            began.extend((now, fraction))
        percent = min(99, int(fraction * 100))
        if percent == last[0]:
            return
        last[0] = percent
        # A bare UPDATE, committed at once, so that the page polling the meeting sees each step; also the job's
        # heartbeat (kyodo.web.jobs: a job without one for long has stalled).
        Meeting.objects.unscoped("worker reports its own job's progress").filter(pk=meeting_id).update(
            progress=percent, step=f"{step}を行っています{remaining_ja(now - began[0], began[1], fraction)}",
            **jobs.heartbeat()
        )

    return report


def execute(meeting_id: int) -> None:
    """Transcribe one queued meeting and store its segments and speakers, or the reason it failed."""
    from kyodo.gijiroku.pipeline import transcribe_file

    meetings = Meeting.objects.unscoped("the worker acts for the user who uploaded the recording")
    meeting = meetings.get(pk=meeting_id)
    meetings.filter(pk=meeting_id).update(status=MeetingStatus.RUNNING, started_processing_at=timezone.now(),
                                          step="録音を読み込んでいます", progress=0, **jobs.heartbeat())
    try:
        transcript = transcribe_file(audio_file(meeting), pipeline_options(meeting), progress=_reporter(meeting_id))
        with transaction.atomic():
            store_transcript(meeting, transcript)
            meetings.filter(pk=meeting_id).update(
                status=MeetingStatus.DONE, progress=100, step="完了しました", duration=transcript.duration,
                model_name=transcript.model_name, finished_at=timezone.now(), error="",
            )
        shutil.rmtree(checkpoint_dir(meeting), ignore_errors=True)  # done: nothing left to resume
    except GijirokuError as exc:
        meetings.filter(pk=meeting_id).update(status=MeetingStatus.FAILED, step="失敗しました",
                                              error=exc.message, finished_at=timezone.now())
    except Exception:
        log.exception("transcription of meeting %s failed", meeting_id)
        meetings.filter(pk=meeting_id).update(
            status=MeetingStatus.FAILED, step="失敗しました", finished_at=timezone.now(),
            error="内部エラーで文字起こしできませんでした。管理者に連絡してください。",
        )
        raise


def store_transcript(meeting: Meeting, transcript: Any) -> None:
    """The transcript's voices and utterances as the meeting's speakers and segments (replacing any), searchable.

    Voices are numbered in speaking order, like the attendees typed at upload: a first guess to check."""
    attendees = list(meeting.attendee_list.all())
    meeting.segments.all().delete()
    meeting.speakers.all().delete()
    Speaker.objects.bulk_create([
        Speaker(organisation_id=meeting.organisation_id, meeting=meeting, index=i,
                role=attendees[i].role if i < len(attendees) else "",
                name=attendees[i].name if i < len(attendees) else "",
                attendee=attendees[i] if i < len(attendees) else None)
        for i in sorted({u.speaker for u in transcript.utterances})
    ])
    marks = _found_marks(transcript)
    Segment.objects.bulk_create([
        Segment(organisation_id=meeting.organisation_id, meeting=meeting, index=i, speaker=u.speaker,
                start=u.start, end=u.end, raw_text=u.raw_text, cleaned_text=u.text, text=u.text,
                corrections=[{"wrong": c.wrong, "right": c.right, "count": c.count, "source": c.source}
                             for c in u.corrections],
                mark=marks.get(i, Mark.NONE)).for_search()
        for i, u in enumerate(transcript.utterances)
    ])


def _found_marks(transcript: Any) -> dict[int, str]:
    """The engine's decisions and action items (by its phrase rules), as marks on the utterances that hold them."""
    from kyodo.gijiroku.minutes import MeetingInfo, default_minutes_rules, find_actions, find_decisions

    rules, info, marks = default_minutes_rules(), MeetingInfo(), dict[int, str]()
    for i, u in enumerate(transcript.utterances):
        if find_decisions([u], info, rules):
            marks[i] = str(Mark.DECISION)
        elif find_actions([u], info, rules):
            marks[i] = str(Mark.ACTION)
    return marks
