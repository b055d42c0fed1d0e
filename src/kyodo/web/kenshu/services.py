"""The web app's calls into the allocation engine: rows → the engine's plain data, runs, cancellations, attendance.

No allocation logic lives here: `kyodo.kenshu` allocates, promotes and measures fairness. Engine ids are `K<pk>`
(courses), `S<pk>` (sessions) and `N<pk>` (nominations). Seats the host keeps for its own staff
(`TrainingSession.host_reserved`) are booked before the engine runs and taken off the capacity it sees.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from kyodo import kenshu
from kyodo.kenshu.report import plan_json
from kyodo.web import jobs
from kyodo.web.audit.log import record
from kyodo.web.kenshu import notices
from kyodo.web.kenshu.actions import KenshuAction
from kyodo.web.kenshu.models import (
    AllocationRun,
    Course,
    Nomination,
    NominationStatus,
    RunStatus,
    Survey,
    SurveyStatus,
    TrainingSession,
)

log = logging.getLogger(__name__)
SYSTEM = "the allocation covers every organisation's nominations for Tokyo's survey"
OPEN = (NominationStatus.REQUESTED, NominationStatus.APPROVED, NominationStatus.WAITLISTED)
SEATED = (NominationStatus.BOOKED, NominationStatus.ATTENDED, NominationStatus.PARTIAL, NominationStatus.NO_SHOW)


def _pk(engine_id: str) -> int:
    return int(engine_id[1:])


def _courses(survey: Survey) -> dict[int, Course]:
    return {c.pk: c for c in Course.objects.unscoped(SYSTEM).filter(surveys=survey).prefetch_related(
        "prerequisites")}


def _completed(nominations: list[Nomination]) -> dict[tuple[int, str], frozenset[str]]:
    """(organisation, staff id) → engine ids of the courses the staff member has completed."""
    staff = {(n.organisation_id, n.staff_id) for n in nominations}
    done: dict[tuple[int, str], set[str]] = defaultdict(set)
    rows = Nomination.objects.unscoped(SYSTEM).filter(completed=True).values_list(
        "organisation_id", "staff_id", "course_id")
    for org, sid, course in rows:
        if (org, sid) in staff:
            done[(org, sid)].add(f"K{course}")
    return {k: frozenset(v) for k, v in done.items()}


def _engine_nomination(n: Nomination, done: dict[tuple[int, str], frozenset[str]]) -> kenshu.Nomination:
    return kenshu.Nomination(
        id=n.engine_id, staff_id=n.staff_id, name=n.staff_name, municipality=n.organisation.code,
        course_id=n.course.engine_id, sessions=tuple(f"S{pk}" for pk in n.wanted), rank=n.rank,
        submitted_at=timezone.localtime(n.submitted_at).replace(tzinfo=None), waitlisted_before=n.waitlisted_before,
        completed=done.get((n.organisation_id, n.staff_id), frozenset()),
    )


def _engine_courses(courses: dict[int, Course]) -> dict[str, kenshu.Course]:
    # A prerequisite outside the survey still counts: the staff member must have completed it.
    return {
        c.engine_id: kenshu.Course(c.engine_id, c.title, kenshu.Standard(c.standard), tuple(c.skills), c.level,
                                   c.hours, tuple(p.engine_id for p in c.prerequisites.all()))
        for c in courses.values()
    }


def _reserve(sessions: list[TrainingSession], pending: list[Nomination]) -> dict[int, int]:
    """Book the host's reserved seats for the host's own nominees (in the host's order). nomination → session."""
    booked: dict[int, int] = {}
    for s in sessions:
        if not s.host_reserved:
            continue
        own = sorted((n for n in pending if n.organisation_id == s.organisation_id and s.pk in n.wanted
                      and n.pk not in booked), key=lambda n: (not n.waitlisted_before, n.rank, n.pk))
        for n in own[: s.host_reserved]:
            booked[n.pk] = s.pk
    return booked


def build_instance(survey: Survey) -> tuple[kenshu.Instance, dict[int, int]]:
    """The engine's instance for a survey, and the host-reserved bookings made before it (nomination → session)."""
    courses = _courses(survey)
    sessions = list(TrainingSession.objects.unscoped(SYSTEM).filter(course__in=list(courses)).order_by("pk"))
    pending = [n for n in Nomination.objects.unscoped(SYSTEM).filter(survey=survey, status__in=OPEN)
               .select_related("organisation", "course").order_by("pk")
               if n.status == NominationStatus.APPROVED or not courses[n.course_id].approval_required]
    reserved = _reserve(sessions, pending)
    used: dict[int, int] = defaultdict(int)
    for spk in reserved.values():
        used[spk] += 1
    done = _completed(pending)
    engine_courses = _engine_courses(courses)
    engine_sessions = tuple(
        kenshu.Session(s.engine_id, f"K{s.course_id}", timezone.localtime(s.starts_at).replace(tzinfo=None),
                       kenshu.Format(s.format), max(0, s.capacity - max(s.host_reserved, used[s.pk])),
                       s.municipal_cap, s.venue)
        for s in sessions
    )
    known = {s.pk for s in sessions}
    noms = tuple(_engine_nomination(n, done) for n in pending
                 if n.pk not in reserved and n.wanted and set(n.wanted) <= known)
    return kenshu.Instance(engine_courses, engine_sessions, noms), reserved


def start_run(survey: Survey, user: Any, method: str = "fair", seed: int = 0) -> AllocationRun:
    from kyodo.web.kenshu.tasks import execute_allocation

    run: AllocationRun = AllocationRun.objects.create(
        organisation_id=survey.organisation_id, survey=survey, created_by=user, method=method, seed=seed,
        step="実行を待っています", **jobs.heartbeat())
    jobs.remember_task(run, execute_allocation.enqueue(run.pk))
    return run


def _progress(run_id: int) -> Callable[..., None]:
    def report(percent: int, step: str, **fields: Any) -> None:
        AllocationRun.objects.unscoped("worker reports its own job's progress").filter(pk=run_id).update(
            progress=percent, step=step, **jobs.heartbeat(), **fields)

    return report


def execute(run_id: int) -> None:
    """Run one queued allocation: seats, waitlists and reasons written onto the nominations; notices sent."""
    report = _progress(run_id)
    run = AllocationRun.objects.unscoped("the worker acts for the administrator who queued it").select_related(
        "survey").get(pk=run_id)
    report(5, "推薦を読み込んでいます", status=RunStatus.RUNNING)
    try:
        instance, reserved = build_instance(run.survey)
        report(30, f"座席を配分しています(推薦{len(instance.nominations)}件・開催回{len(instance.sessions)}回)")
        plan = kenshu.allocate(instance, method=run.method, seed=run.seed)
        report(80, "結果を保存しています")
        with transaction.atomic():
            _store(run, plan, reserved)
        report(100, "完了しました", status=RunStatus.DONE, finished_at=timezone.now())
    except Exception:
        log.exception("allocation run %s failed", run_id)
        report(100, "失敗しました", status=RunStatus.FAILED, finished_at=timezone.now(),
               error="内部エラーで実行できませんでした。管理者に連絡してください。")
        raise


def _store(run: AllocationRun, plan: kenshu.Plan, reserved: dict[int, int]) -> None:
    run.plan = plan_json(plan)
    run.save(update_fields=["plan"])
    rows = Nomination.objects.unscoped("the run writes every nominee's result")
    for npk, spk in reserved.items():
        rows.filter(pk=npk).update(status=NominationStatus.BOOKED, session_id=spk, waitlist={},
                                   reason="主催団体の枠で受講決定")
    for a in plan.assignments:
        rows.filter(pk=_pk(a.nomination)).update(status=NominationStatus.BOOKED, session_id=_pk(a.session),
                                                 waitlist={}, reason="")
    for u in plan.unseated:
        places = {str(_pk(s)): p for s, p in u.waitlist}
        status = NominationStatus.WAITLISTED if places else NominationStatus.CANCELLED
        rows.filter(pk=_pk(u.nomination)).update(status=status, session=None, waitlist=places, reason=u.reason.value)
    run.survey.status = SurveyStatus.ALLOCATED
    run.survey.save(update_fields=["status"])
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for org, status in rows.filter(survey=run.survey).values_list("organisation_id", "status"):
        if status == NominationStatus.BOOKED:
            counts[org][0] += 1
        elif status == NominationStatus.WAITLISTED:
            counts[org][1] += 1
    for org, (booked, waiting) in sorted(counts.items()):
        notices.tell([org], f"「{run.survey.title}」の座席配分の結果: 受講決定 {booked} 名、キャンセル待ち {waiting} 名。")
    record(run.created_by, KenshuAction.ALLOCATE, run, method=run.method, seed=run.seed,
           seats=len(plan.assignments), worst_share=plan.fairness.worst_share)


# --- cancellation and promotion
def current_plan(survey: Survey) -> tuple[kenshu.Instance, kenshu.Plan]:
    """The engine's view of the survey as it stands: who holds a seat, and each session's waitlist."""
    rows = list(Nomination.objects.unscoped(SYSTEM).filter(survey=survey).select_related("organisation", "course"))
    done = _completed(rows)
    live = [n for n in rows if n.status in (*OPEN, *SEATED) and n.wanted]
    courses = _engine_courses(_courses(survey))
    sessions: dict[str, kenshu.Session] = {}
    for s in TrainingSession.objects.unscoped(SYSTEM).filter(course__surveys=survey):
        sessions[s.engine_id] = kenshu.Session(
            s.engine_id, f"K{s.course_id}", timezone.localtime(s.starts_at).replace(tzinfo=None),
            kenshu.Format(s.format), s.capacity, s.municipal_cap, s.venue)
    noms = [_engine_nomination(n, done) for n in live if {f"S{p}" for p in n.wanted} <= set(sessions)]
    instance = kenshu.Instance(courses, tuple(sessions.values()), tuple(noms))
    waiting: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for n in live:
        if n.status == NominationStatus.WAITLISTED:
            for spk, pos in n.waitlist.items():
                waiting[f"S{spk}"].append((int(pos), n.engine_id))
    plan = kenshu.Plan(
        method="web", seed=0,
        assignments=tuple(kenshu.Assignment(n.engine_id, f"S{n.session_id}") for n in live
                          if n.status in SEATED and n.session_id),
        waitlists={s: tuple(nid for _, nid in sorted(v)) for s, v in waiting.items()},
        unseated=(), fairness=kenshu.Fairness((), 1.0, (), 1.0),
    )
    return instance, plan


def cancel(nomination: Nomination, user: Any, why: str, today: date | None = None) -> kenshu.Promotion | None:
    """Cancel a nominee's place; a booked seat goes to the session's waitlist by the engine's rule (cut-off)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        seated = nomination.status == NominationStatus.BOOKED and nomination.session_id is not None
        promotion = None
        if seated:
            instance, plan = current_plan(nomination.survey)
            after, promotion = kenshu.promote(instance, plan, nomination.engine_id, today=today)
            _apply_promotion(promotion, after, nomination)
        was_waiting = nomination.status == NominationStatus.WAITLISTED
        nomination.status, nomination.session, nomination.waitlist = NominationStatus.CANCELLED, None, {}
        nomination.reason = f"取消: {why}"
        nomination.save(update_fields=["status", "session", "waitlist", "reason"])
        if was_waiting:
            _renumber(nomination.survey_id)
        record(user, KenshuAction.CANCEL, nomination, organisation_id=nomination.organisation_id, reason=why,
               promoted=promotion.promoted if promotion else None,
               result=promotion.reason if promotion else "座席なし")
    return promotion


def _apply_promotion(promotion: kenshu.Promotion, after: kenshu.Plan, cancelled: Nomination) -> None:
    rows = Nomination.objects.unscoped("a cancellation moves the session's waitlist")
    if promotion.promoted is not None:
        promoted = rows.select_related("survey").get(pk=_pk(promotion.promoted))
        promoted.status, promoted.session_id = NominationStatus.BOOKED, _pk(promotion.session)
        promoted.waitlist, promoted.reason = {}, promotion.reason
        promoted.save(update_fields=["status", "session", "waitlist", "reason"])
        record(None, KenshuAction.PROMOTE, promoted, organisation_id=promoted.organisation_id,
               reason=promotion.reason, position=promotion.waitlist_position)
        notices.tell([promoted.organisation_id],
                     f"受講番号 {promoted.code} が「{promoted.course.title}」に繰り上げで受講決定しました。")
    elif promotion.offered_online:
        notices.tell([cancelled.organisation_id], f"「{cancelled.course.title}」の空席はオンライン参加枠として案内します。")
    positions: dict[str, dict[str, int]] = defaultdict(dict)
    for sid, ids in after.waitlists.items():
        for pos, nid in enumerate(ids, start=1):
            positions[nid][str(_pk(sid))] = pos
    for n in rows.filter(survey_id=cancelled.survey_id, status=NominationStatus.WAITLISTED):
        new = positions.get(n.engine_id, {})
        if new and new != n.waitlist:
            n.waitlist = new
            n.save(update_fields=["waitlist"])


def _renumber(survey_id: int) -> None:
    """Close the gap a waitlisted nominee leaves: the others keep their order on each session's waitlist."""
    rows = list(Nomination.objects.unscoped("a cancellation moves the session's waitlist").filter(
        survey_id=survey_id, status=NominationStatus.WAITLISTED))
    queues: dict[str, list[tuple[int, int, Nomination]]] = defaultdict(list)
    for n in rows:
        for spk, pos in n.waitlist.items():
            queues[spk].append((int(pos), n.pk, n))
    for spk, queue in queues.items():
        for new, (_, _, n) in enumerate(sorted(queue, key=lambda q: q[:2]), start=1):
            n.waitlist[spk] = new
    for n in rows:
        n.save(update_fields=["waitlist"])


# --- attendance
def session_minutes(session: TrainingSession) -> int:
    return max(1, int((session.ends_at - session.starts_at).total_seconds() // 60))


def record_attendance(nomination: Nomination, minutes: int, user: Any) -> None:
    """Attended (all of it), partially attended or no-show; completed when the course's rule is met."""
    session = nomination.session
    assert session is not None
    full = session_minutes(session)
    minutes = max(0, min(minutes, full))
    if minutes >= full:
        status = NominationStatus.ATTENDED
    elif minutes > 0:
        status = NominationStatus.PARTIAL
    else:
        status = NominationStatus.NO_SHOW
    nomination.status, nomination.attended_minutes = status, minutes
    nomination.completed = minutes * 100 >= full * nomination.course.completion_percent
    nomination.save(update_fields=["status", "attended_minutes", "completed"])
    record(user, KenshuAction.ATTENDANCE, nomination, organisation_id=nomination.organisation_id,
           minutes=minutes, status=str(status), completed=nomination.completed)
