"""What-if on the run page: a variant of the run's rules, computed in the background, compared by group."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.hoiku import whatif
from kyodo.web.hoiku.actions import HoikuAction
from kyodo.web.hoiku.forms_documents import WhatIfForm
from kyodo.web.hoiku.models import Run, RunStatus, WhatIf
from kyodo.web.tenancy import get_for_user_or_404


def whatif_form(run: Run, data: dict[str, str] | None = None) -> WhatIfForm:
    return WhatIfForm(data, adjustments=whatif.adjustments(run), rules=whatif.other_rules(run))


@member_required
def whatif_start(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form (also on the run page); POST: queue the comparison and show its page."""
    run = get_for_user_or_404(Run, request, pk, defer=Run.STORED_FILES, status=RunStatus.DONE)
    form = whatif_form(run, request.POST if request.method == "POST" else None)
    if whatif.base_rules(run) is None:
        messages.error(request, "この実行は申込ファイルの指数で計算しているので、基準の変更案は試せません。")
        return redirect("hoiku:run_detail", pk=run.pk)
    if request.method == "POST" and form.is_valid():
        comparison = whatif.start(run, request.user, form.variant())
        record_request(request, HoikuAction.WHATIF, comparison, number=run.number, variant=comparison.title)
        return redirect("hoiku:whatif_detail", pk=comparison.pk)
    past = WhatIf.objects.for_user(request.user).filter(run=run).select_related("created_by")[:20]
    return render(request, "hoiku/whatif_form.html", {"run": run, "round": run.round, "form": form, "past": past},
                  status=422 if request.method == "POST" else 200)


@member_required
def whatif_detail(request: HttpRequest, pk: int) -> HttpResponse:
    comparison = get_for_user_or_404(WhatIf, request, pk)
    run = Run.objects.for_user(request.user).defer(*Run.STORED_FILES).select_related("round").get(
        pk=comparison.run_id
    )
    context = {"whatif": comparison, "run": run, "round": run.round, "result": comparison.result}
    if request.headers.get("HX-Request"):
        response = render(request, "hoiku/whatif_progress.html", context)
        if comparison.is_finished or comparison.stall:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "hoiku/whatif_detail.html", context)
