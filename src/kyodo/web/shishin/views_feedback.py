"""Feedback to 東京都 (proposals like pull requests, requests for new guidelines) and 東京都's view of the editions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kyodo.problems import InputError
from kyodo.shishin import edition
from kyodo.shishin.edits import sentence_ops
from kyodo.shishin.sentences import sentences
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record, record_request
from kyodo.web.shishin import access, services
from kyodo.web.shishin.actions import ShishinAction
from kyodo.web.shishin.forms import AnswerForm, ProposalForm, RequestAnswerForm, RequestForm
from kyodo.web.shishin.models import ChangeProposal, GuidelineRequest


@member_required
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    g = access.get_guideline_or_404(request, pk)
    latest = access.latest_published(g)
    if latest is None:
        raise Http404("公開された版がありません")
    doc = services.version_doc(latest)
    choices = [(s.id, s.heading or "前文") for s in doc.sections]
    chosen = doc.section(request.GET.get("section", "")) or doc.sections[0]
    form = ProposalForm(request.POST or None, sections=choices,
                        initial={"section": chosen.id, "proposed_text": edition.section_body(chosen).strip("\n")})
    if request.method == "POST":
        if not access.is_municipal(request.user):
            raise PermissionDenied("修正を提案できるのは区市町村の職員です")
        if form.is_valid():
            section = doc.section(form.cleaned_data["section"])
            assert section is not None
            p = ChangeProposal.objects.create(
                organisation_id=request.user.organisation_id, guideline=g, version=latest, section_id=section.id,
                current_text=edition.section_body(section).strip("\n"),
                proposed_text=form.cleaned_data["proposed_text"].replace("\r\n", "\n"),
                reason=form.cleaned_data["reason"], created_by=request.user)
            record_request(request, ShishinAction.PROPOSAL_CREATE, p, guideline=g.title, section=section.id)
            messages.success(request, "修正を提案しました。東京都が検討して回答します。")
            return redirect("shishin:proposal_detail", pk=p.pk)
    return render(request, "shishin/proposal_form.html", {"g": g, "latest": latest, "form": form,
                                                          "is_municipal": access.is_municipal(request.user)})


@member_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    rows = access.proposals_for(request.user).select_related("guideline", "organisation")
    return render(request, "shishin/proposal_list.html", {"proposals": rows,
                                                          "is_editor": access.is_editor(request.user)})


@member_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = access.get_proposal_or_404(request, pk)
    ops = sentence_ops(sentences(p.current_text), sentences(p.proposed_text))
    return render(request, "shishin/proposal_detail.html", {
        "p": p, "ops": ops, "is_editor": access.is_editor(request.user), "form": AnswerForm(),
    })


@access.editor_required
@require_POST
def proposal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    p = access.get_proposal_or_404(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid() or p.status != "open":
        messages.error(request, "回答できません(回答済みか、入力が足りません)。")
        return redirect("shishin:proposal_detail", pk=p.pk)
    answer = form.cleaned_data["answer"]
    if form.cleaned_data["decision"] == "accept":
        try:
            draft = services.accept_proposal(p, request.user, answer)
        except InputError as exc:
            messages.error(request, str(exc))
            return redirect("shishin:proposal_detail", pk=p.pk)
        messages.success(request, f"提案を第{draft.version}版の下書きに反映しました。")
    else:
        if not answer.strip():
            messages.error(request, "回答を書いてください。")
            return redirect("shishin:proposal_detail", pk=p.pk)
        services.answer_proposal(p, request.user, answer)
        messages.success(request, "回答しました。")
    return redirect("shishin:proposal_detail", pk=p.pk)


@member_required
def request_list(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    if request.method == "POST":
        if not access.is_municipal(request.user):
            raise PermissionDenied("要望を出せるのは区市町村の職員です")
        if form.is_valid():
            r = GuidelineRequest.objects.create(organisation_id=request.user.organisation_id,
                                                created_by=request.user, **form.cleaned_data)
            record_request(request, ShishinAction.REQUEST_CREATE, r, title=r.title)
            messages.success(request, "要望を送りました。")
            return redirect("shishin:request_list")
    rows = access.requests_for(request.user).select_related("organisation")
    return render(request, "shishin/request_list.html", {
        "requests": rows, "form": form, "is_editor": access.is_editor(request.user),
        "is_municipal": access.is_municipal(request.user), "answer_form": RequestAnswerForm(),
    })


@access.editor_required
@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        r = access.requests_for(request.user).get(pk=pk)
    except GuidelineRequest.DoesNotExist:
        raise Http404("見つかりません") from None
    form = RequestAnswerForm(request.POST)
    if form.is_valid():
        r.status, r.answer = form.cleaned_data["status"], form.cleaned_data["answer"]
        r.answered_by, r.answered_at = request.user, timezone.now()
        r.save()
        record(request.user, ShishinAction.REQUEST_ANSWER, r, organisation_id=r.organisation_id, status=r.status)
        messages.success(request, "回答しました。")
    else:
        messages.error(request, "状態と回答を入れてください。")
    return redirect("shishin:request_list")


@access.editor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Which organisation is on which version, how far behind, and which upstream sentences are changed most."""
    return render(request, "shishin/dashboard.html", {"rows": services.tokyo_view(request.user)})
