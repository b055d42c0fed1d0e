"""What staff do to a transcribed meeting besides editing one segment's words: attendees and the speaker each
voice is, splitting and merging segments, adding a speaker, find and replace. Each returns what changed, for the
audit log; the views record it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from kyodo.gijiroku.errors import GijirokuError
from kyodo.web.gijiroku.models import Attendee, Meeting, Segment, Speaker, Vocabulary

_SHIFT = 1_000_000  # moves indexes out of the way so the unique (meeting, index) holds at every row


def set_attendees(meeting: Meeting, text: str) -> list[dict[str, str]]:
    """Replace the meeting's attendee list by lines (or commas) of 役職:氏名; voices mapped to a removed attendee
    keep their copied role and name."""
    from kyodo.gijiroku.minutes import parse_speaker_names

    names = parse_speaker_names(text)
    meeting.attendee_list.all().delete()
    Attendee.objects.bulk_create([
        Attendee(organisation_id=meeting.organisation_id, meeting=meeting, order=i, role=n.role[:50], name=n.name[:100])
        for i, n in enumerate(names)
    ])
    return [{"role": n.role, "name": n.name} for n in names]


def assign_attendee(speaker: Speaker, attendee: Attendee) -> dict[str, str]:
    """One voice is this attendee for the whole meeting: every segment of the voice reads with the attendee's label."""
    before = speaker.label()
    speaker.attendee, speaker.role, speaker.name = attendee, attendee.role, attendee.name
    speaker.save(update_fields=["attendee", "role", "name"])
    return {"index": str(speaker.index), "before": before, "after": speaker.label()}


def add_speaker(meeting: Meeting, role: str = "", name: str = "") -> Speaker:
    """A voice the diarizer missed; segments are then given to it one by one."""
    top = meeting.speakers.aggregate(top=Max("index"))["top"]
    speaker: Speaker = Speaker.objects.create(
        organisation_id=meeting.organisation_id, meeting=meeting, index=0 if top is None else top + 1,
        role=role[:50], name=name[:100],
    )
    return speaker


def _shift_after(meeting: Meeting, index: int, by: int) -> None:
    later = Segment.objects.for_org(meeting.organisation_id).filter(meeting=meeting, index__gt=index)
    later.update(index=F("index") + _SHIFT)
    Segment.objects.for_org(meeting.organisation_id).filter(meeting=meeting, index__gt=_SHIFT).update(
        index=F("index") - _SHIFT + by)


def _cut(text: str, share: float) -> int:
    return max(0, min(len(text), round(len(text) * share)))


def split_segment(segment: Segment, at: int, user: Any) -> Segment:
    """Cut a segment's text at character `at`; the second part becomes the next segment, with the same speaker.

    Its time is divided in proportion to the text, and the recognised and cleaned texts at the same share.
    """
    text = str(segment.text)
    if not 0 < at < len(text):
        raise GijirokuError("分割する位置を、文の途中(最初と最後以外)に置いてください。")
    share = at / len(text)
    raw, cleaned = str(segment.raw_text), str(segment.cleaned_text)
    middle = segment.start + (segment.end - segment.start) * share
    with transaction.atomic():
        _shift_after(segment.meeting, segment.index, 1)
        second: Segment = Segment.objects.create(
            organisation_id=segment.organisation_id, meeting=segment.meeting, index=segment.index + 1,
            speaker=segment.speaker, start=middle, end=segment.end, raw_text=raw[_cut(raw, share):],
            cleaned_text=cleaned[_cut(cleaned, share):], text=text[at:].lstrip(), mark=segment.mark,
            edited_by=user, edited_at=timezone.now(),
        )
        segment.raw_text, segment.cleaned_text = raw[: _cut(raw, share)], cleaned[: _cut(cleaned, share)]
        segment.text, segment.end = text[:at].rstrip(), middle
        segment.edited_by, segment.edited_at = user, timezone.now()
        segment.save()
    return second


def merge_with_next(segment: Segment, user: Any) -> Segment:
    """Join a segment and the one after it (the first one's speaker and mark are kept)."""
    following: Segment | None = Segment.objects.for_org(segment.organisation_id).filter(
        meeting=segment.meeting, index=segment.index + 1).first()
    if following is None:
        raise GijirokuError("最後の発言は、次の発言と結合できません。")
    with transaction.atomic():
        segment.text = f"{segment.text}{following.text}"
        segment.raw_text = f"{segment.raw_text}{following.raw_text}"
        segment.cleaned_text = f"{segment.cleaned_text}{following.cleaned_text}"
        segment.corrections = [*segment.corrections, *following.corrections]
        segment.end = max(segment.end, following.end)
        segment.edited_by, segment.edited_at = user, timezone.now()
        following.delete()
        segment.save()
        _shift_after(segment.meeting, segment.index + 1, -1)
    return segment


def replace_everywhere(meeting: Meeting, find: str, replace: str, user: Any) -> int:
    """Replace `find` by `replace` in every segment's minutes text; each change is recorded on the segment."""
    find = find.strip()
    if not find:
        raise GijirokuError("置き換える語を入力してください。")
    if find == replace:
        raise GijirokuError("置き換える前と後が同じです。")
    total = 0
    with transaction.atomic():
        for segment in meeting.segments.filter(text__contains=find):
            count = str(segment.text).count(find)
            segment.text = str(segment.text).replace(find, replace)
            segment.corrections = [*segment.corrections,
                                   {"wrong": find, "right": replace, "count": count, "source": "replace"}]
            segment.edited_by, segment.edited_at = user, timezone.now()
            segment.save(update_fields=["text", "corrections", "edited_by", "edited_at"])
            total += count
    return total


def save_correction(vocabulary: Vocabulary, wrong: str, right: str, user: Any) -> bool:
    """Add wrong → right to the organisation's correction list (for future meetings); False if it was there."""
    if any(c["wrong"] == wrong for c in vocabulary.corrections):
        return False
    vocabulary.corrections = [*vocabulary.corrections, {"wrong": wrong, "right": right, "note": "置換から登録"}]
    vocabulary.updated_by = user
    vocabulary.save(update_fields=["corrections", "updated_by", "updated_at"])
    return True
