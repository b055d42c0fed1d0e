"""The rules page of an organisation: its versions, a new one from a shipped ward or an upload, one version's
values (with source, status and staff notes) and example households, per-value confirmation, the diff, downloads.

Every member reads; only an organisation administrator starts, uploads or confirms (staff get 403).
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kyodo.hoiku.model.errors import RuleError
from kyodo.hoiku.rules.diff import provenance_fields, rule_items
from kyodo.problems import InputError
from kyodo.web.accounts.permissions import member_required, org_admin_required
from kyodo.web.audit.log import record_request
from kyodo.web.hoiku import rules_services
from kyodo.web.hoiku.actions import RulesAction
from kyodo.web.hoiku.forms_rules import ConfirmForm, RulesUploadForm, StartForm, own_shipped
from kyodo.web.hoiku.models import RulesVersion
from kyodo.web.hoiku.services import UploadedFile
from kyodo.web.tenancy import get_for_user_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Fields an item's label already says (rules.diff.rule_items): the page shows the others beside it.
IN_LABEL = frozenset({"事由", "条件", "程度", "項目", "基準"})


def _get_version(request: HttpRequest, pk: int) -> RulesVersion:
    version = get_for_user_or_404(RulesVersion, request, pk)
    version.organisation  # noqa: B018  (the display name needs it; one query here, not one per use)
    return version


def _start_form(request: HttpRequest, data: object = None) -> StartForm:
    return StartForm(data, initial={"shipped": own_shipped(request.user.organisation)})  # type: ignore[arg-type, union-attr]


@member_required
def rules_list(request: HttpRequest) -> HttpResponse:
    versions = list(RulesVersion.objects.for_user(request.user).select_related("organisation", "created_by"))
    rows = []
    for v in versions:
        confirmed, to_confirm = v.rules().status_counts()
        rows.append({"version": v, "confirmed": confirmed, "to_confirm": to_confirm})
    context = {
        "rows": rows,
        "start_form": _start_form(request),
        "upload_form": RulesUploadForm(organisation=request.user.organisation),  # type: ignore[union-attr]
    }
    return render(request, "hoiku/rules_list.html", context)


@org_admin_required
@member_required
@require_POST
def rules_start(request: HttpRequest) -> HttpResponse:
    form = _start_form(request, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("hoiku:rules_list")
    data = form.cleaned_data
    version = rules_services.start_from_shipped(request.user, data["shipped"], data["fiscal_year"], data["title"])
    record_request(request, RulesAction.VERSION_CREATE, version, origin=version.origin,
                   shipped=data["shipped"], number=version.number, fiscal_year=version.fiscal_year)
    messages.success(request, f"「{version.display_name}」を作成しました。値を一つずつ区の原本で確認してください。")
    return redirect("hoiku:rules_detail", pk=version.pk)


@org_admin_required
@member_required
def rules_upload(request: HttpRequest) -> HttpResponse:
    """Check the uploaded workbook or YAML through the engine; store a version only when all of it is valid."""
    organisation = request.user.organisation  # type: ignore[union-attr]
    form = RulesUploadForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method != "POST" or not form.is_valid():
        return render(request, "hoiku/rules_upload.html", {"form": form})
    files = {
        role: UploadedFile(form.cleaned_data[role].name, form.cleaned_data[role].read())
        for role in ("rules", "cases")
        if form.cleaned_data.get(role)
    }
    try:
        text, origin = rules_services.read_rules_upload(files["rules"], files.get("cases"))
    except InputError as exc:
        record_request(request, RulesAction.VERSION_REJECTED, problems=len(exc.problems),
                       files=[f.name for f in files.values()])
        context = {"form": form, "problems": exc.problems}
        return render(request, "hoiku/rules_upload.html", context, status=422)
    data = form.cleaned_data
    version = rules_services.store_upload(
        request.user, text, origin, files["rules"].name, data["fiscal_year"], data["title"], form.based_on_version()
    )
    confirmed, to_confirm = text.rules.status_counts()
    record_request(request, RulesAction.VERSION_CREATE, version, origin=version.origin, file=version.file_name,
                   number=version.number, fiscal_year=version.fiscal_year, confirmed=confirmed, to_confirm=to_confirm)
    messages.success(request, f"「{version.display_name}」として取り込みました(確認済み {confirmed}、要確認 {to_confirm})。")
    return redirect("hoiku:rules_detail", pk=version.pk)


@member_required
def rules_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from kyodo.hoiku.rules.versions import cases_of, run_cases

    version = _get_version(request, pk)
    rules = version.rules()
    items = [
        {"item": i, "provenance": provenance_fields(i.provenance),
         "shown": [(k, v) for k, v in i.fields.items() if k not in IN_LABEL]}
        for i in rule_items(rules)
    ]
    cases = run_cases(rules, cases_of(version.cases_yaml))
    confirmed, to_confirm = rules.status_counts()
    context = {
        "version": version,
        "rules": rules,
        "items": items,
        "cases": cases,
        "cases_failed": sum(1 for c in cases if not c.passed),
        "confirmed": confirmed,
        "to_confirm": to_confirm,
        "can_confirm": request.user.is_org_admin,  # type: ignore[union-attr]
        "rounds": version.rounds.all(),
    }
    return render(request, "hoiku/rules_detail.html", context)


@org_admin_required
@member_required
@require_POST
def rules_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        raise Http404("確認する値がありません")
    where = form.cleaned_data["where"]
    try:
        updated = rules_services.confirm(version, where, request.user)
    except RuleError as exc:
        messages.error(request, str(exc))
        return redirect("hoiku:rules_detail", pk=version.pk)
    record_request(request, RulesAction.CONFIRM, version, where=where, number=version.number)
    label = next((i.label for i in rule_items(updated.rules()) if i.where == where), where)
    messages.success(request, f"「{label}」を確認済みにしました({request.user.display_name or request.user.username})。")  # type: ignore[union-attr]
    return redirect(f"{version_url(version)}#v-{quote(where)}")


def version_url(version: RulesVersion) -> str:
    from django.urls import reverse

    return str(reverse("hoiku:rules_detail", kwargs={"pk": version.pk}))


@member_required
def rules_diff(request: HttpRequest, pk: int) -> HttpResponse:
    version = _get_version(request, pk)
    base, found = rules_services.changes(version, version.rules())
    counts = {kind: sum(1 for c in found if c.change == kind) for kind in ("追加", "削除", "変更")}
    return render(request, "hoiku/rules_diff.html", {"version": version, "base": base, "changes": found,
                                                      "counts": counts})


@member_required
def rules_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The version as the rules workbook (to fill in and upload again) or as its YAML text."""
    from kyodo.hoiku.rules.versions import cases_of
    from kyodo.hoiku.rules.workbook import export_workbook

    version = _get_version(request, pk)
    stem = f"rules-{version.fiscal_year}-v{version.number}"
    if fmt == "xlsx":
        body, content_type, name = export_workbook(version.rules(), cases_of(version.cases_yaml)), XLSX, f"{stem}.xlsx"
    elif fmt == "yaml":
        body, content_type, name = version.rules_yaml.encode(), "text/yaml; charset=utf-8", f"{stem}.yaml"
    else:
        raise Http404("その形式はありません")
    record_request(request, RulesAction.DOWNLOAD, version, format=fmt, number=version.number)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename=\"{name}\""
    return response
