"""`kyodo web demo`'s data for 保育 (rules version, letter settings), 研修, 標準化 and 会議録: made once, valid for
the engines, and shown on each service's pages to the demo users it is for (and not to another organisation).

The whole preparation (with the round and its run) is tested in test_demo.py; here each service's demo module
runs alone, so the tests stay fast.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from kyodo import kenshu as kenshu_engine
from kyodo.web import demo
from kyodo.web.accounts.models import Organisation, Role, User
from kyodo.web.gijiroku import demo as gijiroku_demo
from kyodo.web.gijiroku import services as gijiroku_services
from kyodo.web.gijiroku.models import Mark, Meeting
from kyodo.web.hoiku import demo as hoiku_demo
from kyodo.web.hoiku.models import LetterSetting, RulesVersion
from kyodo.web.hyojunka import demo as hyojunka_demo
from kyodo.web.hyojunka import services as hyojunka_services
from kyodo.web.hyojunka.models import MonthlyReport, Plan
from kyodo.web.kenshu import demo as kenshu_demo
from kyodo.web.kenshu import services as kenshu_services
from kyodo.web.kenshu.models import Course, DemandAnswer, Nomination, Survey, SurveyStatus, TrainingSession
from kyodo.web.portal.models import Notification

from .conftest import client_for


@pytest.fixture
def koto_admin(db) -> User:
    return demo.ensure_users()


@pytest.fixture
def koto_staff(koto_admin) -> User:
    return User.objects.get(username="koto-staff")


@pytest.fixture
def coordinator(db) -> User:
    return User.objects.create_user(username="tokyo-coord", password="x", role=Role.STAFF,
                                    organisation=Organisation.objects.get(code="130001"), display_name="都 研修")


def test_hoiku_demo_makes_a_version_of_the_shipped_rules_and_letter_settings_once(koto_admin, charlie_client):
    version = hoiku_demo.ensure_rules_version(koto_admin, demo.FISCAL_YEAR)
    setting = hoiku_demo.ensure_letter_settings(koto_admin, demo.FISCAL_YEAR)
    assert hoiku_demo.ensure_rules_version(koto_admin, demo.FISCAL_YEAR).pk == version.pk
    assert RulesVersion.objects.for_user(koto_admin).count() == 1 and version.based_on_shipped == "koto"
    assert version.rules().municipality == "江東区"
    setting.mayor = "江東 次郎"  # the administrator's own change is kept
    setting.save()
    assert hoiku_demo.ensure_letter_settings(koto_admin, demo.FISCAL_YEAR).mayor == "江東 次郎"
    assert LetterSetting.objects.for_user(koto_admin).count() == 1
    letter = setting.as_engine()  # the engine's own checks pass
    assert letter.document_number == "江こ保第1234号" and letter.issue_date.year == demo.FISCAL_YEAR
    assert "例" in letter.contact_section and letter.contact_phone.startswith("03-")
    admin = client_for(koto_admin)
    assert version.display_name in admin.get("/hoiku/rules/").content.decode()
    assert "江こ保第1234号" in admin.get("/hoiku/letter-settings/").content.decode()
    assert version.display_name not in charlie_client.get("/hoiku/rules/").content.decode()


def test_kenshu_demo_opens_nominations_with_koto_nominees_once(koto_admin, koto_staff, coordinator, charlie_client):
    survey = kenshu_demo.load(coordinator, koto_admin, koto_staff)
    counts = [m.objects.unscoped("test").count() for m in (Course, TrainingSession, Survey, DemandAnswer, Nomination)]
    told = Notification.objects.unscoped("test").count()
    assert kenshu_demo.load(coordinator, koto_admin, koto_staff).pk == survey.pk
    assert counts == [m.objects.unscoped("test").count() for m in (Course, TrainingSession, Survey, DemandAnswer,
                                                                     Nomination)]
    assert counts == [4, 5, 1, 4, 4] and Notification.objects.unscoped("test").count() == told
    today = timezone.localdate()
    assert survey.status == SurveyStatus.NOMINATING and survey.nomination_deadline > today
    for session in TrainingSession.objects.unscoped("test"):
        day = timezone.localtime(session.starts_at).date()
        assert day > today and day.weekday() < 5 and session.ends_at > session.starts_at
    instance, _ = kenshu_services.build_instance(survey)
    plan = kenshu_engine.allocate(instance)
    assert len(plan.assignments) == 3  # the fourth course asks for the manager's approval first

    staff = client_for(koto_staff)
    assert f"「{survey.title}」の推薦" in staff.get("/").content.decode()
    page = staff.get("/kenshu/nominate/").content.decode()
    assert "佐藤 美咲" in page and "伊藤 大輔" in page
    assert "高橋 健一" in client_for(coordinator).get("/kenshu/nominations/").content.decode()
    assert f"「{survey.title}」の推薦" in charlie_client.get("/").content.decode()  # addressed to every organisation
    assert "佐藤 美咲" not in charlie_client.get("/kenshu/nominations/").content.decode()

    later = today.replace(year=today.year + 1, day=min(today.day, 28))  # prepared again a year later
    next_year = kenshu_demo.load(coordinator, koto_admin, koto_staff, today=later)
    assert next_year.pk != survey.pk and next_year.fiscal_year == survey.fiscal_year + 1
    wanted = [pk for n in Nomination.objects.unscoped("test").filter(survey=next_year) for pk in n.wanted]
    assert all(timezone.localtime(TrainingSession.objects.unscoped("test").get(pk=pk).starts_at).date() > later
               for pk in wanted)


def test_hyojunka_demo_fills_every_municipality_and_koto_reports_once(koto_admin, coordinator, charlie):
    today = timezone.localdate()
    hyojunka_services.ensure_plans(koto_admin.organisation_id)  # a first visit's empty plans are filled in place
    first_visit = set(Plan.objects.for_user(koto_admin).values_list("pk", flat=True))
    ota_own = Plan.objects.create(organisation=charlie.organisation, system="juki", vendor="自前の記入",
                                  deadline=today)
    hyojunka_demo.load(koto_admin)
    hyojunka_demo.load(koto_admin)
    assert Plan.objects.unscoped("test").count() == 61 * 20 + 1  # 大田区's own plan kept, nothing added there
    ota_own.refresh_from_db()
    assert ota_own.vendor == "自前の記入" and not ota_own.steps
    koto = list(Plan.objects.for_user(koto_admin))
    assert {p.pk for p in koto} == first_visit and all(p.vendor for p in koto)
    assert all(date_text <= today.isoformat() for p in koto for date_text in p.steps.values())
    reports = list(MonthlyReport.objects.for_user(koto_admin).order_by("month"))
    assert len(reports) == hyojunka_demo.REPORTED_MONTHS and reports[-1].month < today.replace(day=1)
    assert reports[-1].month + timedelta(days=31) >= today.replace(day=1)  # up to last month
    for before, after in pairwise(reports):
        assert all(0 <= before.snapshot[s] <= after.snapshot[s] <= 40 for s in before.snapshot)
    current = {p.system: len(p.steps) for p in koto}
    assert all(reports[-1].snapshot[s] <= current[s] for s in current)

    home = client_for(koto_admin).get("/hyojunka/").content.decode()
    assert hyojunka_services.reminder(koto_admin.organisation_id, today) in home  # this month is left to send
    sent = timezone.localtime(reports[-1].submitted_at)
    assert f"{reports[-1].month.year}年{reports[-1].month.month}月: {sent:%Y-%m-%d} 16:00 報告" in home
    dashboard = client_for(coordinator).get("/hyojunka/dashboard/")
    assert dashboard.status_code == 200 and "1221 組" in dashboard.content.decode()


def test_gijiroku_demo_stores_a_transcribed_meeting_with_its_recording_once(koto_admin, koto_staff, charlie_client,
                                                                           settings, tmp_path):
    pytest.importorskip("pyopenjtalk")
    settings.GIJIROKU_MEDIA_DIR = str(tmp_path / "media")
    meeting = gijiroku_demo.load(koto_admin)
    assert meeting is not None and gijiroku_demo.load(koto_admin).pk == meeting.pk
    assert Meeting.objects.for_user(koto_admin).count() == 1
    audio = gijiroku_services.audio_file(meeting)
    assert hashlib.sha256(audio.read_bytes()).hexdigest() == meeting.audio_sha256
    assert [p.name for p in audio.parent.iterdir()] == [audio.name]  # no temporary file left behind
    segments = list(meeting.segments.all())
    assert len(segments) == 10 and {s.speaker for s in segments} == {0, 1, 2}
    assert all(0 <= a.start < a.end <= b.start for a, b in pairwise(segments))
    assert "えー" in segments[2].raw_text and "えー" not in segments[2].text  # cleaned by the engine
    assert any(s.mark == Mark.DECISION for s in segments)
    assert [sp.attendee.name for sp in meeting.speakers.all()] == ["山田太郎", "佐藤花子", "鈴木一郎"]

    staff = client_for(koto_staff)
    assert meeting.title in staff.get("/gijiroku/").content.decode()
    page = staff.get(f"/gijiroku/meetings/{meeting.pk}/").content.decode()
    assert "○委員長(山田太郎君)" in page and "音声認識は行っていません" in page
    assert staff.get(f"/gijiroku/meetings/{meeting.pk}/audio/").status_code == 200
    assert staff.get(f"/gijiroku/meetings/{meeting.pk}/export/full/docx/").status_code == 200
    found = staff.get("/gijiroku/search/", {"q": segments[3].text[:4]}).content.decode()
    assert '<p id="count">0件' not in found and f"/gijiroku/meetings/{meeting.pk}/" in found  # indexed like a real one
    assert charlie_client.get(f"/gijiroku/meetings/{meeting.pk}/").status_code == 404
