"""The matching board and the charts: Tokyo's coordinators only (`roles.coordinator_required`).

The board shows the latest run: proposals to confirm or decline (with a reason, audited), the confirmed
assignments the run kept, and every unmatched request with the engine's reason.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kyodo.jinzai import METHODS
from kyodo.municipalities import BY_CODE
from kyodo.web import jobs
from kyodo.web.audit.log import record_request
from kyodo.web.jinzai import roles, services
from kyodo.web.jinzai.actions import JinzaiAction
from kyodo.web.jinzai.forms import DeclineForm
from kyodo.web.jinzai.models import MatchingRun, Proposal, ProposalStatus, RunStatus
from kyodo.web.tenancy import get_for_user_or_404

METHOD_LABELS = {"cpsat": "最適化(CP-SAT)", "greedy": "貪欲法(比較用)"}


def _latest_run(request: HttpRequest) -> MatchingRun | None:
    run: MatchingRun | None = MatchingRun.objects.for_user(request.user).first()
    return run


def _unmatched(run: MatchingRun) -> list[dict[str, Any]]:
    return [{**u, "pk": int(u["request"][1:])} for u in run.plan.get("unmatched", [])]


@roles.coordinator_required
def board(request: HttpRequest) -> HttpResponse:
    run = _latest_run(request)
    proposals: list[Proposal] = []
    if run is not None and run.status == RunStatus.DONE:
        # Proposals belong to 東京都 (the coordinator's organisation); the requests they name are the
        # municipalities', which coordinators may see (roles.requests_for).
        proposals = list(run.proposals.select_related("request__organisation", "specialist", "decided_by"))
    return render(request, "jinzai/board.html", {
        "run": run, "proposals": [p for p in proposals if not p.kept], "kept": [p for p in proposals if p.kept],
        "unmatched": _unmatched(run) if run and run.status == RunStatus.DONE else [],
        "runs": MatchingRun.objects.for_user(request.user).select_related("created_by")[:5],
        "methods": [(m, METHOD_LABELS[m]) for m in METHODS], "decline_form": DeclineForm(),
    })


@roles.coordinator_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    method = request.POST.get("method", "cpsat")
    if method not in METHODS:
        messages.error(request, "方式を選んでください。")
        return redirect("jinzai:board")
    run = services.start_run(request.user.organisation_id, request.user, method)
    record_request(request, JinzaiAction.MATCH_RUN, run, method=method)
    return redirect("jinzai:board")


@roles.coordinator_required
@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a stalled matching (its worker died) again with the same method; the stalled one is recorded as failed."""
    stalled = get_for_user_or_404(MatchingRun, request, pk)
    stall = stalled.stall
    if stall is None or not jobs.mark_failed(stalled, stall):
        messages.error(request, "このマッチングは止まっていません(処理中か、終わっています)。")
        return redirect("jinzai:board")
    record_request(request, jobs.JobAction.RETRY, stalled, reason=stall.reason)
    run = services.start_run(request.user.organisation_id, request.user, stalled.method)
    record_request(request, JinzaiAction.MATCH_RUN, run, method=run.method, retries=stalled.pk)
    messages.success(request, "止まっていたマッチングを「失敗」として記録し、実行し直します。")
    return redirect("jinzai:board")


@roles.coordinator_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the board polls (HTMX); tells the page to reload when the run ends or stalls."""
    run = get_for_user_or_404(MatchingRun, request, pk)
    response = render(request, "jinzai/_progress.html", {"run": run})
    if (run.is_finished or run.stall) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    return get_for_user_or_404(Proposal, request, pk)  # proposals are 東京都's: coordinators only reach them


@roles.coordinator_required
@require_POST
def proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    try:
        engagement = services.confirm(proposal, request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("jinzai:board")
    details = {"request_id": proposal.request_id, "specialist_id": proposal.specialist_id, "run_id": proposal.run_id}
    record_request(request, JinzaiAction.CONFIRM, engagement, **details)
    # The municipality's own log shows that Tokyo confirmed help for its request (no specialist's personal data).
    record_request(request, JinzaiAction.CONFIRM, engagement, organisation_id=engagement.organisation_id,
                   request_id=proposal.request_id)
    messages.success(request, f"依頼「{proposal.request.title}」に {proposal.specialist.name} さんを確定しました。")
    return redirect("jinzai:board")


@roles.coordinator_required
@require_POST
def proposal_decline(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "見送りの理由を書いてください。")
        return redirect("jinzai:board")
    try:
        services.decline(proposal, request.user, form.cleaned_data["reason"])
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("jinzai:board")
    record_request(request, JinzaiAction.DECLINE, proposal, request_id=proposal.request_id,
                   specialist_id=proposal.specialist_id, reason=proposal.reason)
    messages.success(request, f"提案(依頼「{proposal.request.title}」→ {proposal.specialist.name} さん)を見送りました。"
                     "次のマッチングからは、この人材をこの依頼には提案しません(ほかの依頼には提案します)。")
    return redirect("jinzai:board")


def _weeks(start: date, end: date) -> int:
    return max(1, ((end - start).days + 1 + 6) // 7)


@roles.coordinator_required
def charts(request: HttpRequest) -> HttpResponse:
    """Utilisation per specialist over the latest plan's period, and the engine's fairness measures."""
    run = MatchingRun.objects.for_user(request.user).filter(status=RunStatus.DONE).first()
    utilisation: list[dict[str, Any]] = []
    fairness: dict[str, Any] = {}
    if run is not None:
        fairness = run.plan.get("fairness", {})
        rows = list(run.proposals.exclude(status=ProposalStatus.DECLINED).select_related("request", "specialist"))
        if rows:
            start, end = min(p.request.start for p in rows), max(p.request.end for p in rows)
            weeks = _weeks(start, end)
            hours: dict[int, int] = {}
            for p in rows:
                hours[p.specialist_id] = hours.get(p.specialist_id, 0) + services.request_hours(p.request)
            for s in roles.specialists_for(request.user).filter(active=True):
                offered = max(0, s.hours_per_week - s.current_load_hours) * weeks
                used = hours.get(s.pk, 0)
                share = round(100 * used / offered) if offered else 0
                utilisation.append({"s": s, "used": used, "offered": offered, "share": share,
                                    "width": min(share, 100)})
            utilisation.sort(key=lambda u: (-u["share"], u["s"].name))
            fairness["period"] = f"{start:%Y-%m-%d}〜{end:%Y-%m-%d}({weeks}週)"
    for band in fairness.get("bands", []):
        band["percent"] = round(100 * band["rate"])
    unserved = [BY_CODE[code].name for code in fairness.get("unserved_municipalities", []) if code in BY_CODE]
    engaged = list(roles.engagements_for(request.user).exclude(rating=None).values_list("rating", flat=True))
    return render(request, "jinzai/charts.html", {
        "run": run, "utilisation": utilisation, "fairness": fairness, "unserved": unserved,
        "idle": sum(1 for u in utilisation if u["used"] == 0),
        "rating_average": round(sum(engaged) / len(engaged), 2) if engaged else None, "rated": len(engaged),
    })
