"""A municipality's own plans: the 20 systems, one plan with its 40 steps, uploads, the monthly report, and the
jinzai request a stalled step opens. Who sees what is decided in `roles.py`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from kyodo.hyojunka import RiskKind, catalog
from kyodo.hyojunka.outputs import guide_sheet, survey_header, survey_rows, xlsx_writer
from kyodo.problems import InputError
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.hyojunka import roles, services
from kyodo.web.hyojunka.actions import HyojunkaAction
from kyodo.web.hyojunka.chart import progress_svg
from kyodo.web.hyojunka.forms import PlanForm, StepForm, SurveyUploadForm
from kyodo.web.hyojunka.models import MonthlyReport, Plan, StepHelp
from kyodo.web.hyojunka.uploads import as_path
from kyodo.web.hyojunka.xlsx import xlsx_response

RISK_CLASS = {RiskKind.COMPLETE: "done", RiskKind.ON_TRACK: "running", RiskKind.STALLED: "failed",
              RiskKind.LATE: "failed"}


def _own_picture(request: HttpRequest) -> services.Picture:
    org_id = request.user.organisation_id  # type: ignore[union-attr]
    services.ensure_plans(org_id)
    return services.picture(roles.own_plans(request.user).select_related("organisation"), timezone.localdate())


@member_required
def home(request: HttpRequest) -> HttpResponse:
    if roles.in_tokyo(request.user):
        return redirect("hyojunka:dashboard")
    if not roles.is_municipal(request.user):
        return render(request, "hyojunka/home.html", {"rows": []})
    pic = _own_picture(request)
    order = {s.id: s.order for s in catalog().systems}
    rows = sorted(((pic.rows[p.municipality, p.system], p) for p in pic.report.pairs), key=lambda r: order[r[1].system])
    org_id = request.user.organisation_id  # type: ignore[union-attr]
    return render(request, "hyojunka/home.html", {
        "rows": [(row, p, RISK_CLASS[p.kind]) for row, p in rows],
        "summary": pic.report.by_municipality[0] if pic.report.by_municipality else None,
        "reminder": services.reminder(org_id, timezone.localdate()),
        "reports": MonthlyReport.objects.for_org(org_id)[:12],
        "chart": mark_safe(progress_svg(services.history(pic, timezone.localdate()))),  # numbers and dates only
    })


@roles.municipal_required
@require_POST
def monthly_submit(request: HttpRequest) -> HttpResponse:
    org_id = request.user.organisation_id  # type: ignore[union-attr]
    services.ensure_plans(org_id)
    report = services.submit_monthly(org_id, request.user, timezone.localdate())
    record_request(request, HyojunkaAction.MONTHLY_REPORT, report, month=report.month.isoformat())
    messages.success(request, f"{report.month.year}年{report.month.month}月の進捗を報告しました。")
    return redirect("hyojunka:home")


def _step_rows(plan: Plan, status: Any, can_edit: bool) -> list[dict[str, Any]]:
    helps: dict[int, list[StepHelp]] = {}
    for h in StepHelp.objects.for_org(plan.organisation_id).filter(plan=plan).select_related(
            "request", "request__engagement", "request__engagement__specialist"):
        helps.setdefault(h.step, []).append(h)
    rows = []
    for step in catalog().steps:
        rows.append({
            "step": step, "done_on": plan.done_on(step.number), "is_next": step.number == status.next_step,
            "can_ask": can_edit and status.at_risk and step.number == status.next_step,
            "helps": [(h, getattr(h.request, "engagement", None)) for h in helps.get(step.number, [])],
        })
    return rows


@member_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan, can_edit = roles.get_visible_plan_or_404(request, pk)
    form = PlanForm(request.POST if can_edit and request.method == "POST" else None, instance=plan)
    if can_edit and request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        record_request(request, HyojunkaAction.PLAN_CHANGE, saved, system=saved.system,
                       fields=sorted(form.changed_data))
        messages.success(request, "計画を保存しました。")
        return redirect("hyojunka:plan_detail", pk=plan.pk)
    status = services.picture([plan], timezone.localdate()).report.pairs[0]
    fitgap = plan.fitgaps.first()
    reported = [(r.month, r.snapshot.get(plan.system)) for r in
                MonthlyReport.objects.for_org(plan.organisation_id).only("month", "snapshot")[:12]]
    return render(request, "hyojunka/plan_detail.html", {
        "plan": plan, "form": form, "can_edit": can_edit, "status": status, "risk_class": RISK_CLASS[status.kind],
        "steps": _step_rows(plan, status, can_edit), "phases": catalog().phases, "fitgap": fitgap,
        "step_form": StepForm(), "reported": reported,
    })


@roles.municipal_required
@require_POST
def step_update(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    plan = roles.get_own_plan_or_404(request, pk)
    if not 1 <= number <= catalog().step_count:
        messages.error(request, "手順番号が正しくありません。")
        return redirect("hyojunka:plan_detail", pk=plan.pk)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"手順{number}: 完了日を 2026-03-31 のような日付で入れてください。")
        return redirect("hyojunka:plan_detail", pk=plan.pk)
    done_on = form.cleaned_data["done_on"]
    if done_on and done_on > timezone.localdate():
        messages.error(request, f"手順{number}: 完了日が未来の日付です。完了してから記録してください。")
        return redirect("hyojunka:plan_detail", pk=plan.pk)
    services.set_step(plan, number, done_on, request.user)
    record_request(request, HyojunkaAction.STEP_CHANGE, plan, system=plan.system, step=number,
                   done_on=done_on.isoformat() if done_on else None)
    name = catalog().step(number).name
    messages.success(request, f"手順{number}「{name}」を" + (f"{done_on:%Y-%m-%d}に完了としました。" if done_on
                                                             else "未完了に戻しました。"))
    return redirect(f"{plan_url(plan)}#step-{number}")


def plan_url(plan: Plan) -> str:
    return str(reverse("hyojunka:plan_detail", kwargs={"pk": plan.pk}))


@roles.municipal_required
def survey_upload(request: HttpRequest) -> HttpResponse:
    form = SurveyUploadForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        org = request.user.organisation  # type: ignore[union-attr]
        try:
            with as_path(upload) as path:
                count = services.import_survey(org.pk, org.code, path, request.user)
        except InputError as exc:
            problems = exc.problems
        else:
            record_request(request, HyojunkaAction.SURVEY_UPLOAD, None, file=upload.name, plans=count)
            messages.success(request, f"進捗調査票から{count}業務の計画と手順を取り込みました。")
            return redirect("hyojunka:home")
    return render(request, "hyojunka/survey_upload.html", {"form": form, "problems": problems})


@roles.municipal_required
def survey_template(request: HttpRequest) -> HttpResponse:
    pic = _own_picture(request)
    statuses = {(p.municipality, p.system): p for p in pic.report.pairs}
    sheets = {"進捗調査": (survey_header(), survey_rows(pic.plans, pic.steps, statuses)), "記入方法": guide_sheet()}
    name = request.user.organisation.name  # type: ignore[union-attr]
    return xlsx_response(xlsx_writer(sheets), f"進捗調査票_{name}.xlsx")
