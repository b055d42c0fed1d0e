"""Rounds, uploads with their check page, runs with progress, and staff decisions."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kyodo.hoiku.model.errors import Problem
from kyodo.web import jobs
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.audit.models import Action
from kyodo.web.hoiku import services, views_rounds
from kyodo.web.hoiku.forms import DecisionForm, RoundForm
from kyodo.web.hoiku.models import Decision, Round, Run, RunChild, RunStatus
from kyodo.web.tenancy import get_for_user_or_404


def _get_round(request: HttpRequest, pk: int) -> Round:
    return get_for_user_or_404(Round, request, pk)


def _get_run(request: HttpRequest, pk: int) -> Run:
    return get_for_user_or_404(Run, request, pk, defer=Run.STORED_FILES)


@member_required
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = Round.objects.for_user(request.user).select_related("rules_version__organisation")
    return render(request, "hoiku/round_list.html", {"rounds": rounds})


@member_required
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, organisation=request.user.organisation,  # type: ignore[union-attr]
                     initial={"fiscal_year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        round_ = Round.objects.create(organisation_id=request.user.organisation_id, created_by=request.user,
                                      **form.cleaned_data)
        record_request(request, Action.ROUND_CREATE, round_, title=round_.title, fiscal_year=round_.fiscal_year)
        messages.success(request, "利用調整回を作成しました。申込と施設のファイルをアップロードしてください。")
        return redirect("hoiku:round_detail", pk=round_.pk)
    return render(request, "hoiku/round_form.html", {"form": form})


@member_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _get_round(request, pk)
    context = {
        "round": round_,
        "inputs": round_.inputs.order_by("-uploaded_at", "-id").select_related("uploaded_by")
        .defer("children_data", "facilities_data", "combinations_data"),
        "runs": round_.runs.select_related("created_by").defer(*Run.STORED_FILES),
        "decisions": round_.decisions.select_related("created_by", "revoked_by"),
        "decision_form": DecisionForm(),
        **views_rounds.round_context(round_),  # demand, next rounds, the upload form
    }
    return render(request, "hoiku/round_detail.html", context)


@member_required
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the files; store them only when the engine can read them. Otherwise summarise the problems
    (the same message once, with its rows; a file made for another fiscal year explained once)."""
    round_ = _get_round(request, pk)
    form = views_rounds.upload_form_for(round_, request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "hoiku/upload.html", {"round": round_, "form": form})
    files = {
        role: services.UploadedFile(form.cleaned_data[role].name, form.cleaned_data[role].read())
        for role in ("children", "facilities", "combinations")
        if form.cleaned_data.get(role)
    }
    combinations = files.get("combinations")
    year = form.cleaned_data.get("fiscal_year") or round_.fiscal_year
    was = round_.fiscal_year
    round_.fiscal_year = year  # the year to read with; saved only when the files are stored
    instance, problems = services.read_upload(round_, files["children"], files["facilities"], combinations)
    if problems or instance is None:
        return _upload_rejected(request, round_, was, files, problems)
    input_set = services.store_upload(
        round_, request.user, files["children"], files["facilities"], instance, combinations
    )
    if year != was:
        round_.save(update_fields=["fiscal_year"])
        messages.info(request, f"この利用調整回の年度を{was}年度から{year}年度に変えました。")
    sha256 = {input_set.children_name: input_set.children_sha256,
              input_set.facilities_name: input_set.facilities_sha256}
    if input_set.combinations_name:
        sha256[input_set.combinations_name] = input_set.combinations_sha256
    record_request(request, Action.UPLOAD, input_set, children=input_set.children_count,
                   facilities=input_set.facilities_count, sha256=sha256, fiscal_year=year)
    messages.success(request, f"読み込みました: 申込 {input_set.children_count} 件、施設 {input_set.facilities_count} か所。")
    return redirect("hoiku:round_detail", pk=round_.pk)


def _upload_rejected(request: HttpRequest, round_: Round, was: int, files: dict[str, services.UploadedFile],
                     problems: list[Problem]) -> HttpResponse:
    from kyodo.hoiku.io.fiscal_year import explain_year

    tried, round_.fiscal_year = round_.fiscal_year, was
    can_change = not round_.runs.exists()
    hint = ("下の「年度」を{year}にしてアップロードし直してください。" if can_change else
            "この利用調整回は実行済みで年度を変えられないので、{year}年度の利用調整回を作成してください。")
    problems, found = explain_year(problems, files["children"].as_input(), tried, hint)
    record_request(request, Action.UPLOAD_REJECTED, round_, problems=len(problems),
                   files=[f.name for f in files.values()])
    initial = {"fiscal_year": found.year} if found is not None and can_change else {}
    form = views_rounds.upload_form_for(round_, initial=initial)
    return views_rounds.problems_page(request, round_, "hoiku/upload.html", {"form": form}, problems)


@member_required
@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _get_round(request, pk)
    if round_.latest_input() is None:
        messages.error(request, "先に申込と施設のファイルをアップロードしてください。")
        return redirect("hoiku:round_detail", pk=round_.pk)
    run = services.start_run(round_, request.user)
    record_request(request, Action.RUN, run, number=run.number, seed=run.seed, decisions=len(run.decisions))
    return redirect("hoiku:run_detail", pk=run.pk)


@member_required
@require_POST
def run_reproduce(request: HttpRequest, pk: int) -> HttpResponse:
    """Run again on exactly the stored inputs, seed and decisions of an earlier run."""
    original = _get_run(request, pk)
    run = services.start_run(original.round, request.user, reproduce=original)
    record_request(request, Action.RUN, run, number=run.number, reproduces=original.number)
    return redirect("hoiku:run_detail", pk=run.pk)


@member_required
@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a stalled run (its worker died) again on the same inputs; the stalled one is recorded as failed."""
    stalled = _get_run(request, pk)
    stall = stalled.stall
    if stall is None or not jobs.mark_failed(stalled, stall):
        messages.error(request, "この実行は止まっていません(処理中か、終わっています)。")
        return redirect("hoiku:run_detail", pk=stalled.pk)
    record_request(request, jobs.JobAction.RETRY, stalled, number=stalled.number, reason=stall.reason)
    run = services.start_run(stalled.round, request.user, reproduce=stalled)
    record_request(request, Action.RUN, run, number=run.number, retries=stalled.number)
    messages.success(request, f"止まっていた第{stalled.number}回を「失敗」として記録し、第{run.number}回として実行し直します。")
    return redirect("hoiku:run_detail", pk=run.pk)


@member_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the run page polls (HTMX); tells the page to reload when the run ends or stalls."""
    run = _get_run(request, pk)
    response = render(request, "hoiku/_progress.html", {"run": run})
    if (run.is_finished or run.stall) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@member_required
@require_POST
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _get_round(request, pk)
    form = DecisionForm(request.POST)
    back = request.POST.get("back", "")
    if form.is_valid():
        data = form.cleaned_data
        problem = _decision_problem(round_, data["child_id"], data["facility_id"])
        if problem:
            messages.error(request, problem)
        else:
            decision = Decision.objects.create(
                organisation_id=round_.organisation_id, round=round_, created_by=request.user,
                child_id=data["child_id"], kind=data["kind"], facility_id=data["facility_id"],
                reason=data["reason"].strip(),
            )
            record_request(request, Action.DECISION, decision, child_id=decision.child_id, kind=decision.kind,
                           facility_id=decision.facility_id, reason=decision.reason)
            messages.success(request, f"児童 {decision.child_id} の判断「{decision.get_kind_display()}」を記録しました。"
                             "再実行すると反映されます。")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("hoiku:round_detail", pk=round_.pk)


def _decision_problem(round_: Round, child_id: str, facility_id: str) -> str:
    """Decisions refer to the latest finished run: the child and facility must exist there."""
    latest = round_.runs.filter(status=RunStatus.DONE).order_by("-number").first()
    if latest is None:
        return "判断は、利用調整を一度実行してから記録できます。"
    if not RunChild.objects.for_org(round_.organisation_id).filter(run=latest, child_id=child_id).exists():
        return f"児童番号 {child_id} は最新の結果にありません。"
    if facility_id and facility_id not in {f["id"] for f in latest.summary.get("facility_table", [])}:
        return f"施設番号 {facility_id} は施設一覧にありません。"
    return ""


@member_required
@require_POST
def decision_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_for_user_or_404(Decision, request, pk, revoked_at__isnull=True)
    decision.revoked_at = timezone.now()
    decision.revoked_by = request.user
    decision.save(update_fields=["revoked_at", "revoked_by"])
    record_request(request, Action.DECISION_REVOKE, decision, child_id=decision.child_id, kind=decision.kind)
    messages.success(request, f"児童 {decision.child_id} の判断を取り消しました。")
    return redirect("hoiku:round_detail", pk=decision.round_id)
