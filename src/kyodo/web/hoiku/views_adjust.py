"""Staff decisions with a dry run first (試算), and 繰り上げ: a withdrawal that offers the freed place onward.

The dry run is the engine itself (`kyodo.hoiku.run`) on the inputs, seed and rules the next run will use, with
the decisions in force plus the new one; its allocation is compared with the one under the decisions in force
(the stored rows of the run when it was made exactly so, otherwise a second dry run). Nothing is saved until
the clerk saves, and saving a decision that displaces someone needs an explicit confirmation.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kyodo.hoiku.model.errors import InputError, RuleError
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.audit.models import Action
from kyodo.web.hoiku import results, services
from kyodo.web.hoiku.actions import HoikuAction
from kyodo.web.hoiku.forms import DecisionForm
from kyodo.web.hoiku.models import Decision, DecisionKind, InputSet, Round, Run
from kyodo.web.hoiku.preview import Placement, Preview, compare, placements
from kyodo.web.hoiku.views import _decision_problem
from kyodo.web.hoiku.views_results import _get_run, _rows

PREVIEW_SECONDS = 30 * 60  # a preview is kept (for the save that follows) this long


def _engine(round_: Round, input_set: InputSet, decisions: list[dict[str, Any]]) -> dict[str, Placement]:
    from kyodo.hoiku import Decision as EngineDecision
    from kyodo.hoiku import run as run_round

    children, facilities, combinations = services.engine_inputs(input_set)
    outcome = run_round(
        (children, facilities), services.round_rules(round_), seed=round_.seed, combinations=combinations,
        decisions=[EngineDecision(**{k: v for k, v in d.items() if v is not None}) for d in decisions],
        fiscal_year=round_.fiscal_year,
    )
    return placements(outcome)


def _stored(run: Run) -> dict[str, Placement]:
    rows = _rows(run).only("child_id", "name", "household_id", "age_class", "facility_id", "choice_number",
                           "choices", "current_facility")
    return {
        r.child_id: Placement(r.child_id, r.name, r.household_id, r.age_class, r.facility_id or None,
                              r.choice_number, len(r.choices),
                              stays=bool(r.facility_id) and r.facility_id == r.current_facility)
        for r in rows.iterator(chunk_size=1000)
    }


def _new_decision(data: dict[str, Any], user: Any) -> dict[str, Any]:
    return {"kind": data["kind"], "child_id": data["child_id"], "facility_id": data["facility_id"] or None,
            "reason": data["reason"].strip(), "by": user.username}


def dry_run(run: Run, data: dict[str, Any], user: Any) -> tuple[Preview, bool]:
    """The preview of one new decision, and whether the run's own rows served as the 'before'."""
    round_ = run.round
    input_set = round_.latest_input()
    assert input_set is not None  # a round with a finished run has inputs
    current = [d.as_engine_dict() for d in services.active_decisions(round_)]
    new = _new_decision(data, user)
    rules_text = services.round_rules_text(round_)  # the round's version (or shipped ward) as the run will use it
    key = "hoiku-preview:" + hashlib.sha256(json.dumps(
        [round_.pk, input_set.children_sha256, input_set.facilities_sha256, input_set.combinations_sha256,
         round_.seed, hashlib.sha256(rules_text.encode()).hexdigest(), round_.fiscal_year, current,
         {**new, "by": ""}], sort_keys=True,
    ).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    same = (run.input_set_id == input_set.pk and run.seed == round_.seed and run.rules_text == rules_text
            and run.fiscal_year == round_.fiscal_year and run.decisions == current)
    before = _stored(run) if same else _engine(round_, input_set, current)
    after = _engine(round_, input_set, [*current, new])
    found = (compare(before, after, data["child_id"]), same)
    cache.set(key, found, PREVIEW_SECONDS)
    return found


def _initial(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "") for k in ("child_id", "kind", "facility_id", "reason")}


@member_required
def decision_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form (filled from the query); POST step=preview: the dry run; step=save or save_run: save."""
    run = _get_run(request, pk, done=True)
    names = results.facility_names(run)
    form = DecisionForm(request.POST if request.method == "POST" else None, initial=_initial(request))
    context: dict[str, Any] = {"run": run, "form": form, "facilities": sorted(names.items()), "names": names}
    if request.method != "POST" or not form.is_valid():
        return render(request, "hoiku/decision_preview.html", context, status=422 if form.errors else 200)
    data = form.cleaned_data
    problem = _decision_problem(run.round, data["child_id"], data["facility_id"])
    if problem:
        form.add_error(None, problem)
        return render(request, "hoiku/decision_preview.html", context, status=422)
    try:
        preview, from_run = dry_run(run, data, request.user)
    except (InputError, RuleError) as exc:
        form.add_error(None, f"試算できませんでした: {exc}")
        return render(request, "hoiku/decision_preview.html", context, status=422)
    step = request.POST.get("step", "preview")
    status = 200
    if step in ("save", "save_run"):
        if preview.displaced and request.POST.get("confirm") != "1":
            status = 422
            form.add_error(None, f"この判断で {len(preview.displaced)} 人が入所先を失うか、より低い希望になります。"
                                 "内容を確認し、「確認しました」にチェックしてから記録してください。")
        else:
            return _save(request, run, data, preview, rerun=step == "save_run")
    else:
        record_request(request, HoikuAction.PREVIEW, run, number=run.number, child_id=data["child_id"],
                       kind=data["kind"], facility_id=data["facility_id"], gains=len(preview.gains),
                       displaced=len(preview.displaced))
    context.update(preview=preview, from_run=from_run, data=data,
                   kind_label=DecisionKind(data["kind"]).label)
    return render(request, "hoiku/decision_preview.html", context, status=status)


def _save(request: HttpRequest, run: Run, data: dict[str, Any], preview: Preview, *, rerun: bool) -> HttpResponse:
    round_ = run.round
    decision = Decision.objects.create(
        organisation_id=round_.organisation_id, round=round_, created_by=request.user, child_id=data["child_id"],
        kind=data["kind"], facility_id=data["facility_id"], reason=data["reason"].strip(),
    )
    record_request(request, Action.DECISION, decision, child_id=decision.child_id, kind=decision.kind,
                   facility_id=decision.facility_id, reason=decision.reason, gains=[m.child_id for m in preview.gains],
                   displaced=[m.child_id for m in preview.displaced])
    text = f"児童 {decision.child_id} の判断「{decision.get_kind_display()}」を記録しました。"
    if preview.gains:
        text += "入所先が良くなる児童: " + "、".join(m.child_id for m in preview.gains) + "。"
    if not rerun:
        messages.success(request, text + "再実行すると反映されます。")
        return redirect("hoiku:child_detail", pk=run.pk, child_id=decision.child_id) if decision.kind != "withdraw" \
            else redirect("hoiku:run_detail", pk=run.pk)
    new_run = services.start_run(round_, request.user)
    record_request(request, Action.RUN, new_run, number=new_run.number, seed=new_run.seed,
                   decisions=len(new_run.decisions))
    messages.success(request, text + f"第{new_run.number}回として再実行します。終わると新しい結果と通知書が作られます。")
    return redirect("hoiku:run_detail", pk=new_run.pk)
