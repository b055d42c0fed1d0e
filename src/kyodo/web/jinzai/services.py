"""The web app's calls into the matching engine: build an instance from the database, run it, confirm, decline.

No matching logic lives here: `kyodo.jinzai` matches, explains and measures fairness. This module turns rows into
the engine's plain data (ids `S<pk>` and `R<pk>`), records progress, and stores what came back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from kyodo.jinzai import Instance, match
from kyodo.jinzai import model as engine
from kyodo.jinzai.errors import PlanError
from kyodo.web import jobs
from kyodo.web.jinzai.models import (
    Engagement,
    MatchingRun,
    Proposal,
    ProposalStatus,
    RequestStatus,
    RunStatus,
    Specialist,
    TalentRequest,
)

log = logging.getLogger(__name__)
TIME_LIMIT_S = 8.0  # the engine's benchmark setting: 2 workers, 8 s


def engine_specialist(s: Specialist, history: frozenset[str]) -> engine.Specialist:
    return engine.Specialist(
        id=s.engine_id, name=s.name, skills={k: int(v) for k, v in s.skills.items()},
        hours_per_week=s.hours_per_week, modes=engine.SPECIALIST_MODES[s.modes], home_area=s.home_area,
        current_load_hours=s.current_load_hours,
        absences=tuple((a.start, a.end) for a in s.absences.all()),
        conflicts=frozenset(s.conflicts), history=history, max_cases=s.max_cases,
        role_type=s.role_type or None,
    )


def engine_request(r: TalentRequest, *, exclusions: bool = True) -> engine.Request:
    """The engine's request; `exclusions=False` for one already served (its engagement is kept as confirmed, and a
    specialist declined for it earlier has nothing left to be kept away from)."""
    return engine.Request(
        id=r.engine_id, municipality=r.organisation.code, skills={k: int(v) for k, v in r.skills.items()},
        mode=engine.Mode(r.mode), amount=r.amount, unit=engine.Unit(r.unit), start=r.start, end=r.end,
        urgency=engine.Urgency(r.urgency), category=r.category, purpose=r.purpose, deliverable=r.deliverable,
        preferred=r.preferred.engine_id if r.preferred_id else None,
        excluded=frozenset(f"S{pk}" for pk in r.excluded) if exclusions else frozenset(),
    )


def build_instance(tokyo_org_id: int) -> tuple[Instance, dict[str, str]]:
    """Every open request and active specialist, plus the engagements still running (kept as confirmed).

    Returns the instance and the confirmed pairs (engine request id → engine specialist id).
    A declined proposal keeps that specialist away from that request only (`TalentRequest.excluded`, the engine's
    `Request.excluded`); the specialist stays a candidate for every other request.
    """
    system = "the matching covers every municipality's open requests (coordinators' run)"
    open_requests = list(
        TalentRequest.objects.unscoped(system).filter(status=RequestStatus.OPEN)
        .select_related("organisation", "preferred").order_by("pk")
    )
    earliest = min((r.start for r in open_requests), default=timezone.localdate())
    running = list(
        Engagement.objects.unscoped(system).filter(request__end__gte=earliest)
        .select_related("request__organisation", "request__preferred", "specialist").order_by("pk")
    )
    served: dict[int, set[str]] = defaultdict(set)  # specialist → municipality codes served before
    for pk, code in Engagement.objects.unscoped(system).values_list("specialist_id", "request__organisation__code"):
        served[pk].add(code)
    specialists = {
        s.pk: s for s in Specialist.objects.for_org(tokyo_org_id).filter(active=True).prefetch_related("absences")
    }
    for e in running:  # a confirmed specialist stays in the plan even if set inactive since
        specialists.setdefault(e.specialist_id, e.specialist)
    pool = tuple(engine_specialist(s, frozenset(served[pk])) for pk, s in sorted(specialists.items()))
    requests = (
        *(engine_request(e.request, exclusions=False) for e in running),
        *(engine_request(r) for r in open_requests),
    )
    confirmed = {e.request.engine_id: e.specialist.engine_id for e in running}
    return Instance(pool, requests), confirmed


def start_run(tokyo_org_id: int, user: Any, method: str = "cpsat") -> MatchingRun:
    from kyodo.web.jinzai.tasks import execute_matching

    run: MatchingRun = MatchingRun.objects.create(
        organisation_id=tokyo_org_id, created_by=user, method=method, step="実行を待っています", **jobs.heartbeat()
    )
    jobs.remember_task(run, execute_matching.enqueue(run.pk))
    return run


def _progress(run_id: int) -> Callable[..., None]:
    def report(percent: int, step: str, **fields: Any) -> None:
        # Each report is also the job's heartbeat (kyodo.web.jobs: a job without one for long has stalled).
        MatchingRun.objects.unscoped("worker reports its own job's progress").filter(pk=run_id).update(
            progress=percent, step=step, **jobs.heartbeat(), **fields
        )

    return report


def execute(run_id: int) -> None:
    """Run one queued matching to the end: proposals for the coordinators, reasons for the unmatched requests."""
    from kyodo.jinzai.aggregate import joint_projects
    from kyodo.jinzai.fairness import measure
    from kyodo.jinzai.report import plan_json

    report = _progress(run_id)
    run = MatchingRun.objects.unscoped("the worker acts for the coordinator who queued the run").get(pk=run_id)
    report(5, "依頼と人材を読み込んでいます", status=RunStatus.RUNNING)
    try:
        instance, confirmed = build_instance(run.organisation_id)
        report(20, f"最適化しています(依頼{len(instance.requests)}件・人材{len(instance.specialists)}名)")
        plan = match(instance, method=run.method, confirmed=confirmed, time_limit_s=TIME_LIMIT_S)
        report(80, "提案と理由を保存しています")
        fairness = measure(instance, plan.by_request())
        result = plan_json(instance, plan, fairness, joint_projects(instance))
        with transaction.atomic():
            _store(run, plan, result)
        report(100, "完了しました", status=RunStatus.DONE, finished_at=timezone.now())
    except PlanError as exc:
        report(100, "失敗しました", status=RunStatus.FAILED, finished_at=timezone.now(), error=str(exc))
    except Exception:
        log.exception("matching run %s failed", run_id)
        report(100, "失敗しました", status=RunStatus.FAILED, finished_at=timezone.now(),
               error="内部エラーで実行できませんでした。管理者に連絡してください。")
        raise


def _pk(engine_id: str) -> int:
    return int(engine_id[1:])


def _store(run: MatchingRun, plan: engine.Plan, result: dict[str, Any]) -> None:
    run.plan = result
    run.save(update_fields=["plan"])
    for a in plan.assignments:
        Proposal.objects.create(
            organisation_id=run.organisation_id, run=run, request_id=_pk(a.request_id),
            specialist_id=_pk(a.specialist_id), kept=a.confirmed,
            status=ProposalStatus.CONFIRMED if a.confirmed else ProposalStatus.PROPOSED,
        )
    requests = TalentRequest.objects.unscoped("the run writes each request's latest reason")
    requests.filter(status=RequestStatus.OPEN).update(last_reason="")
    for u in plan.unmatched:
        requests.filter(pk=_pk(u.request_id)).update(last_reason=u.message)


def confirm(proposal: Proposal, user: Any) -> Engagement:
    """Turn a proposal into an engagement; the request is assigned. ValueError (Japanese) if it no longer can be."""
    with transaction.atomic():
        request = TalentRequest.objects.unscoped("a coordinator confirms a proposal").select_for_update().get(
            pk=proposal.request_id
        )
        if request.status != RequestStatus.OPEN:
            raise ValueError(f"依頼「{request.title}」はすでに{request.get_status_display()}です。")
        if proposal.status != ProposalStatus.PROPOSED:
            raise ValueError("この提案はすでに判断済みです。")
        problem = _no_longer_fits(proposal)
        if problem:
            raise ValueError(problem)
        request.status = RequestStatus.ASSIGNED
        request.last_reason = ""
        request.save(update_fields=["status", "last_reason"])
        proposal.status = ProposalStatus.CONFIRMED
        proposal.decided_by, proposal.decided_at = user, timezone.now()
        proposal.save(update_fields=["status", "decided_by", "decided_at"])
        engagement: Engagement = Engagement.objects.create(
            organisation_id=request.organisation_id, request=request, specialist_id=proposal.specialist_id,
            hours=request_hours(request), confirmed_by=user,
        )
    return engagement


def _no_longer_fits(proposal: Proposal) -> str:
    """Why the pair cannot be confirmed now, or ''. Checked by the engine's independent hard-constraint check
    against today's profiles and every engagement already confirmed (a proposal may be older than both)."""
    from kyodo.jinzai.check import violations

    instance, confirmed = build_instance(proposal.organisation_id)
    request_id, specialist_id = f"R{proposal.request_id}", f"S{proposal.specialist_id}"
    if not instance.has_specialist(specialist_id):
        return "この人材はいまマッチングの対象外です。"
    broken = [v for v in violations(instance, {**confirmed, request_id: specialist_id})
              if v.specialist_id == specialist_id]
    if broken:
        return ("この割当は、いまの条件(スキル・対応形態・利益相反・除外・稼働時間・上限件数と確定済みの割当)では"
                "成り立ちません。マッチングをやり直してください。")
    return ""


def decline(proposal: Proposal, user: Any, reason: str) -> None:
    """Decline the pair: the proposal is closed, and the request excludes the specialist from later runs."""
    with transaction.atomic():
        request = TalentRequest.objects.unscoped("a coordinator declines a proposal for this request").select_for_update(
        ).get(pk=proposal.request_id)
        if proposal.status != ProposalStatus.PROPOSED:
            raise ValueError("この提案はすでに判断済みです。")
        proposal.status = ProposalStatus.DECLINED
        proposal.reason = reason
        proposal.decided_by, proposal.decided_at = user, timezone.now()
        proposal.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        if proposal.specialist_id not in request.excluded:
            request.excluded = sorted([*request.excluded, proposal.specialist_id])
            request.save(update_fields=["excluded"])


def request_hours(r: TalentRequest) -> int:
    from kyodo.jinzai import load_policy

    amount = int(r.amount)
    return amount * load_policy().hours_per_day if r.unit == engine.Unit.DAYS.value else amount


def overdue(engagements: Iterable[Engagement], today: date) -> list[Engagement]:
    return [e for e in engagements if e.is_overdue(today)]
