"""People and rows the kenshu tests share (plain functions, so the access matrix can use them too).

Tara is a training administrator at 東京都. Alice and Bob (江東区) and Charlie (大田区) come from tests/web/conftest.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from kyodo.web.accounts.models import Organisation, Role, User
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

from ..conftest import PASSWORD, client_for

TOKYO = "130001"


def tokyo() -> Organisation:
    org: Organisation = Organisation.objects.get(code=TOKYO)
    return org


def make_trainer(username: str = "tara") -> User:
    return User.objects.create_user(username=username, password=PASSWORD, organisation=tokyo(), role=Role.STAFF,
                                    display_name="多良 研修")


def make_course(user: User, title: str = "生成AIの業務活用(入門)", **fields: Any) -> Course:
    values: dict[str, Any] = {"published": True, "skills": ["data_literacy", "emerging_tech"], "hours": 3}
    values.update(fields)
    course: Course = Course.objects.create(organisation_id=user.organisation_id, created_by=user, title=title,
                                           **values)
    return course


def at(day: date, hour: int = 13, minute: int = 30) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def make_session(course: Course, day: date | None = None, capacity: int = 2, **fields: Any) -> TrainingSession:
    day = day or timezone.localdate() + timedelta(days=30)
    session: TrainingSession = TrainingSession.objects.create(
        organisation_id=course.organisation_id, course=course, starts_at=at(day), ends_at=at(day, 16, 30),
        capacity=capacity, venue="都庁第一本庁舎", **fields)
    return session


def make_survey(trainer: User, courses: list[Course], status: str = SurveyStatus.NOMINATING) -> Survey:
    today = timezone.localdate()
    survey: Survey = Survey.objects.create(
        organisation_id=trainer.organisation_id, created_by=trainer, title="令和8年度 共同研修", fiscal_year=2026,
        answer_deadline=today + timedelta(days=7), nomination_deadline=today + timedelta(days=14), status=status)
    survey.courses.set(courses)
    return survey


def nominate(user: User, survey: Survey, course: Course, name: str, rank: int, wanted: list[int],
             **fields: Any) -> Nomination:
    n: Nomination = Nomination.objects.create(
        organisation_id=user.organisation_id, survey=survey, course=course, staff_id=f"{user.organisation_id}-{rank}"
        if "staff_id" not in fields else fields.pop("staff_id"), staff_name=name, rank=rank, wanted=wanted,
        created_by=user, **fields)
    return n


def matrix_objects(o: dict[str, Any]) -> dict[str, Any]:
    """Kenshu rows for the access matrix: a draft course hosted by 江東区 with one session, a draft survey of
    Tokyo's, a completed 江東区 nominee, a finished run. Made once per matrix run."""
    if "kenshu" in o:
        return o["kenshu"]  # type: ignore[no-any-return]
    alice, bob = o["bob"].organisation.users.get(username="alice"), o["bob"]
    tara = make_trainer()
    course = make_course(alice, "江東区のDX研修(準備中)", published=False)
    session = make_session(course)
    survey = make_survey(tara, [course], status=SurveyStatus.DRAFT)
    nomination = nominate(bob, survey, course, "江東 秘密子", 1, [session.pk], session=session,
                          status=NominationStatus.ATTENDED, attended_minutes=180, completed=True)
    run = AllocationRun.objects.create(organisation=tokyo(), survey=survey, created_by=tara, status=RunStatus.DONE,
                                       progress=100)
    o["secrets"] += [nomination.staff_name, course.title]
    o["kenshu_tokyo_client"] = client_for(tara)
    o["kenshu"] = {"course": course, "session": session, "survey": survey, "nomination": nomination, "run": run}
    return o["kenshu"]  # type: ignore[no-any-return]


def ks(name: str) -> Any:
    """A matrix kwargs function: {'pk': <the kenshu object called name>}, {'token': …} for check-in, or {}."""
    if not name:
        return lambda o: (matrix_objects(o), {})[1]
    if name == "token":
        return lambda o: {"token": matrix_objects(o)["session"].checkin_token}
    return lambda o: {"pk": matrix_objects(o)[name].pk}
