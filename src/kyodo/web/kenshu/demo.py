"""Joint training's part of `kyodo web demo`: 東京都's published courses with sessions in the coming weeks, this
fiscal year's survey open for nominations (推薦受付中, so every organisation's portal shows the nomination due),
江東区's answer to the demand survey and a few of its staff nominated in its own order, one waiting for the
manager's approval. Dates follow the day the demo is prepared; staff names are made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kyodo.kenshu.generate import TOPICS
from kyodo.web.hoiku.models_rules import fiscal_year_label
from kyodo.web.kenshu.models import (
    Course,
    CourseFormat,
    DemandAnswer,
    Nomination,
    Survey,
    SurveyStatus,
    TrainingSession,
)


@dataclass(frozen=True)
class DemoCourse:
    topic: str  # a title in kyodo.kenshu.generate.TOPICS: its standard, skills, level and hours
    description: str
    format: str
    sessions: tuple[tuple[int, str, int], ...]  # (days from today, venue, capacity)
    approval_required: bool = False


ONLINE = "オンライン(Teams)"
COURSES = (
    DemoCourse("生成AIの業務活用", "生成AIの仕組みと限界、文書作成・要約での使い方、庁内ガイドラインに沿った入力の注意を演習で学びます。",
               str(CourseFormat.IN_PERSON), ((21, "都庁第一本庁舎", 24), (42, "都庁第一本庁舎", 24))),
    DemoCourse("情報セキュリティの基本", "標的型メールの見分け方、パスワードと多要素認証、インシデントの報告手順を学びます。",
               str(CourseFormat.ONLINE), ((28, ONLINE, 30),)),
    DemoCourse("データ利活用とEBPM", "統計データの読み方、Excel での集計と可視化、政策の効果を測る指標の立て方を学びます。",
               str(CourseFormat.IN_PERSON), ((35, "東京都庁研修所", 20),)),
    DemoCourse("ガバメントクラウドと標準化", "標準準拠システムへの移行手順、Fit & Gap の進め方、運用経費の見積りを事例で学びます。",
               str(CourseFormat.HYBRID), ((49, "都庁第一本庁舎", 20),), approval_required=True),
)
# (course topic, staff id, name, rank within 江東区 for the course, sessions wanted by their index in the course)
NOMINEES = (
    ("生成AIの業務活用", "131083-0412", "佐藤 美咲", 1, (0, 1)),
    ("生成AIの業務活用", "131083-0587", "高橋 健一", 2, (1,)),
    ("情報セキュリティの基本", "131083-0233", "田中 陽子", 1, (0,)),
    ("ガバメントクラウドと標準化", "131083-0871", "伊藤 大輔", 1, (0,)),
)
ANSWERS = {"生成AIの業務活用": 4, "情報セキュリティの基本": 6, "データ利活用とEBPM": 2, "ガバメントクラウドと標準化": 1}


def fiscal_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def survey_title(day: date) -> str:
    return f"{fiscal_year_label(fiscal_year(day))} 東京都・区市町村合同研修"


def _weekday(day: date) -> date:
    """The day itself, or the Monday after a Saturday or Sunday."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _course(trainer: Any, spec: DemoCourse) -> Course:
    title = f"{spec.topic}(入門)"
    found: Course | None = Course.objects.for_user(trainer).filter(title=title).first()
    if found is not None:
        return found
    _, standard, skills, level, hours, _ = next(t for t in TOPICS if t[0] == spec.topic)
    course: Course = Course.objects.create(
        organisation_id=trainer.organisation_id, created_by=trainer, title=title, description=spec.description,
        standard=standard.value, skills=list(skills), level=level, hours=hours, format=spec.format,
        approval_required=spec.approval_required, published=True,
    )
    return course


def _sessions(course: Course, spec: DemoCourse, today: date) -> list[TrainingSession]:
    """The course's sessions still to come, or new ones from today (a demo prepared again a year later)."""
    have = list(course.sessions.filter(starts_at__date__gt=today).order_by("starts_at", "id"))
    if len(have) >= len(spec.sessions):
        return have[: len(spec.sessions)]
    start = (13, 30) if course.hours <= 3 else (10, 0)
    made = []
    for days, venue, capacity in spec.sessions:
        day = _weekday(today + timedelta(days=days))
        begins = timezone.make_aware(datetime(day.year, day.month, day.day, *start))
        made.append(TrainingSession.objects.create(
            organisation_id=course.organisation_id, course=course, starts_at=begins,
            ends_at=begins + timedelta(hours=course.hours + (1 if course.hours > 3 else 0)),  # a lunch break
            venue=venue, format=spec.format, capacity=capacity, municipal_cap=3 if capacity >= 24 else None,
        ))
    return made


@transaction.atomic
def load(trainer: Any, ward_admin: Any, ward_staff: Any, today: date | None = None) -> Survey:
    """Idempotent: the courses, their sessions and the survey once; 江東区's answers and nominations with the survey."""
    from kyodo.web.accounts.models import Organisation
    from kyodo.web.kenshu import notices

    today = today or timezone.localdate()
    courses = {spec.topic: _course(trainer, spec) for spec in COURSES}
    sessions = {spec.topic: _sessions(courses[spec.topic], spec, today) for spec in COURSES}
    title = survey_title(today)
    found: Survey | None = Survey.objects.for_user(trainer).filter(title=title).first()
    if found is not None:
        return found
    survey: Survey = Survey.objects.create(
        organisation_id=trainer.organisation_id, created_by=trainer, title=title, fiscal_year=fiscal_year(today),
        answer_deadline=today - timedelta(days=7), nomination_deadline=today + timedelta(days=14),
        status=SurveyStatus.NOMINATING,
    )
    survey.courses.set(courses.values())
    DemandAnswer.objects.bulk_create([
        DemandAnswer(organisation_id=ward_admin.organisation_id, survey=survey, course=courses[topic], count=count,
                     answered_by=ward_admin)
        for topic, count in ANSWERS.items()
    ])
    Nomination.objects.bulk_create([
        Nomination(organisation_id=ward_staff.organisation_id, survey=survey, course=courses[topic],
                   staff_id=staff_id, staff_name=name, rank=rank,
                   wanted=[sessions[topic][i].pk for i in wanted], created_by=ward_staff)
        for topic, staff_id, name, rank, wanted in NOMINEES
    ])
    others = Organisation.objects.exclude(pk=trainer.organisation_id).values_list("pk", flat=True)
    label = dict(SurveyStatus.choices)[str(SurveyStatus.NOMINATING)]
    notices.tell(others, f"「{title}」が{label}になりました。")  # as the survey page tells them
    return survey
