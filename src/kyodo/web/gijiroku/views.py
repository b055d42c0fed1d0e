"""Meetings: upload a recording, follow its transcription, edit the transcript, play it, export the minutes."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from kyodo.gijiroku.errors import GijirokuError
from kyodo.web import jobs
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.gijiroku import documents, services
from kyodo.web.gijiroku.actions import GijirokuAction
from kyodo.web.gijiroku.forms import SegmentForm, UploadForm
from kyodo.web.gijiroku.models import Mark, Meeting, MeetingStatus, Segment, share_member_roles
from kyodo.web.tenancy import get_for_user_or_404


def _get_meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_for_user_or_404(Meeting, request, pk)


@member_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    meetings = Meeting.objects.for_user(request.user).select_related("created_by")
    return render(request, "gijiroku/meeting_list.html", {"meetings": meetings})


@member_required
def upload(request: HttpRequest) -> HttpResponse:
    """Check the recording and the model with the engine; store the meeting only when both can be used."""
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "max_mb": services.max_upload_bytes() // (1024 * 1024)}
    if request.method != "POST" or not form.is_valid():
        return render(request, "gijiroku/upload.html", context, status=422 if request.method == "POST" else 200)
    recording = form.cleaned_data["recording"]
    name = services.safe_name(recording.name)
    org_id = request.user.organisation_id
    temporary, sha256, size = services.receive(recording.chunks(), org_id)
    try:
        duration = services.check_recording(temporary, name)
        services.check_model()
        meeting = services.store(temporary, organisation_id=org_id, user=request.user, info=form.meeting_info(),
                                 audio_name=name, sha256=sha256, size=size, duration=duration)
    except GijirokuError as exc:
        record_request(request, GijirokuAction.UPLOAD_REJECTED, file=name, size=size, reason=exc.message)
        context["problem"] = exc.message
        return render(request, "gijiroku/upload.html", context, status=422)
    finally:
        temporary.unlink(missing_ok=True)  # gone already when stored (renamed into place)
    record_request(request, GijirokuAction.UPLOAD, meeting, file=name, sha256=sha256, size=size,
                   seconds=round(duration, 1))
    _record_transcription(request, meeting)
    messages.success(request, f"録音「{name}」を受け付けました。文字起こしをバックグラウンドで行います。")
    return redirect("gijiroku:meeting_detail", pk=meeting.pk)


def _record_transcription(request: HttpRequest, meeting: Meeting, **details: object) -> None:
    vocabulary = meeting.vocabulary
    record_request(request, GijirokuAction.TRANSCRIBE, meeting, terms=len(vocabulary.get("terms", [])),
                   corrections=len(vocabulary.get("corrections", [])), **details)


@member_required
@require_POST
def transcribe_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Transcribe the stored recording again (after the glossary changed, a failure, or a stall); edits are replaced.

    A stalled transcription (its worker died) is first recorded as failed, with the reason.
    """
    meeting = _get_meeting(request, pk)
    if not meeting.is_finished:
        stall = meeting.stall
        if stall is None or not jobs.mark_failed(meeting, stall):
            messages.error(request, "文字起こしの途中です。終わってからやり直してください。")
            return redirect("gijiroku:meeting_detail", pk=meeting.pk)
        record_request(request, jobs.JobAction.RETRY, meeting, reason=stall.reason)
    edited = meeting.segments.exclude(edited_at=None).count()
    services.start_transcription(meeting)
    _record_transcription(request, meeting, again=True, edits_replaced=edited)
    messages.success(request, "文字起こしをやり直します。")
    return redirect("gijiroku:meeting_detail", pk=meeting.pk)


@member_required
@require_POST
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a meeting's recording and transcript (personal data): its uploader or an organisation administrator."""
    meeting = _get_meeting(request, pk)
    if meeting.created_by_id != request.user.pk and not request.user.is_org_admin:
        raise PermissionDenied("会議を削除できるのは、アップロードした人と組織管理者です")
    if not meeting.is_finished:
        messages.error(request, "文字起こしの途中です。終わってから削除してください。")
    elif request.POST.get("confirm") != "yes":
        messages.error(request, "削除する場合は、確認の欄にチェックを入れてください。")
    else:
        details = {"title": meeting.title, "file": meeting.audio_name, "sha256": meeting.audio_sha256}
        services.delete(meeting, lambda: record_request(request, GijirokuAction.DELETE, meeting, **details))
        messages.success(request, f"会議「{details['title']}」の録音と文字起こしを削除しました。")
        return redirect("gijiroku:meeting_list")
    return redirect("gijiroku:meeting_detail", pk=meeting.pk)


@member_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    speakers, attendees = list(meeting.speakers.all()), list(meeting.attendee_list.all())
    share_member_roles([*speakers, *attendees], meeting.organisation_id)
    labels = {s.index: s.label() for s in speakers}
    segments = list(meeting.segments.all())
    context = {
        "meeting": meeting, "speakers": speakers, "segments": segments, "labels": labels,
        "marks": Mark.choices, "styles": services.STYLES, "attendees": attendees,
        "speeds": ("0.75", "1", "1.25", "1.5", "2"),
    }
    return render(request, "gijiroku/meeting_detail.html", context)


@member_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The fragment the meeting page polls (HTMX); tells the page to reload when the transcription ends or stalls."""
    meeting = _get_meeting(request, pk)
    response = render(request, "gijiroku/_progress.html", {"meeting": meeting})
    if (meeting.is_finished or meeting.stall) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@member_required
def audio(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    path = services.audio_file(meeting)
    if not path.is_file():
        raise Http404("録音ファイルが見つかりません")
    return documents.audio_response(request, path, meeting.audio_name)


@member_required
@require_POST
def segment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    segment = get_for_user_or_404(Segment, request, pk)
    meeting = segment.meeting
    form = SegmentForm(request.POST)
    speakers = {s.index: s for s in meeting.speakers.all()}
    share_member_roles(list(speakers.values()), meeting.organisation_id)
    if not form.is_valid() or form.cleaned_data["speaker"] not in speakers:
        messages.error(request, "発言の修正を保存できませんでした(入力を確かめてください)。")
        return redirect("gijiroku:meeting_detail", pk=meeting.pk)
    data = form.cleaned_data
    before = {"text": segment.text, "speaker": segment.speaker, "mark": segment.mark}
    segment.text = data["text"].strip()
    segment.speaker = data["speaker"]
    segment.mark = data["mark"] or Mark.NONE
    segment.edited_by, segment.edited_at = request.user, timezone.now()
    segment.save(update_fields=["text", "speaker", "mark", "edited_by", "edited_at"])
    after = {"text": segment.text, "speaker": segment.speaker, "mark": segment.mark}
    changed = {k: {"before": before[k], "after": after[k]} for k in before if before[k] != after[k]}
    if changed:
        record_request(request, GijirokuAction.SEGMENT_EDIT, segment, meeting=meeting.pk, index=segment.index,
                       changes=changed)
    if request.headers.get("HX-Request"):
        labels = {i: s.label() for i, s in speakers.items()}
        return render(request, "gijiroku/_segment.html", {
            "meeting": meeting, "segment": segment, "speakers": speakers.values(), "labels": labels,
            "marks": Mark.choices, "saved": True,
        })
    messages.success(request, f"発言 {segment.index + 1} を保存しました。")
    return redirect(f"/gijiroku/meetings/{meeting.pk}/#seg-{segment.pk}")


@member_required
@require_POST
def speakers(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename the speakers (役職・氏名); the minutes use these names."""
    meeting = _get_meeting(request, pk)
    renamed = []
    for speaker in meeting.speakers.all():
        role = request.POST.get(f"role_{speaker.index}", speaker.role).strip()[:50]
        name = request.POST.get(f"name_{speaker.index}", speaker.name).strip()[:100]
        if (role, name) != (speaker.role, speaker.name):
            renamed.append({"index": speaker.index, "before": speaker.label(), "role": role, "name": name})
            speaker.role, speaker.name = role, name
            speaker.save(update_fields=["role", "name"])
    if renamed:
        record_request(request, GijirokuAction.SPEAKER_RENAME, meeting, speakers=renamed)
        messages.success(request, f"発言者名を変更しました({len(renamed)}人)。")
    return redirect("gijiroku:meeting_detail", pk=meeting.pk)


@member_required
def export(request: HttpRequest, pk: int, style: str, fmt: str) -> HttpResponse:
    meeting = _get_meeting(request, pk)
    if style not in services.STYLES or fmt not in services.FORMATS:
        raise Http404("出力の形式がありません")
    if meeting.status != MeetingStatus.DONE:
        messages.error(request, "文字起こしが完了してから出力できます。")
        return redirect("gijiroku:meeting_detail", pk=meeting.pk)
    data = documents.export(meeting, style, fmt)
    record_request(request, GijirokuAction.EXPORT, meeting, style=style, format=fmt, bytes=len(data))
    response = HttpResponse(data, content_type=services.FORMATS[fmt])
    filename = f"{meeting.title}_{services.STYLES[style]}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
