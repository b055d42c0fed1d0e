"""The human cloud through the web: request → matching (background task) → confirm → engagement → report → rating."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kyodo.web.audit.models import AuditEntry
from kyodo.web.jinzai.actions import JinzaiAction
from kyodo.web.jinzai.models import (
    Engagement,
    MatchingRun,
    Proposal,
    ProposalStatus,
    RequestStatus,
    RunStatus,
    TalentRequest,
)

from .world import make_request, make_specialist, tokyo, weeks_from_now


def _form(title: str, **overrides):  # type: ignore[no-untyped-def]
    start = weeks_from_now(2)
    data = {
        "title": title, "category": "標準化", "purpose": "ガバメントクラウドへの移行計画を立てたい",
        "deliverable": "移行計画書", "skill_1": "cloud_infrastructure", "level_1": 3, "skill_2": "", "level_2": 2,
        "skill_3": "", "level_3": 2, "mode": "リモート", "amount": 8, "unit": "時間",
        "start": start.isoformat(), "end": (start + timedelta(days=11)).isoformat(), "urgency": "高",
        "preferred": "",
    }
    data.update(overrides)
    return data


def _run(client) -> MatchingRun:  # type: ignore[no-untyped-def]
    response = client.post("/jinzai/board/run/", {"method": "cpsat"})
    assert response.status_code == 302
    run = MatchingRun.objects.for_org(tokyo()).latest("id")
    assert run.status == RunStatus.DONE, run.error
    return run


def test_request_match_confirm_report_and_rate(bob_client, dora_client, eve_client, bob, dora, eve):
    # 1. 江東区 files a request; one more nobody in the pool can serve.
    response = bob_client.post("/jinzai/requests/new/", _form("クラウド移行の相談"))
    assert response.status_code == 302, response.content.decode()[:3000]
    request = TalentRequest.objects.for_user(bob).get(title="クラウド移行の相談")
    assert request.skills == {"cloud_infrastructure": 3} and request.status == RequestStatus.OPEN
    bob_client.post("/jinzai/requests/new/", _form("AIの相談", skill_1="machine_learning", level_1=4))
    hopeless = TalentRequest.objects.for_user(bob).get(title="AIの相談")

    # 2. Tokyo's coordinator runs the matching: a proposal for the first, a reason for the second.
    run = _run(dora_client)
    proposal = Proposal.objects.for_org(tokyo()).get(run=run, request=request)
    assert proposal.specialist == eve and proposal.status == ProposalStatus.PROPOSED
    board = dora_client.get("/jinzai/board/").content.decode()
    assert "クラウド移行の相談" in board and "機械学習・深層学習" in board and "登録されていません" in board
    hopeless.refresh_from_db()
    assert "機械学習・深層学習" in hopeless.last_reason
    assert "登録されていません" in bob_client.get(f"/jinzai/requests/{hopeless.pk}/").content.decode()

    # 3. Confirm: an engagement, audited for Tokyo and for 江東区.
    assert dora_client.post(f"/jinzai/proposals/{proposal.pk}/confirm/").status_code == 302
    engagement = Engagement.objects.for_user(bob).get(request=request)
    request.refresh_from_db()
    assert request.status == RequestStatus.ASSIGNED and engagement.hours == 8
    assert AuditEntry.objects.for_user(dora).filter(action=JinzaiAction.CONFIRM).count() == 1
    assert AuditEntry.objects.for_user(bob).filter(action=JinzaiAction.CONFIRM).count() == 1
    assert dora_client.post(f"/jinzai/proposals/{proposal.pk}/confirm/").status_code == 302  # twice: refused
    assert Engagement.objects.for_user(bob).count() == 1

    # 4. The municipality sees its engagement with the specialist's name; due a week after the end.
    body = bob_client.get(f"/jinzai/engagements/{engagement.pk}/").content.decode()
    assert eve.name in body and f"{request.end + timedelta(days=7):%Y-%m-%d}" in body
    assert bob_client.post(f"/jinzai/engagements/{engagement.pk}/rating/", {"rating": 5}).status_code == 302
    engagement.refresh_from_db()
    assert engagement.rating is None  # no rating before the report

    # 5. Eve reports; 江東区 rates.
    assert eve_client.post(f"/jinzai/engagements/{engagement.pk}/report/", {"report": "移行計画書を納品"}
                           ).status_code == 302
    assert bob_client.post(f"/jinzai/engagements/{engagement.pk}/rating/", {"rating": 4, "comment": "助かった"}
                           ).status_code == 302
    engagement.refresh_from_db()
    assert engagement.report == "移行計画書を納品" and engagement.rating == 4 and engagement.rated_by == bob
    assert "平均 4.0 / 5(1 件)" in dora_client.get("/jinzai/charts/").content.decode()


def test_replanning_keeps_confirmed_assignments(dora_client, bob, dora, eve):
    first = make_request(bob, "一件目")
    run = _run(dora_client)
    dora_client.post(f"/jinzai/proposals/{Proposal.objects.for_org(tokyo()).get(run=run).pk}/confirm/")
    make_request(bob, "二件目", start=first.start)
    second = _run(dora_client)
    kept = Proposal.objects.for_org(tokyo()).get(run=second, request=first)
    assert kept.kept and kept.specialist == eve and kept.status == ProposalStatus.CONFIRMED
    assert second.plan["summary"]["requests"] == 2
    assert "一件目" in dora_client.get("/jinzai/board/").content.decode()


def test_replanning_counts_confirmed_hours_against_capacity(dora_client, bob, dora, eve):
    # Eve offers 10 hours a week; two requests of 8 hours in the same single week cannot both be hers.
    start = weeks_from_now(3)
    first = make_request(bob, "一件目", start=start, end=start + timedelta(days=4))
    run = _run(dora_client)
    dora_client.post(f"/jinzai/proposals/{Proposal.objects.for_org(tokyo()).get(run=run).pk}/confirm/")
    second = make_request(bob, "二件目", start=start, end=start + timedelta(days=4))
    again = _run(dora_client)
    assert not Proposal.objects.for_org(tokyo()).filter(run=again, request=second).exists()
    second.refresh_from_db()
    assert "埋まっています" in second.last_reason
    assert first.engagement.specialist == eve


def test_a_declined_proposal_needs_a_reason_is_audited_and_is_not_proposed_again(dora_client, bob, dora, eve):
    request = make_request(bob, "相談")
    run = _run(dora_client)
    proposal = Proposal.objects.for_org(tokyo()).get(run=run)
    dora_client.post(f"/jinzai/proposals/{proposal.pk}/decline/", {"reason": "  "})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    dora_client.post(f"/jinzai/proposals/{proposal.pk}/decline/", {"reason": "以前の委託先で利益相反の懸念"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED and proposal.reason == "以前の委託先で利益相反の懸念"
    entry = AuditEntry.objects.for_user(dora).get(action=JinzaiAction.DECLINE)
    assert entry.details["reason"] == "以前の委託先で利益相反の懸念"
    again = _run(dora_client)
    assert not Proposal.objects.for_org(tokyo()).filter(run=again, request=request).exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN and request.excluded == [eve.pk]
    assert request.last_reason == "候補となる人材1名は、いずれもこの依頼では辞退・除外済みです。"
    frank = make_specialist("布施 文男", "frank")
    third = _run(dora_client)
    assert Proposal.objects.for_org(tokyo()).get(run=third, request=request).specialist == frank


def test_a_decline_excludes_the_specialist_from_that_request_only(dora_client, bob, charlie, dora, eve):
    # Three one-week requests in different weeks: Eve (10 hours a week) can serve all of them.
    declined, same_town, other_town = (
        make_request(user, title, start=weeks_from_now(week), end=weeks_from_now(week) + timedelta(days=4))
        for user, title, week in ((bob, "見送る依頼", 2), (bob, "江東区の別の依頼", 4), (charlie, "大田区の依頼", 6))
    )
    first = _run(dora_client)
    proposals = Proposal.objects.for_org(tokyo()).filter(run=first)
    assert {p.request_id: p.specialist for p in proposals} == {r.pk: eve for r in (declined, same_town, other_town)}
    dora_client.post(f"/jinzai/proposals/{proposals.get(request=declined).pk}/decline/", {"reason": "日程が合わない"})

    again = _run(dora_client)
    proposed = {p.request_id: p.specialist for p in Proposal.objects.for_org(tokyo()).filter(run=again)}
    assert proposed == {same_town.pk: eve, other_town.pk: eve}
    for r in (declined, same_town, other_town):
        r.refresh_from_db()
    assert (declined.excluded, same_town.excluded, other_town.excluded) == ([eve.pk], [], [])
    assert "辞退・除外済み" in declined.last_reason and "利益相反" not in declined.last_reason
    [unmatched] = again.plan["unmatched"]
    assert unmatched["request"] == declined.engine_id and unmatched["reason_code"] == "excluded"
    # Eve's own profile is untouched: no conflict of interest was invented for 江東区.
    eve.refresh_from_db()
    assert eve.conflicts == []
    board = dora_client.get("/jinzai/board/").content.decode()
    assert "見送る依頼" in board and "辞退・除外済み" in board


def test_an_older_proposal_of_a_declined_pair_cannot_be_confirmed(dora_client, bob, dora, eve):
    request = make_request(bob, "相談")
    older, newer = (Proposal.objects.for_org(tokyo()).get(run=_run(dora_client)) for _ in range(2))
    assert older.pk != newer.pk and older.specialist == newer.specialist == eve
    dora_client.post(f"/jinzai/proposals/{newer.pk}/decline/", {"reason": "本人の都合"})
    dora_client.post(f"/jinzai/proposals/{older.pk}/confirm/")
    older.refresh_from_db()
    request.refresh_from_db()
    assert older.status == ProposalStatus.PROPOSED and request.status == RequestStatus.OPEN
    assert not Engagement.objects.for_user(bob).exists()


def test_the_request_form_enforces_the_program_caps(bob_client, bob):
    response = bob_client.post("/jinzai/requests/new/", _form("長い", amount=11))
    assert response.status_code == 200
    assert "10時間まで" in response.content.decode()
    response = bob_client.post("/jinzai/requests/new/", _form("現地", mode="現地", unit="日", amount=4))
    assert "3日まで" in response.content.decode()
    response = bob_client.post("/jinzai/requests/new/", _form("逆", end=weeks_from_now(1).isoformat()))
    assert "終了日は開始日以降" in response.content.decode()
    assert TalentRequest.objects.for_user(bob).count() == 0


def test_a_request_can_be_changed_and_withdrawn_while_open(bob_client, bob):
    bob_client.post("/jinzai/requests/new/", _form("変更前"))
    r = TalentRequest.objects.for_user(bob).get()
    assert bob_client.post(f"/jinzai/requests/{r.pk}/edit/", _form("変更後", amount=6)).status_code == 302
    r.refresh_from_db()
    assert r.title == "変更後" and r.amount == 6
    bob_client.post(f"/jinzai/requests/{r.pk}/withdraw/")
    r.refresh_from_db()
    assert r.status == RequestStatus.WITHDRAWN
    assert bob_client.post(f"/jinzai/requests/{r.pk}/edit/", _form("再変更")).status_code == 302
    r.refresh_from_db()
    assert r.title == "変更後"


def test_overdue_reports_are_shown(bob_client, dora_client, bob, dora, eve):
    past = timezone.localdate() - timedelta(days=30)
    request = make_request(bob, "終わった支援", start=past, end=past + timedelta(days=4))
    run = MatchingRun.objects.create(organisation=tokyo(), created_by=dora, status=RunStatus.DONE)
    p = Proposal.objects.create(organisation=tokyo(), run=run, request=request, specialist=eve)
    dora_client.post(f"/jinzai/proposals/{p.pk}/confirm/")
    body = dora_client.get("/jinzai/engagements/").content.decode()
    assert "活動記録の期限を過ぎた案件が 1 件" in body and "実施報告書の期限を過ぎた案件が 1 件" in body
    municipal = bob_client.get("/jinzai/engagements/").content.decode()
    assert "実施報告書の期限を過ぎた案件が 1 件" in municipal and "活動記録の期限を過ぎた" not in municipal
    assert "報告の期限を過ぎた案件 1 件" in bob_client.get("/jinzai/").content.decode()


def test_the_municipality_files_the_implementation_report_within_a_week_of_the_last_day(
    bob_client, dora_client, eve_client, bob, dora, eve
):
    past = timezone.localdate() - timedelta(days=20)
    request = make_request(bob, "早く終わった支援", start=past, end=past + timedelta(days=14))
    run = MatchingRun.objects.create(organisation=tokyo(), created_by=dora, status=RunStatus.DONE)
    p = Proposal.objects.create(organisation=tokyo(), run=run, request=request, specialist=eve)
    dora_client.post(f"/jinzai/proposals/{p.pk}/confirm/")
    e = Engagement.objects.for_org(bob.organisation_id).get(request=request)
    url = f"/jinzai/engagements/{e.pk}/implementation-report/"
    # The specialist and the coordinator do not file it; a last day before the start is refused.
    assert eve_client.post(url, {"support_end": past, "report": "x"}).status_code == 403
    assert dora_client.post(url, {"support_end": past, "report": "x"}).status_code == 403
    bad = bob_client.post(url, {"support_end": past - timedelta(days=1), "report": "x"})
    assert bad.status_code == 400 and "開始日より前" in bad.content.decode()
    e.refresh_from_db()
    assert e.implementation_report_at is None
    last_day = past + timedelta(days=3)  # support ended early: the week counts from the last day, not the request's end
    assert bob_client.post(url, {"support_end": last_day, "report": "移行計画を確認した"}).status_code == 302
    e.refresh_from_db()
    assert e.last_day == last_day and e.report_due == last_day + timedelta(days=7)
    assert e.implementation_report == "移行計画を確認した" and e.implementation_report_by == bob
    assert e.report == ""  # the specialist's own record stays separate


def test_the_charts_show_fairness_by_size_band_and_utilisation(dora_client, bob, charlie, eve):
    make_request(bob, "江東区の相談")
    make_request(charlie, "大田区の相談", start=weeks_from_now(6))
    _run(dora_client)
    body = dora_client.get("/jinzai/charts/").content.decode()
    assert "特大" in body and "小規模" in body and "Jain" in body
    assert eve.name in body and "稼働率" in body


def test_a_failed_plan_is_reported_on_the_board(dora_client, bob, dora, eve):
    request = make_request(bob, "確定済み")
    run = MatchingRun.objects.create(organisation=tokyo(), created_by=dora, status=RunStatus.DONE)
    dora_client.post(f"/jinzai/proposals/{Proposal.objects.create(organisation=tokyo(), run=run, request=request, specialist=eve).pk}/confirm/")
    eve.skills = {}  # the confirmed assignment no longer fits
    eve.save()
    dora_client.post("/jinzai/board/run/", {"method": "greedy"})
    failed = MatchingRun.objects.for_org(tokyo()).latest("id")
    assert failed.status == RunStatus.FAILED and "確定済みの割当" in failed.error
    assert "確定済みの割当" in dora_client.get("/jinzai/board/").content.decode()


def test_a_coordinator_registers_a_specialist_and_links_only_a_tokyo_account(dora_client, bob):
    from kyodo.web.accounts.models import Role, User
    from kyodo.web.jinzai.models import Specialist

    from ..conftest import PASSWORD

    User.objects.create_user(username="gina", password=PASSWORD, organisation=tokyo(), role=Role.STAFF)
    data = {"name": "岐阜 奈々", "role_type": "data_scientist", "username": "bob", "availability": 6,
            "availability_unit": "時間", "modes": "リモートのみ", "home_area": "多摩", "current_load_hours": 2,
            "conflicts": ["131083"], "max_cases": 2, "active": "on", "skill__statistics": 3}
    response = dora_client.post("/jinzai/specialists/new/", data)
    assert response.status_code == 200 and "東京都の利用者にその名前はありません" in response.content.decode()
    assert dora_client.post("/jinzai/specialists/new/", {**data, "username": "gina"}).status_code == 302
    s = Specialist.objects.for_org(tokyo()).get(name="岐阜 奈々")
    assert s.user.username == "gina" and s.conflicts == ["131083"] and s.skills == {"statistics": 3}
    assert s.hours_per_week == 6 and s.max_cases == 2
    body = dora_client.get("/jinzai/specialists/").content.decode()
    assert "岐阜 奈々" in body and "1団体" in body


def test_a_proposal_that_no_longer_fits_is_not_confirmed(dora_client, bob, dora, eve):
    # Eve offers 10 hours a week; two 8-hour requests in the same week, both proposed to her by hand.
    start = weeks_from_now(3)
    first = make_request(bob, "一件目", start=start, end=start + timedelta(days=4))
    second = make_request(bob, "二件目", start=start, end=start + timedelta(days=4))
    run = MatchingRun.objects.create(organisation=tokyo(), created_by=dora, status=RunStatus.DONE)
    proposals = [Proposal.objects.create(organisation=tokyo(), run=run, request=r, specialist=eve)
                 for r in (first, second)]
    dora_client.post(f"/jinzai/proposals/{proposals[0].pk}/confirm/")
    response = dora_client.post(f"/jinzai/proposals/{proposals[1].pk}/confirm/", follow=True)
    assert "成り立ちません" in response.content.decode()
    second.refresh_from_db()
    assert second.status == RequestStatus.OPEN
    assert Engagement.objects.for_user(bob).count() == 1


def test_with_the_database_queue_the_board_polls_until_the_worker_has_run(dora_client, settings, bob, eve):
    from kyodo.web.jinzai.services import execute

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    make_request(bob, "相談")
    dora_client.post("/jinzai/board/run/", {"method": "greedy"})
    run = MatchingRun.objects.for_org(tokyo()).latest("id")
    assert run.status == RunStatus.QUEUED
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("execute_matching") and queued.args_kwargs["args"] == [run.pk]
    board = dora_client.get("/jinzai/board/").content.decode()
    assert f"/jinzai/runs/{run.pk}/progress/" in board and "待機中" in board
    polled = dora_client.get(f"/jinzai/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in polled
    execute(run.pk)  # what `kyodo web worker` does with the queued task
    polled = dora_client.get(f"/jinzai/runs/{run.pk}/progress/", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true" and "完了" in polled.content.decode()
    assert Proposal.objects.for_org(tokyo()).get(run=run).specialist == eve
