"""A municipality's edition: create, fill variables, edit sections, add annexes, take in updates, download.

Editions are reached only through `access.get_edition_or_404` (the user's own organisation).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from kyodo.problems import InputError
from kyodo.shishin import Resolution, edition
from kyodo.shishin.edits import diff, local_edits
from kyodo.shishin.render import FORMATS, html_fragment
from kyodo.shishin.render import render as render_document
from kyodo.shishin.variables import fill
from kyodo.web.accounts.permissions import member_required
from kyodo.web.shishin import access, services
from kyodo.web.shishin.forms import AnnexForm, SectionForm, VariablesForm
from kyodo.web.shishin.models import Edition, EditionVersion

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@member_required
def edition_create(request: HttpRequest, pk: int) -> HttpResponse:
    g = access.get_guideline_or_404(request, pk)
    latest = access.latest_published(g)
    if latest is None:
        raise Http404("公開された版がありません")
    existing = Edition.objects.for_user(request.user).filter(guideline=g).first()
    names = services.variable_names(services.version_doc(latest))
    form = VariablesForm(request.POST or None, names=names,
                         initial_values={"自治体名": request.user.organisation.name})
    if request.method == "POST":
        if not access.is_municipal(request.user):
            raise PermissionDenied("自治体版を作れるのは区市町村の職員です")
        if existing is None and form.is_valid():
            ed = services.create_edition(g, request.user, form.values())
            messages.success(request, f"{request.user.organisation.name}の自治体版を作りました。")
            return redirect("shishin:edition_detail", pk=ed.pk)
    return render(request, "shishin/edition_form.html", {"g": g, "latest": latest, "form": form,
                                                         "existing": existing, "is_municipal":
                                                         access.is_municipal(request.user)})


def _context(ed: Edition, ev: EditionVersion) -> dict[str, object]:
    upstream = services.version_doc(ev.upstream)
    doc = services.edition_doc(ev)
    values = doc.meta.variables
    edits = [(e, fill(e.before, values)) for e in local_edits(upstream, doc) if upstream.section(e.section_id)]
    own = [s.heading for s in doc.sections if upstream.section(s.id) is None]
    return {"ed": ed, "ev": ev, "doc": doc, "html": html_fragment(doc),
            "credit": edition.attribution_for(upstream, doc), "edits": edits, "own_sections": own,
            "sections": list(enumerate(doc.sections))}


@member_required
def edition_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ed = access.get_edition_or_404(request, pk)
    context = _context(ed, ed.current())
    context.update({"pending": services.pending_update(ed), "history": ed.versions.select_related("created_by",
                                                                                                    "upstream"),
                    "formats": FORMATS})
    return render(request, "shishin/edition_detail.html", context)


@member_required
def edition_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    ed = access.get_edition_or_404(request, pk)
    ev = ed.versions.filter(number=number).select_related("upstream", "created_by").first()
    if ev is None:
        raise Http404("見つかりません")
    context = _context(ed, ev)
    previous = ed.versions.filter(number=number - 1).first()
    context["changes"] = diff(services.edition_doc(previous), services.edition_doc(ev)) if previous else []
    return render(request, "shishin/edition_version.html", context)


@member_required
def edition_variables(request: HttpRequest, pk: int) -> HttpResponse:
    ed = access.get_edition_or_404(request, pk)
    current = ed.current()
    names = services.variable_names(services.version_doc(current.upstream))
    form = VariablesForm(request.POST or None, names=names,
                         initial_values=services.edition_doc(current).meta.variables)
    if request.method == "POST" and form.is_valid():
        kept = services.set_variables(ed, request.user, form.values())
        note = f"(変数を含む文を変更していた {kept} か所は、自治体版の文のままです)" if kept else ""
        messages.success(request, f"変数の値を変更しました。{note}")
        return redirect("shishin:edition_detail", pk=ed.pk)
    return render(request, "shishin/edition_form.html", {"g": ed.guideline, "latest": current.upstream, "form": form,
                                                         "ed": ed, "is_municipal": True})


@member_required
def section_edit(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    ed = access.get_edition_or_404(request, pk)
    doc = services.edition_doc(ed.current())
    if not 0 <= index < len(doc.sections):
        raise Http404("その節はありません")
    section = doc.sections[index]
    form = SectionForm(request.POST or None, initial={"body": edition.section_body(section).strip("\n")})
    problems: list[object] = []
    if request.method == "POST" and form.is_valid():
        try:
            if "remove" in request.POST:
                changed, note = edition.remove_section(doc, section.id), f"節「{section.heading}」を削除"
            else:
                changed = edition.replace_body(doc, section.id, form.cleaned_data["body"])
                note = f"節「{section.heading or '前文'}」を編集"
        except InputError as exc:
            problems = list(exc.problems)
        else:
            services.save_edition(ed, request.user, changed, note)
            messages.success(request, f"{note}しました。")
            return redirect("shishin:edition_detail", pk=ed.pk)
    return render(request, "shishin/section_form.html", {"ed": ed, "section": section, "form": form,
                                                         "problems": problems})


@member_required
def annex_add(request: HttpRequest, pk: int) -> HttpResponse:
    ed = access.get_edition_or_404(request, pk)
    form = AnnexForm(request.POST or None)
    problems: list[object] = []
    if request.method == "POST" and form.is_valid():
        try:
            doc = edition.add_annex(services.edition_doc(ed.current()), form.cleaned_data["title"],
                                    form.cleaned_data["body"])
        except InputError as exc:
            problems = list(exc.problems)
        else:
            services.save_edition(ed, request.user, doc, f"{doc.sections[-1].heading}を追加")
            messages.success(request, f"{doc.sections[-1].heading}を追加しました。")
            return redirect("shishin:edition_detail", pk=ed.pk)
    return render(request, "shishin/annex_form.html", {"ed": ed, "form": form, "problems": problems})


@member_required
def edition_update(request: HttpRequest, pk: int) -> HttpResponse:
    ed = access.get_edition_or_404(request, pk)
    pending = services.pending_update(ed)
    if pending is None:
        return render(request, "shishin/edition_update.html", {"ed": ed, "pending": None})
    result = pending.result
    errors: list[str] = []
    if request.method == "POST":
        resolutions, errors = _resolutions(request, result.conflicts)
        if not errors:
            try:
                ev = services.accept_update(ed, request.user, pending, resolutions)
            except InputError as exc:
                errors = [str(p) for p in exc.problems]
            else:
                messages.success(request, f"第{pending.upstream.version}版を取り込みました(自治体版 {ev.number})。")
                return redirect("shishin:edition_detail", pk=ed.pk)
    previews = [{"section": s, "parts": [(c, result.conflicts[c.conflict] if c.conflict is not None else None)
                                         for c in s.chunks]} for s in result.sections]
    return render(request, "shishin/edition_update.html", {
        "ed": ed, "pending": pending, "result": result, "stats": result.stats, "previews": previews,
        "errors": errors, "choices": [(str(r), label) for r, label in RESOLUTION_LABELS.items()],
    })


RESOLUTION_LABELS = {Resolution.OURS: "自治体版の文を残す", Resolution.THEIRS: "東京都の新しい文にする",
                     Resolution.EDIT: "書き直す"}


def _resolutions(request: HttpRequest, conflicts: tuple[object, ...]) -> tuple[dict[int, tuple[Resolution, str]],
                                                                                 list[str]]:
    resolutions: dict[int, tuple[Resolution, str]] = {}
    errors = []
    for i in range(len(conflicts)):
        choice = request.POST.get(f"choice_{i}", "")
        if choice not in {r.value for r in Resolution}:
            errors.append(f"競合{i + 1}: どれを採るか選んでください")
            continue
        resolutions[i] = (Resolution(choice), request.POST.get(f"text_{i}", ""))
    return resolutions, errors


@member_required
def edition_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    ed = access.get_edition_or_404(request, pk)
    if fmt not in FORMATS:
        raise Http404("その形式はありません")
    current = ed.current()
    doc = services.edition_doc(current)
    credit = edition.attribution_for(services.version_doc(current.upstream), doc)
    response = HttpResponse(render_document(doc, credit, fmt), content_type=CONTENT_TYPES[fmt])
    filename = f"{ed.organisation.name}_{ed.guideline.title}_{current.number}.{fmt}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
