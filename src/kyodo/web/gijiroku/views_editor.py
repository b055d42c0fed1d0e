"""The editor's meeting-wide operations: attendees and which voice is whom, splitting and merging segments, adding a
speaker, find and replace (optionally kept as a correction for future meetings), and search across meetings."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kyodo.gijiroku.errors import GijirokuError
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.gijiroku import editing, services
from kyodo.web.gijiroku.actions import GijirokuAction
from kyodo.web.gijiroku.models import Attendee, Meeting, Segment, Speaker
from kyodo.web.tenancy import get_for_user_or_404


def _back(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(f"/gijiroku/meetings/{meeting.pk}/{anchor}")


@member_required
@require_POST
def attendees(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user_or_404(Meeting, request, pk)
    text = request.POST.get("attendees", "")[:5000]
    listed = editing.set_attendees(meeting, text)
    meeting.attendees = text
    meeting.save(update_fields=["attendees"])
    record_request(request, GijirokuAction.ATTENDEES, meeting, attendees=listed)
    messages.success(request, f"出席者を保存しました({len(listed)}人)。")
    return _back(meeting, "#attendees")


@member_required
@require_POST
def speaker_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: this voice is that attendee for the whole meeting."""
    speaker = get_for_user_or_404(Speaker, request, pk)
    attendee = get_for_user_or_404(Attendee, request, int(request.POST.get("attendee", "0") or 0))
    if attendee.meeting_id != speaker.meeting_id:
        messages.error(request, "この会議の出席者を選んでください。")
        return _back(speaker.meeting, "#speakers")
    change = editing.assign_attendee(speaker, attendee)
    record_request(request, GijirokuAction.SPEAKER_ASSIGN, speaker.meeting, **change)
    messages.success(request, f"発言者{speaker.index + 1}を「{change['after']}」にしました(この会議のすべての発言)。")
    return _back(speaker.meeting, "#speakers")


@member_required
@require_POST
def speaker_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user_or_404(Meeting, request, pk)
    speaker = editing.add_speaker(meeting, request.POST.get("role", "").strip(), request.POST.get("name", "").strip())
    record_request(request, GijirokuAction.SPEAKER_ADD, meeting, index=speaker.index, label=speaker.label())
    messages.success(request, f"発言者「{speaker.label()}」を追加しました。発言ごとに発言者を選んでください。")
    return _back(meeting, "#speakers")


def _segment_int(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return None


@member_required
@require_POST
def segment_split(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_for_user_or_404(Segment, request, pk)
    at = _segment_int(request, "at")
    try:
        second = editing.split_segment(segment, at if at is not None else -1, request.user)
    except GijirokuError as exc:
        messages.error(request, exc.message)
        return _back(segment.meeting, f"#seg-{segment.pk}")
    record_request(request, GijirokuAction.SEGMENT_SPLIT, segment, meeting=segment.meeting_id, index=segment.index,
                   at=at, first=segment.text, second=second.text)
    messages.success(request, f"発言 {segment.index + 1} を2つに分けました。")
    return _back(segment.meeting, f"#seg-{second.pk}")


@member_required
@require_POST
def segment_merge(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_for_user_or_404(Segment, request, pk)
    try:
        editing.merge_with_next(segment, request.user)
    except GijirokuError as exc:
        messages.error(request, exc.message)
        return _back(segment.meeting, f"#seg-{segment.pk}")
    record_request(request, GijirokuAction.SEGMENT_MERGE, segment, meeting=segment.meeting_id, index=segment.index,
                   text=segment.text)
    messages.success(request, f"発言 {segment.index + 1} と次の発言を結合しました。")
    return _back(segment.meeting, f"#seg-{segment.pk}")


@member_required
@require_POST
def replace(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_for_user_or_404(Meeting, request, pk)
    find, to = request.POST.get("find", "").strip()[:100], request.POST.get("replace", "").strip()[:100]
    try:
        count = editing.replace_everywhere(meeting, find, to, request.user)
    except GijirokuError as exc:
        messages.error(request, exc.message)
        return _back(meeting, "#replace")
    saved = False
    if request.POST.get("save") == "yes" and count:
        saved = editing.save_correction(services.vocabulary_for(meeting.organisation_id), find, to, request.user)
    record_request(request, GijirokuAction.REPLACE, meeting, find=find, replace=to, count=count, saved=saved)
    note = "。訂正リストにも登録しました(次の文字起こしから使います)" if saved else ""
    messages.success(request, f"「{find}」を「{to}」に{count}か所置き換えました{note}。")
    return _back(meeting, "#replace")


@member_required
def search(request: HttpRequest) -> HttpResponse:
    """Segments of this organisation's meetings that hold every word of the query, optionally of one speaker."""
    from kyodo.web.gijiroku.search import LIMIT, search_segments

    query, speaker = request.GET.get("q", "").strip()[:200], request.GET.get("speaker", "").strip()[:100]
    hits, total = search_segments(request.user, query, speaker) if query or speaker else ([], 0)
    return render(request, "gijiroku/search.html", {"q": query, "speaker": speaker, "hits": hits, "total": total,
                                                    "limit": LIMIT})
