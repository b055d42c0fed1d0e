"""From a plan's step to help: the jinzai request prefilled from the step, and Fit & Gap uploads of a plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from kyodo.hyojunka import catalog
from kyodo.hyojunka.fitgap import read_answers, read_spec, summarise, summary_json
from kyodo.problems import InputError
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.hyojunka import roles, services
from kyodo.web.hyojunka.actions import HyojunkaAction
from kyodo.web.hyojunka.forms import FitGapForm
from kyodo.web.hyojunka.models import FitGapUpload, StepHelp
from kyodo.web.hyojunka.uploads import as_path
from kyodo.web.jinzai import roles as jinzai_roles
from kyodo.web.jinzai.actions import JinzaiAction
from kyodo.web.jinzai.forms import RequestForm
from kyodo.web.jinzai.models import TalentRequest

REQUEST_FIELDS = ("title", "category", "purpose", "deliverable", "mode", "amount", "unit", "start", "end", "urgency",
                  "skills")


@roles.municipal_required
def help_request(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """jinzai's own request form, prefilled from the step; on submit a jinzai request linked to the step."""
    plan = roles.get_own_plan_or_404(request, pk)
    if not 1 <= number <= catalog().step_count:
        raise Http404("見つかりません")
    form = RequestForm(request.POST or None, initial=services.help_initial(plan, number, timezone.localdate()),
                       directory=jinzai_roles.pool_directory())
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            r = _create_request(request, form.cleaned_data)
            StepHelp.objects.create(organisation_id=plan.organisation_id, plan=plan, step=number, request=r,
                                    created_by=request.user)
        record_request(request, JinzaiAction.REQUEST_CREATE, r, title=r.title, skills=r.skills)
        record_request(request, HyojunkaAction.HELP_REQUEST, plan, system=plan.system, step=number, request_id=r.pk)
        messages.success(request, f"手順{number}の支援を依頼しました(依頼{r.pk})。東京都のコーディネーターがマッチングします。")
        return redirect(f"{_plan_url(plan.pk)}#step-{number}")
    return render(request, "jinzai/request_form.html", {"form": form})


def _create_request(request: HttpRequest, data: dict[str, Any]) -> TalentRequest:
    r = TalentRequest(organisation_id=request.user.organisation_id, created_by=request.user)  # type: ignore[union-attr, misc]
    for field in REQUEST_FIELDS:
        setattr(r, field, data[field])
    r.preferred_id = data["preferred"]
    r.save()
    return r


def _plan_url(pk: int) -> str:
    return str(reverse("hyojunka:plan_detail", kwargs={"pk": pk}))


@member_required
def fitgap(request: HttpRequest, pk: int) -> HttpResponse:
    plan, can_edit = roles.get_visible_plan_or_404(request, pk)
    form = FitGapForm(request.POST or None, request.FILES or None) if can_edit else None
    problems: list[Any] = []
    if request.method == "POST" and not can_edit:
        raise Http404("見つかりません")
    if form is not None and request.method == "POST" and form.is_valid():
        spec, answers = form.cleaned_data["spec"], form.cleaned_data["answers"]
        try:
            with as_path(spec) as spec_path, as_path(answers) as answers_path:
                functions = read_spec(spec_path, system=plan.system)
                replies = read_answers(answers_path, functions, system=plan.system)
        except InputError as exc:
            problems = exc.problems
        else:
            summary = summarise(functions, replies)[0]
            upload = FitGapUpload.objects.create(
                organisation_id=plan.organisation_id, plan=plan, spec_name=spec.name, answers_name=answers.name,
                summary=summary_json(summary), uploaded_by=request.user,
            )
            record_request(request, HyojunkaAction.FITGAP_UPLOAD, upload, system=plan.system,
                           gaps=summary.gap, operation=summary.operation)
            messages.success(request, f"Fit & Gap を取り込みました(gap {summary.gap}件、運用で対応 {summary.operation}件)。")
            return redirect("hyojunka:fitgap", pk=plan.pk)
    return render(request, "hyojunka/fitgap.html", {
        "plan": plan, "form": form, "problems": problems, "uploads": plan.fitgaps.all()[:10],
    })
