"""Parity with a manual result: upload what staff decided by hand for a finished run, see the agreement and every
difference with its reason (grouped by cause), download the comparison workbook. Comparisons are kept and audited.

The comparison is `kyodo.hoiku.tools.parity`'s; these views store and format its report.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kyodo.problems import InputError
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.hoiku import rules_services
from kyodo.web.hoiku.actions import RulesAction
from kyodo.web.hoiku.forms_rules import ManualResultForm
from kyodo.web.hoiku.models import ParityCheck, Run, RunStatus
from kyodo.web.hoiku.services import UploadedFile
from kyodo.web.tenancy import get_for_user_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _checks(run: Run):  # type: ignore[no-untyped-def]
    return ParityCheck.objects.for_org(run.organisation_id).filter(run=run).defer("data", "workbook", "report")


@member_required
def parity_upload(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_for_user_or_404(Run, request, pk, defer=tuple(f for f in Run.STORED_FILES if f != "result_json"))
    if run.status != RunStatus.DONE or not run.result_json:
        raise Http404("この実行の結果はまだありません")
    form = ManualResultForm(request.POST or None, request.FILES or None)
    context = {"run": run, "round": run.round, "form": form, "checks": _checks(run).select_related("created_by")}
    if request.method != "POST" or not form.is_valid():
        return render(request, "hoiku/parity_upload.html", context)
    upload = form.cleaned_data["manual"]
    manual = UploadedFile(upload.name, upload.read())
    try:
        check = rules_services.compare_with_manual(run, request.user, manual)
    except InputError as exc:
        record_request(request, RulesAction.PARITY_REJECTED, run, problems=len(exc.problems), file=manual.name)
        return render(request, "hoiku/parity_upload.html", {**context, "problems": exc.problems}, status=422)
    record_request(request, RulesAction.PARITY, check, run=run.number, file=check.file_name, sha256=check.sha256,
                   children=check.children, same=check.same)
    return redirect("hoiku:parity_detail", pk=check.pk)


@member_required
def parity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_for_user_or_404(ParityCheck, request, pk, defer=("data", "workbook"))
    report = check.report
    groups: dict[str, list[dict[str, object]]] = {}
    for d in report["differences"]:  # the engine sorted them by cause
        groups.setdefault(d["cause_label"], []).append(d)
    run = Run.objects.for_org(check.organisation_id).defer(*Run.STORED_FILES).select_related("round").get(
        pk=check.run_id
    )
    context = {
        "check": check, "run": run, "round": run.round, "report": report, "groups": groups,
        "agreement": f"{report['agreement']:.1%}",
    }
    return render(request, "hoiku/parity_detail.html", context)


@member_required
def parity_download(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_for_user_or_404(ParityCheck, request, pk, defer=("data", "report"))
    record_request(request, RulesAction.PARITY_DOWNLOAD, check, file=check.file_name)
    response = HttpResponse(bytes(check.workbook), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="parity-{check.pk}.xlsx"'
    return response
