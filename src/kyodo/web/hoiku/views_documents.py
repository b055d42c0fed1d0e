"""確定 (an administrator confirms a run), notices as a ZIP, and staff decisions imported from a file."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kyodo.web.accounts.permissions import member_required, org_admin_required
from kyodo.web.audit.log import record_request
from kyodo.web.hoiku import confirmation, documents
from kyodo.web.hoiku.actions import HoikuAction
from kyodo.web.hoiku.forms_documents import ArchiveForm, DecisionImportForm, UnconfirmForm
from kyodo.web.hoiku.models import NoticeArchive, Round, Run, RunStatus
from kyodo.web.hoiku.services import safe_name
from kyodo.web.tenancy import get_for_user_or_404


def _done_run(request: HttpRequest, pk: int) -> Run:
    return get_for_user_or_404(Run, request, pk, defer=Run.STORED_FILES, status=RunStatus.DONE)


@org_admin_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what confirming means, with the run's counts; POST: confirm (superseding the round's confirmed run)."""
    run = _done_run(request, pk)
    current = confirmation.confirmed_run(run.round)
    if request.method != "POST":
        return render(request, "hoiku/confirm.html", {"run": run, "round": run.round, "current": current})
    try:
        previous = confirmation.confirm(run, request.user)
    except confirmation.ConfirmationError as exc:
        messages.error(request, str(exc))
        return redirect("hoiku:run_detail", pk=run.pk)
    record_request(request, HoikuAction.RUN_CONFIRM, run, number=run.number,
                   **({"supersedes": previous.number} if previous else {}))
    text = f"第{run.number}回を確定しました。通知書は確定版として作成できます。"
    if previous is not None:
        text += f"(それまで確定していた第{previous.number}回は「差し替え済み」になりました)"
    messages.success(request, text)
    return redirect("hoiku:run_detail", pk=run.pk)


@org_admin_required
def unconfirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = _done_run(request, pk)
    form = UnconfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmation.unconfirm(run, request.user, form.cleaned_data["reason"])
        except confirmation.ConfirmationError as exc:
            messages.error(request, str(exc))
            return redirect("hoiku:run_detail", pk=run.pk)
        record_request(request, HoikuAction.RUN_UNCONFIRM, run, number=run.number, reason=run.unconfirm_reason)
        messages.success(request, f"第{run.number}回の確定を取り消しました。通知書は再び「案」になります。")
        return redirect("hoiku:run_detail", pk=run.pk)
    return render(request, "hoiku/confirm_undo.html", {"run": run, "round": run.round, "form": form},
                  status=422 if request.method == "POST" else 200)


@member_required
@require_POST
def archive_start(request: HttpRequest, pk: int) -> HttpResponse:
    run = _done_run(request, pk)
    form = ArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "通知書のまとめ方を選んでください。")
        return redirect("hoiku:run_detail", pk=run.pk)
    archive = documents.start_archive(run, request.user, form.cleaned_data["grouping"])
    record_request(request, HoikuAction.NOTICE_ARCHIVE, archive, number=run.number, grouping=archive.grouping,
                   final=archive.final)
    return redirect("hoiku:archive_detail", pk=archive.pk)


def _archive(request: HttpRequest, pk: int) -> NoticeArchive:
    archive = get_for_user_or_404(NoticeArchive, request, pk, defer=("data",))
    archive.run = Run.objects.for_user(request.user).defer(*Run.STORED_FILES).select_related("round").get(
        pk=archive.run_id
    )
    return archive


@member_required
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The ZIP's progress (polled by HTMX while it is made), then its download link."""
    archive = _archive(request, pk)
    context = {"archive": archive, "run": archive.run, "round": archive.run.round,
               "usable": documents.archive_usable(archive), "file_name": documents.archive_file_name(archive)}
    if not request.headers.get("HX-Request"):
        return render(request, "hoiku/confirm_archive.html", context)
    response = render(request, "hoiku/confirm_archive_progress.html", context)
    if archive.is_finished or archive.stall:
        response["HX-Refresh"] = "true"
    return response


@member_required
def archive_download(request: HttpRequest, pk: int) -> HttpResponse:
    archive = _archive(request, pk)
    if not documents.archive_usable(archive):
        raise Http404("このZIPはダウンロードできません(作成中か、確定が取り消されました)")
    data = NoticeArchive.objects.for_user(request.user).values_list("data", flat=True).get(pk=archive.pk)
    record_request(request, HoikuAction.NOTICE_ARCHIVE, archive, number=archive.run.number, downloaded=True,
                   final=archive.final)
    name = documents.archive_file_name(archive)
    response = HttpResponse(bytes(data), content_type="application/zip")
    fallback = f"hoiku_notices_{archive.run.round.fiscal_year}_run{archive.run.number}.zip"
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return response


@member_required
def decision_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff decisions from a CSV or Excel file: every row checked, all saved or none."""
    round_ = get_for_user_or_404(Round, request, pk)
    form = DecisionImportForm(request.POST or None, request.FILES or None)
    context = {"round": round_, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "hoiku/confirm_import.html", context)
    upload = form.cleaned_data["file"]
    name = safe_name(upload.name)
    saved, problems = documents.import_decisions(round_, request.user, name, upload.read())
    if problems:
        record_request(request, HoikuAction.DECISION_IMPORT_REJECTED, round_, file=name,
                       problems=len(problems))
        return render(request, "hoiku/confirm_import.html",
                      {**context, "form": DecisionImportForm(), "problems": problems}, status=422)
    record_request(request, HoikuAction.DECISION_IMPORT, round_, file=name, decisions=len(saved))
    messages.success(request, f"職員判断を {len(saved)} 件取り込みました。再実行すると反映されます。")
    return redirect("hoiku:round_detail", pk=round_.pk)
