"""Ask for help in one click: a stalled step opens jinzai's request form prefilled; the step shows the request and,
once Tokyo confirms a specialist, the engagement."""

from __future__ import annotations

from datetime import date, timedelta

from kyodo.web.audit.models import AuditEntry
from kyodo.web.hyojunka.models import StepHelp
from kyodo.web.jinzai.models import MatchingRun, Proposal, RunStatus, TalentRequest
from kyodo.web.jinzai.services import confirm

from ..jinzai.world import make_specialist, tokyo
from .world import koto_plans, stalled


def _form_fields(bob_client, url: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    response = bob_client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields}


def test_a_stalled_step_offers_help_prefilled_from_the_step(bob_client, koto):
    plan = stalled(koto_plans(koto)["kokuho"], steps=12)
    page = bob_client.get(f"/hyojunka/plans/{plan.pk}/").content.decode()
    help_url = f"/hyojunka/plans/{plan.pk}/steps/13/help/"
    assert f'href="{help_url}"' in page and page.count("この手順の支援を依頼") == 1
    initial = _form_fields(bob_client, help_url)
    assert "手順13「移行計画の確定」" in initial["title"] and "国民健康保険" in initial["title"]
    assert "計画立案の手順13" in initial["purpose"]
    assert (initial["skill_1"], initial["skill_2"]) == ("cloud_infrastructure", "project_management")
    assert initial["mode"] == "リモート" and initial["start"] > date.today()


def test_a_pair_on_pace_offers_no_help_button(bob_client, koto):
    plan = koto_plans(koto)["kokuho"]
    today = date.today()
    plan.steps = {str(n): (today - timedelta(days=80) + timedelta(days=2 * n)).isoformat() for n in range(1, 38)}
    plan.deadline = today + timedelta(days=365)  # 3 steps left at 37 per 90 days: well before it
    plan.save()
    assert "この手順の支援を依頼" not in bob_client.get(f"/hyojunka/plans/{plan.pk}/").content.decode()


def test_submitting_the_help_request_links_it_to_the_step_and_then_the_engagement(bob_client, koto, dora):
    plan = stalled(koto_plans(koto)["kokuho"], steps=12)
    url = f"/hyojunka/plans/{plan.pk}/steps/13/help/"
    fields = {k: ("" if v is None else v) for k, v in _form_fields(bob_client, url).items()}
    fields["purpose"] += " 庁内の合意形成が止まっている。"  # the municipality edits before sending
    response = bob_client.post(url, fields)
    assert response.status_code == 302 and response["Location"].endswith("#step-13")
    request = TalentRequest.objects.for_org(koto).get()
    assert request.skills == {"cloud_infrastructure": 3, "project_management": 3}
    assert "庁内の合意形成" in request.purpose and request.status == "open"
    link = StepHelp.objects.for_org(koto).get()
    assert (link.plan_id, link.step, link.request_id) == (plan.pk, 13, request.pk)
    actions = set(AuditEntry.objects.for_org(koto).values_list("action", flat=True))
    assert {"jinzai_request_create", "hyojunka_help_request"} <= actions
    page = bob_client.get(f"/hyojunka/plans/{plan.pk}/").content.decode()
    assert request.title in page and "募集中" in page
    assert bob_client.get(f"/jinzai/requests/{request.pk}/").status_code == 200  # it is jinzai's own request

    eve = make_specialist("江戸 絵里", "eve")
    run = MatchingRun.objects.create(organisation=tokyo(), created_by=dora, status=RunStatus.DONE, progress=100)
    confirm(Proposal.objects.create(organisation=tokyo(), run=run, request=request, specialist=eve), dora)
    page = bob_client.get(f"/hyojunka/plans/{plan.pk}/").content.decode()
    assert "支援: " in page and "江戸 絵里" in page and "割当確定" in page


def test_an_invalid_help_request_saves_nothing(bob_client, koto):
    plan = stalled(koto_plans(koto)["kokuho"], steps=12)
    url = f"/hyojunka/plans/{plan.pk}/steps/13/help/"
    fields = {k: ("" if v is None else v) for k, v in _form_fields(bob_client, url).items()}
    fields["amount"] = "50"  # over the remote cap of 10 hours
    response = bob_client.post(url, fields)
    assert response.status_code == 200 and "制度の上限" in response.content.decode()
    assert not StepHelp.objects.for_org(koto).exists()
    assert not TalentRequest.objects.for_org(koto).exists()
