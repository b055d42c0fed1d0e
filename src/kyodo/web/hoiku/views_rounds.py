"""Rounds through the year (the next round, the month's vacancies), templates, and the upload's problem list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kyodo.hoiku.model.errors import InputError, Problem
from kyodo.problems import summarise
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.audit.models import Action
from kyodo.web.hoiku import services, services_rounds
from kyodo.web.hoiku.forms import UploadForm
from kyodo.web.hoiku.forms_rounds import NextRoundForm, RoundUploadForm, VacancyForm
from kyodo.web.hoiku.models import Round
from kyodo.web.tenancy import get_for_user_or_404

SESSION_PROBLEMS = "hoiku_upload_problems"  # {round pk: the full problem list} of the last rejected upload


def upload_form_for(round_: Round, data: Any = None, files: Any = None, **kwargs: Any) -> UploadForm:
    """The upload form; with the round's fiscal year while no run has used it (it may still change)."""
    if round_.runs.exists():
        return UploadForm(data, files, **kwargs)
    initial = {"fiscal_year": round_.fiscal_year, **kwargs.pop("initial", {})}
    return RoundUploadForm(data, files, initial=initial, **kwargs)


def round_context(round_: Round) -> dict[str, Any]:
    """What round_detail.html shows of rounds through the year: demand, where it came from, what followed."""
    from kyodo.hoiku.tools.demand import Demand

    latest = round_.latest_input()
    stored = services_rounds.stored_demand(round_, latest) if latest is not None else {}
    demand = Demand.from_dict(stored) if stored else None
    return {
        "demand": demand,
        "latest_input": latest,
        "carried_text": services_rounds.carried_text(latest.origin or {}) if latest is not None else "",
        "done_run": services_rounds.latest_done_run(round_),
        "next_rounds": Round.objects.for_org(round_.organisation_id).filter(previous_run__round=round_),
        "upload_form": upload_form_for(round_),
    }


def remember_problems(request: HttpRequest, round_: Round, problems: list[Problem]) -> None:
    """Keep the full list for the CSV download (the page shows it summarised)."""
    # Only the latest rejection is kept (a session does not grow with every round tried).
    rows = [[p.file or "", p.row, p.column or "", p.message] for p in problems]
    request.session[SESSION_PROBLEMS] = {str(round_.pk): rows}


def problems_page(request: HttpRequest, round_: Round, template: str, context: dict[str, Any],
                  problems: list[Problem]) -> HttpResponse:
    remember_problems(request, round_, problems)
    context = {**context, "round": round_, "problem_groups": summarise(problems), "problem_count": len(problems)}
    return render(request, template, context, status=422)


@member_required
def upload_problems(request: HttpRequest, pk: int) -> HttpResponse:
    """Every problem of the round's last rejected upload (this user's session) as CSV, row by row
    (only the header when this session has no rejected upload of the round)."""
    from kyodo.tables import csv_text

    round_ = get_for_user_or_404(Round, request, pk)
    rows = request.session.get(SESSION_PROBLEMS, {}).get(str(round_.pk), [])
    text = csv_text(["ファイル", "行", "列", "内容"], [["" if c is None else str(c) for c in r] for r in rows])
    data = ("\ufeff" + text).encode("utf-8")  # with a BOM, so that Excel reads it as UTF-8
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="upload_problems_{round_.pk}.csv"'
    return response


@member_required
def next_round(request: HttpRequest, pk: int) -> HttpResponse:
    """Create the next round (二次調整, a month) from the round's latest finished run."""
    round_ = get_for_user_or_404(Round, request, pk)
    previous = services_rounds.latest_done_run(round_)
    if previous is None:
        messages.error(request, "次の利用調整回は、この回を一度実行してから作成できます。")
        return redirect("hoiku:round_detail", pk=round_.pk)
    initial = {"title": services_rounds.next_title(round_), "seed": round_.seed}
    form = NextRoundForm(request.POST or None, request.FILES or None, initial=initial)
    context = {"round": round_, "previous": previous, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "hoiku/round_next.html", context)
    data = form.cleaned_data
    given = {
        role: services.UploadedFile(data[role].name, data[role].read()).as_input()
        for role in ("added", "facilities") if data.get(role)
    }
    choice = services_rounds.NextRound(
        title=data["title"], phase=data["phase"], seed=data["seed"], withdrawals=data["withdrawals"],
        transfers=data["transfers"], added=given.get("added"), facilities=given.get("facilities"),
        months=data["months"],
    )
    created, problems = services_rounds.create_next_round(previous, request.user, choice)
    if created is None:
        record_request(request, Action.UPLOAD_REJECTED, round_, problems=len(problems), next_round=True)
        return problems_page(request, round_, "hoiku/round_next.html", context, problems)
    origin = created.latest_input().origin  # type: ignore[union-attr]
    record_request(request, Action.ROUND_CREATE, created, title=created.title, fiscal_year=created.fiscal_year,
                   previous_run=previous.pk, **{k: origin[k] for k in ("carried", "continuing", "withdrawn", "added")})
    messages.success(
        request,
        f"{created.title}を作成しました: {services_rounds.carried_text(origin)}空き定員を確かめてから実行してください。",
    )
    return redirect("hoiku:round_detail", pk=created.pk)


@member_required
def vacancies(request: HttpRequest, pk: int) -> HttpResponse:
    """The month's vacancies (空き定員) per facility and age class, edited in a form."""
    round_ = get_for_user_or_404(Round, request, pk)
    latest = round_.latest_input()
    if latest is None:
        messages.error(request, "先に申込と施設のファイルをアップロードしてください。")
        return redirect("hoiku:round_detail", pk=round_.pk)
    try:
        facilities = services_rounds.current_facilities(latest)
    except InputError as exc:
        return problems_page(request, round_, "hoiku/vacancies.html", {"form": None}, list(exc.problems))
    form = VacancyForm(facilities, request.POST or None)
    context = {"round": round_, "form": form, "latest": latest}
    if request.method != "POST" or not form.is_valid():
        return render(request, "hoiku/vacancies.html", context, status=422 if form.errors else 200)
    input_set, problems = services_rounds.edit_vacancies(round_, request.user, form.vacancies())
    if input_set is None:
        record_request(request, Action.UPLOAD_REJECTED, round_, problems=len(problems), vacancies=True)
        return problems_page(request, round_, "hoiku/vacancies.html", context, problems)
    record_request(request, Action.UPLOAD, input_set, vacancies=True, facilities=input_set.facilities_count,
                   sha256={input_set.facilities_name: input_set.facilities_sha256})
    messages.success(request, "空き定員を保存しました。次の実行から使います。")
    return redirect("hoiku:round_detail", pk=round_.pk)


TEMPLATE_ROLES = {"children": "申込", "facilities": "施設"}


@member_required
def template_download(request: HttpRequest, role: str) -> HttpResponse:
    """Kyodo's template (Japanese headers, one example row) as Excel."""
    from django.utils import timezone

    from kyodo.hoiku.io.round_files import example_files

    if role not in TEMPLATE_ROLES:
        raise Http404("ひな形がありません")
    data = example_files(timezone.localdate().year + 1)[role]
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="kyodo_{role}_template.xlsx"'
    return response
