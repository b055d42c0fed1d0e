"""Between organisations: questions and answers on a case, and 「この事例について聞きたい」 contact requests."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record, record_request
from kyodo.web.jirei import access
from kyodo.web.jirei.actions import JireiAction
from kyodo.web.jirei.forms import AnswerForm, ContactForm, QuestionForm
from kyodo.web.jirei.models import ContactRequest, Question


@require_POST
@member_required
def question_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_visible_case_or_404(request, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        question = Question.objects.create(organisation_id=request.user.organisation_id, case=case,
                                           author=request.user, body=form.cleaned_data["body"])
        record_request(request, JireiAction.QUESTION, question, case=case.pk)
        # The owner sees in its own audit log that a question came in.
        record(request.user, JireiAction.QUESTION, question, organisation_id=case.organisation_id, case=case.pk)
        messages.success(request, "質問を送りました。事例の団体が回答すると、このページに表示されます。")
    else:
        messages.error(request, "質問を書いてください(2,000文字まで)。")
    return redirect("jirei:case_detail", pk=case.pk)


@require_POST
@member_required
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    question = access.get_question_to_answer_or_404(request, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        question.answer = form.cleaned_data["answer"]
        question.answered_by = request.user
        question.answered_at = timezone.now()
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        record_request(request, JireiAction.ANSWER, question, case=question.case_id)
        messages.success(request, "回答しました。")
    else:
        messages.error(request, "回答を書いてください(4,000文字まで)。")
    return redirect("jirei:case_detail", pk=question.case_id)


@member_required
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_visible_case_or_404(request, pk)
    own = access.is_own(request.user, case)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and not own and form.is_valid():
        contact = ContactRequest.objects.create(
            organisation_id=request.user.organisation_id, owner_id=case.organisation_id, case=case,
            requester=request.user, message=form.cleaned_data["message"], reply_to=form.cleaned_data["reply_to"],
        )
        record_request(request, JireiAction.CONTACT, contact, case=case.pk)
        record(request.user, JireiAction.CONTACT, contact, organisation_id=case.organisation_id, case=case.pk)
        messages.success(request, f"{case.organisation.name}に問い合わせを送りました。返信は返信先に届きます。")
        return redirect("jirei:case_detail", pk=case.pk)
    return render(request, "jirei/contact_form.html", {"case": case, "form": form, "own": own})


@member_required
def contact_list(request: HttpRequest) -> HttpResponse:
    rows = access.contacts_for(request.user)
    org = request.user.organisation_id
    received = [c for c in rows if c.owner_id == org]
    unread = [c.pk for c in received if c.read_at is None]
    if unread:
        rows.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "jirei/contact_list.html", {
        "received": received, "sent": [c for c in rows if c.organisation_id == org and c.owner_id != org],
        "unread": set(unread),
    })
