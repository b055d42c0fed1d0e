"""Survey → answers → nominations → allocation in the background → results scoped to each organisation →
cancellation with promotion → attendance (QR and tick list) → certificate, calendar, report."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from kyodo.web.audit.models import AuditEntry
from kyodo.web.kenshu import notices
from kyodo.web.kenshu.models import (
    AllocationRun,
    DemandAnswer,
    Nomination,
    NominationStatus,
    RunStatus,
    Survey,
    SurveyStatus,
)

from .world import make_course, make_session, make_survey, nominate

pytestmark = pytest.mark.django_db


def _allocate(client, survey: Survey) -> AllocationRun:  # type: ignore[no-untyped-def]
    response = client.post(f"/kenshu/surveys/{survey.pk}/allocate/", {"method": "fair", "seed": "3"})
    assert response.status_code == 302
    run = AllocationRun.objects.for_org(survey.organisation_id).get(survey=survey)
    assert run.status == RunStatus.DONE, run.error
    return run


def _mine(user):  # type: ignore[no-untyped-def]
    return {n.staff_name: n for n in Nomination.objects.for_user(user)}


def test_tokyo_publishes_a_course_and_a_survey_and_organisations_answer(tara_client, tara, alice_client, alice):
    response = tara_client.post("/kenshu/courses/new/", {
        "title": "情報セキュリティの基本", "standard": "DSS-L", "skills": ["security_management"], "level": 1,
        "hours": 3, "format": "集合", "completion_percent": 100, "published": "on"})
    assert response.status_code == 302
    course = Nomination.course.field.related_model.objects.unscoped("test").get(title="情報セキュリティの基本")
    start = (timezone.localdate() + timedelta(days=40)).isoformat()
    response = tara_client.post(f"/kenshu/courses/{course.pk}/sessions/new/", {
        "starts_at": f"{start}T13:30", "ends_at": f"{start}T16:30", "venue": "都庁", "format": "集合",
        "capacity": 20, "host_reserved": 0})
    assert response.status_code == 302 and course.sessions.count() == 1
    response = tara_client.post("/kenshu/surveys/new/", {
        "title": "令和8年度 共同研修", "fiscal_year": 2026, "courses": [course.pk],
        "answer_deadline": start, "nomination_deadline": start})
    survey = Survey.objects.for_user(tara).get()
    assert survey.status == SurveyStatus.DRAFT
    assert alice_client.get(f"/kenshu/surveys/{survey.pk}/").status_code == 403  # not published yet
    tara_client.post(f"/kenshu/surveys/{survey.pk}/status/")
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    assert notices.unread(alice).exists()
    alice_client.post("/kenshu/answer/", {"survey": survey.pk, f"count_{course.pk}": "4"})
    assert DemandAnswer.objects.for_user(alice).get().count == 4
    page = tara_client.get(f"/kenshu/surveys/{survey.pk}/").content.decode()
    assert ">4<" in page  # the total of the answers


@pytest.fixture
def round_(tara, alice, charlie):  # type: ignore[no-untyped-def]
    """One session with two seats; 江東区 nominates three in order, 大田区 one (submitted later)."""
    course = make_course(tara)
    session = make_session(course, capacity=2)
    survey = make_survey(tara, [course])
    for rank, name in enumerate(("江東 一郎", "江東 二郎", "江東 三郎"), start=1):
        nominate(alice, survey, course, name, rank, [session.pk])
    nominate(charlie, survey, course, "大田 花子", 1, [session.pk])
    return survey, course, session


def test_allocation_seats_every_organisation_and_each_sees_only_its_own_nominees(
        round_, tara_client, alice_client, charlie_client, alice, charlie):
    survey, _, _ = round_
    run = _allocate(tara_client, survey)
    assert run.plan["fairness"]["without_seat"] == []
    koto, ota = _mine(alice), _mine(charlie)
    assert koto["江東 一郎"].status == NominationStatus.BOOKED
    assert ota["大田 花子"].status == NominationStatus.BOOKED
    assert koto["江東 二郎"].status == NominationStatus.WAITLISTED and koto["江東 二郎"].waitlist
    assert "満席" in koto["江東 三郎"].reason
    alice_page = alice_client.get(f"/kenshu/nominations/?survey={survey.pk}").content.decode()
    charlie_page = charlie_client.get(f"/kenshu/nominations/?survey={survey.pk}").content.decode()
    tokyo_page = tara_client.get(f"/kenshu/nominations/?survey={survey.pk}").content.decode()
    assert "江東 一郎" in alice_page and "大田 花子" not in alice_page
    assert "大田 花子" in charlie_page and "江東" not in charlie_page
    assert "江東 一郎" in tokyo_page and "大田 花子" in tokyo_page
    assert "受講決定" in alice_page and notices.unread(charlie).exists()
    assert "1番目" in alice_page  # 江東 二郎's place on the session's waitlist
    session_pk = koto["江東 一郎"].session_id
    charlie_session = charlie_client.get(f"/kenshu/sessions/{session_pk}/").content.decode()
    assert "大田 花子" in charlie_session and "江東" not in charlie_session
    assert charlie_client.get(f"/kenshu/sessions/{session_pk}/attendance/").status_code == 403


def test_a_cancellation_promotes_the_next_on_the_waitlist_and_is_audited(round_, tara_client, alice_client, alice):
    survey, _, session = round_
    _allocate(tara_client, survey)
    first = _mine(alice)["江東 一郎"]
    response = alice_client.post(f"/kenshu/nominations/{first.pk}/cancel/", {"reason": "業務の都合"})
    assert response.status_code == 302
    now = _mine(alice)
    assert now["江東 一郎"].status == NominationStatus.CANCELLED
    assert now["江東 二郎"].status == NominationStatus.BOOKED and now["江東 二郎"].session_id == session.pk
    assert "繰り上げ" in now["江東 二郎"].reason
    assert now["江東 三郎"].waitlist == {str(session.pk): 1}
    actions = set(AuditEntry.objects.for_org(alice.organisation_id).values_list("action", flat=True))
    assert {"kenshu_cancel", "kenshu_promote"} <= actions


def test_no_promotion_inside_the_cut_off(tara, alice, alice_client, tara_client):
    course = make_course(tara)
    session = make_session(course, day=timezone.localdate() + timedelta(days=1), capacity=1, format="ハイブリッド")
    survey = make_survey(tara, [course])
    a = nominate(alice, survey, course, "江東 一郎", 1, [session.pk])
    b = nominate(alice, survey, course, "江東 二郎", 2, [session.pk])
    _allocate(tara_client, survey)
    alice_client.post(f"/kenshu/nominations/{a.pk}/cancel/", {"reason": "急病"})
    b.refresh_from_db()
    assert b.status == NominationStatus.WAITLISTED
    assert notices.unread(alice).filter(title__contains="オンライン").exists()


def test_a_course_that_needs_approval_counts_only_approved_nominees(tara, alice, bob, tara_client, alice_client,
                                                                    bob_client):
    course = make_course(tara, approval_required=True)
    session = make_session(course)
    survey = make_survey(tara, [course])
    waiting = nominate(bob, survey, course, "江東 未承認", 1, [session.pk])
    approved = nominate(bob, survey, course, "江東 承認済", 2, [session.pk])
    assert bob_client.post(f"/kenshu/nominations/{approved.pk}/approve/").status_code == 403
    alice_client.post(f"/kenshu/nominations/{approved.pk}/approve/")
    _allocate(tara_client, survey)
    waiting.refresh_from_db()
    approved.refresh_from_db()
    assert approved.status == NominationStatus.BOOKED and waiting.status == NominationStatus.REQUESTED


def test_a_ward_hosts_a_course_keeps_its_own_seats_and_sees_other_wards_only_by_number(
        alice, charlie, tara, alice_client, tara_client):
    course = make_course(alice, "外部講師によるICT研修")
    session = make_session(course, capacity=2, host_reserved=1)
    survey = make_survey(tara, [course])
    own = nominate(alice, survey, course, "江東 主催枠", 3, [session.pk])
    for rank in (1, 2):
        nominate(charlie, survey, course, f"大田 職員{rank}", rank, [session.pk])
    _allocate(tara_client, survey)
    own.refresh_from_db()
    assert own.status == NominationStatus.BOOKED and "主催団体の枠" in own.reason
    page = alice_client.get(f"/kenshu/sessions/{session.pk}/attendance/").content.decode()
    assert "大田区" in page and "大田 職員" not in page and "江東 主催枠" in page


def test_prerequisites_keep_a_nominee_out_with_the_reason(tara, alice, tara_client):
    basic = make_course(tara, "データ利活用(入門)")
    advanced = make_course(tara, "データ利活用(実践)")
    advanced.prerequisites.add(basic)
    session = make_session(advanced)
    survey = make_survey(tara, [advanced])
    n = nominate(alice, survey, advanced, "江東 未修了", 1, [session.pk])
    _allocate(tara_client, survey)
    n.refresh_from_db()
    assert n.status == NominationStatus.CANCELLED and "前提" in n.reason


def test_attendance_by_qr_and_tick_list_then_certificate_calendar_and_report(tara, alice, tara_client, alice_client,
                                                                           charlie_client, client):
    course = make_course(tara, completion_percent=80)
    session = make_session(course, day=timezone.localdate(), capacity=3)
    survey = make_survey(tara, [course])
    a = nominate(alice, survey, course, "江東 一郎", 1, [session.pk], staff_id="K-001")
    b = nominate(alice, survey, course, "江東 二郎", 2, [session.pk], staff_id="K-002")
    _allocate(tara_client, survey)
    wrong = client.post(f"/kenshu/checkin/{session.checkin_token}/", {"code": a.code, "staff_id": "K-999"})
    assert "組み合わせ" in wrong.content.decode()
    ok = client.post(f"/kenshu/checkin/{session.checkin_token}/", {"code": a.code, "staff_id": "K-001"})
    assert "出席を登録しました" in ok.content.decode()
    tara_client.post(f"/kenshu/sessions/{session.pk}/attendance/", {f"minutes_{b.pk}": "60"})
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == NominationStatus.ATTENDED and a.completed
    assert b.status == NominationStatus.PARTIAL and not b.completed
    pdf = alice_client.get(f"/kenshu/nominations/{a.pk}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"FontFile2" in pdf.content
    assert alice_client.get(f"/kenshu/nominations/{b.pk}/certificate.pdf").status_code == 404
    ics = alice_client.get(f"/kenshu/sessions/{session.pk}/calendar.ics").content.decode()
    assert "BEGIN:VEVENT" in ics and "DTSTART" in ics
    svg = tara_client.get(f"/kenshu/sessions/{session.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    record = alice_client.get("/kenshu/records/").content.decode()
    assert "江東 一郎" in record and "データ理解・活用" in record
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(alice_client.get("/kenshu/report.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "団体" and rows[1][1] == "江東区" and rows[1][6] == 1  # one attended
    assert "江東区" not in charlie_client.get("/kenshu/report/").content.decode().split("<table")[1]


def test_nominating_is_closed_after_the_deadline(tara, alice, alice_client):
    course = make_course(tara)
    session = make_session(course)
    survey = make_survey(tara, [course])
    survey.nomination_deadline = timezone.localdate() - timedelta(days=1)
    survey.save()
    response = alice_client.post("/kenshu/nominate/", {
        "survey": survey.pk, "course": course.pk, "staff_id": "K-1", "staff_name": "江東 遅刻", "rank": 1,
        "session_1": session.pk})
    assert "受付期間ではありません" in response.content.decode()
    assert not Nomination.objects.for_user(alice).exists()


def test_a_nomination_through_the_form_and_a_second_one_for_the_same_staff_is_refused(tara, alice, alice_client):
    course = make_course(tara)
    session = make_session(course)
    survey = make_survey(tara, [course])
    data = {"survey": survey.pk, "course": course.pk, "staff_id": "K-1", "staff_name": "江東 一郎", "rank": 1,
            "session_1": session.pk}
    assert alice_client.post("/kenshu/nominate/", data).status_code == 302
    again = alice_client.post("/kenshu/nominate/", data).content.decode()
    assert "すでに推薦" in again and Nomination.objects.for_user(alice).count() == 1


def test_an_allocated_survey_is_not_allocated_again(round_, tara_client):
    survey, _, _ = round_
    _allocate(tara_client, survey)
    response = tara_client.post(f"/kenshu/surveys/{survey.pk}/allocate/", {"method": "fair", "seed": "1"},
                                follow=True)
    assert "配分済み" in response.content.decode()
    assert AllocationRun.objects.for_org(survey.organisation_id).filter(survey=survey).count() == 1


def test_a_waitlisted_nominee_who_cancels_moves_the_others_up(round_, tara_client, alice_client, alice):
    survey, _, session = round_
    _allocate(tara_client, survey)
    second = _mine(alice)["江東 二郎"]
    alice_client.post(f"/kenshu/nominations/{second.pk}/cancel/", {"reason": "異動"})
    assert _mine(alice)["江東 三郎"].waitlist == {str(session.pk): 1}


def test_forms_explain_bad_input_in_japanese_and_save_nothing(tara, tara_client, alice, alice_client):
    course = make_course(tara)
    day = (timezone.localdate() + timedelta(days=9)).isoformat()
    page = tara_client.post(f"/kenshu/courses/{course.pk}/sessions/new/", {
        "starts_at": f"{day}T13:30", "ends_at": f"{day}T10:00", "format": "集合", "capacity": 0,
        "host_reserved": 0}).content.decode()
    assert "終了は開始より後" in page and "定員は1以上" in page and course.sessions.count() == 0
    session = make_session(course)
    survey = make_survey(tara, [course])
    page = alice_client.post("/kenshu/nominate/", {
        "survey": survey.pk, "course": course.pk, "staff_id": "K-1", "staff_name": "江東 一郎", "rank": 1,
        "session_1": session.pk, "session_2": session.pk}).content.decode()
    assert "同じ開催回を2回" in page and not Nomination.objects.for_user(alice).exists()
    assert alice_client.post(f"/kenshu/courses/{course.pk}/edit/").status_code == 403  # Tokyo's course


def test_a_notice_reaches_each_member_once_and_clearing_marks_only_ones_own_read(alice, alice_client, bob, charlie):  # type: ignore[no-untyped-def]
    from kyodo.web.portal.models import Notification

    told = notices.tell([alice.organisation_id], "「生成AI研修」の座席配分の結果: 受講決定 2 名、キャンセル待ち 0 名。")
    members = type(alice).objects.filter(organisation_id=alice.organisation_id, is_active=True).exclude(
        role="platform_admin").count()
    assert told == members >= 1
    assert Notification.objects.for_user(charlie).filter(service="kenshu").count() == 0  # another organisation
    assert notices.unread(bob).count() == 1  # each member of the organisation once
    assert "受講決定 2 名" in alice_client.get("/kenshu/").content.decode()
    alice_client.post("/kenshu/notices/clear/")
    assert not notices.unread(alice).exists() and notices.unread(bob).exists()


def test_the_nomination_form_offers_sessions_at_their_local_time(tara, alice_client):
    course = make_course(tara)
    make_session(course)  # 13:30 in Tokyo, 04:30 in UTC
    make_survey(tara, [course])
    page = alice_client.get("/kenshu/nominate/").content.decode()
    assert " 13:30 " in page and " 04:30 " not in page
