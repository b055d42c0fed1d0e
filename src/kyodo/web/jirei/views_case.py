"""A case: create (also 「うちでも実施した」 from another case), read, change, publish, delete, attachments."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kyodo.jirei.highlight import highlight
from kyodo.jirei.query import parse_query
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.jirei import access, services
from kyodo.web.jirei.actions import JireiAction
from kyodo.web.jirei.forms import AnswerForm, AttachmentForm, CaseForm, QuestionForm
from kyodo.web.jirei.models import Attachment, Case, Visibility, join_technologies
from kyodo.web.jirei.search import similar_cases
from kyodo.web.jirei.views_search import in_order
from kyodo.web.tenancy import get_for_user_or_404

TEXT_FIELDS = ("summary", "effects", "went_well", "went_badly", "lessons")


def _save(form: CaseForm) -> Case:
    case = form.save(commit=False)
    case.technologies = join_technologies(form.cleaned_data["technology_names"])
    saved: Case = services.save_case(case)
    return saved


@member_required
def case_create(request: HttpRequest) -> HttpResponse:
    source = None
    if request.GET.get("from", "").isdigit():
        source = access.get_visible_case_or_404(request, int(request.GET["from"]))
    initial = {}
    if source is not None:
        initial = {"title": source.title, "field": source.field, "technology_names": source.technology_list}
    case = Case(organisation_id=request.user.organisation_id, created_by=request.user, derived_from=source)
    form = CaseForm(request.POST or None, instance=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        case = _save(form)
        record_request(request, JireiAction.CASE_CREATE, case, title=case.title,
                       derived_from=source.pk if source else None)
        messages.success(request, "事例を下書きとして登録しました。「全団体に公開」を押すまで、他の団体には見えません。")
        return redirect("jirei:case_detail", pk=case.pk)
    return render(request, "jirei/case_form.html", {"form": form, "source": source})


@member_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_visible_case_or_404(request, pk)
    own = access.is_own(request.user, case)
    viewer = access.viewer(request.user)
    derived = access.visible_to(viewer).filter(derived_from=case).select_related("organisation")
    query = parse_query(request.GET.get("q", ""))
    return render(request, "jirei/case_detail.html", {
        "case": case, "own": own, "show_contact": access.can_see_contact(request.user),
        "attachments": Attachment.objects.for_org(case.organisation_id).filter(case=case).defer("data"),
        "questions": access.questions_on(case), "question_form": QuestionForm(), "answer_form": AnswerForm(),
        "similar": in_order(similar_cases(viewer, case)), "derived": derived,
        "attachment_form": AttachmentForm(),
        # The words of the search the user came from, marked where they are (a link from the results keeps ?q=).
        "text": {name: highlight(getattr(case, name), query) for name in TEXT_FIELDS},
    })


@member_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_own_case_or_404(request, pk)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        case = _save(form)
        record_request(request, JireiAction.CASE_CHANGE, case, title=case.title)
        messages.success(request, "事例を更新しました。")
        return redirect("jirei:case_detail", pk=case.pk)
    return render(request, "jirei/case_form.html", {"form": form, "case": case})


@require_POST
@member_required
def case_publish(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_own_case_or_404(request, pk)
    publish = request.POST.get("visibility") != Visibility.DRAFT
    services.set_visibility(case, Visibility.PUBLISHED if publish else Visibility.DRAFT)
    # One call per action, each written out, so that tests/web/test_audit_actions.py can read them.
    if publish:
        record_request(request, JireiAction.CASE_PUBLISH, case)
        messages.success(request, "全団体に公開しました。")
    else:
        record_request(request, JireiAction.CASE_UNPUBLISH, case)
        messages.success(request, "下書きに戻しました(自組織だけが見られます)。")
    return redirect("jirei:case_detail", pk=case.pk)


@require_POST
@member_required
def case_delete(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_own_case_or_404(request, pk)
    record_request(request, JireiAction.CASE_DELETE, case, title=case.title)
    services.delete_case(case)
    messages.success(request, "事例を削除しました。")
    return redirect("jirei:mine")


@require_POST
@member_required
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_own_case_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", ["ファイルを選んでください。"]):
            messages.error(request, error)
        return redirect("jirei:case_detail", pk=case.pk)
    upload = form.cleaned_data["file"]
    data = upload.read()
    attachment = Attachment.objects.create(organisation_id=case.organisation_id, case=case, name=upload.name[:200],
                                           data=data, size=len(data), uploaded_by=request.user)
    record_request(request, JireiAction.ATTACH, attachment, case=case.pk, name=attachment.name)
    messages.success(request, f"{attachment.name} を添付しました。")
    return redirect("jirei:case_detail", pk=case.pk)


@member_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = Attachment.objects.unscoped("checked below: the attachment's case must be visible").filter(
        pk=pk).select_related("case").first()
    if attachment is None:
        raise Http404("見つかりません")
    access.get_visible_case_or_404(request, attachment.case_id)
    response = HttpResponse(bytes(attachment.data), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    return response


@require_POST
@member_required
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_for_user_or_404(Attachment, request, pk, defer=("data",))
    case_pk = attachment.case_id
    record_request(request, JireiAction.DETACH, attachment, case=case_pk, name=attachment.name)
    attachment.delete()
    messages.success(request, "資料を削除しました。")
    return redirect("jirei:case_detail", pk=case_pk)

