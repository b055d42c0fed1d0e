"""Guidelines and their versions: everyone reads published ones; 東京都's editors write, draft and publish.

Which role sees what is decided in `access.py`; each view says which helper it uses.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kyodo.problems import InputError
from kyodo.shishin.attribution import attribution
from kyodo.shishin.edits import diff
from kyodo.shishin.render import html_fragment
from kyodo.web.accounts.permissions import member_required
from kyodo.web.shishin import access, demo, portal, services
from kyodo.web.shishin.forms import DocumentForm
from kyodo.web.shishin.models import Edition, GuidelineVersion, VersionStatus

NEW_TEMPLATE = """---
title: 新しい指針
publisher: 東京都
version: "1.0"
date: 2026-04-01
licence: CC-BY-4.0
variables:
  自治体名: "団体の名称"
---
# 新しい指針

この指針は、{{自治体名}}の職員が守ることを定めたものです。

## 1. 目的

"""


@member_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    guidelines = []
    for g in access.guidelines_for(user):
        latest = access.latest_published(g)
        guidelines.append({"g": g, "latest": latest,
                           "drafts": g.versions.filter(status=VersionStatus.DRAFT) if access.is_editor(user) else []})
    editions = []
    for ed in Edition.objects.for_user(user).select_related("guideline"):
        current = ed.current()
        editions.append({"ed": ed, "current": current, "behind": access.published_after(current.upstream)})
    return render(request, "shishin/home.html", {
        "guidelines": guidelines, "editions": editions, "is_editor": access.is_editor(user),
        "is_municipal": access.is_municipal(user), "waiting": portal.waiting(user),
    })


@access.editor_required
def guideline_create(request: HttpRequest) -> HttpResponse:
    form = DocumentForm(request.POST or None, initial={"text": NEW_TEMPLATE})
    problems: list[object] = []
    if request.method == "POST" and form.is_valid():
        try:
            version = services.create_guideline(request.user, form.cleaned_data["text"])
        except InputError as exc:
            problems = list(exc.problems)
        else:
            messages.success(request, f"「{version.guideline.title}」の第{version.version}版を下書きとして作りました。")
            return redirect("shishin:version_detail", pk=version.pk)
    return render(request, "shishin/document_form.html", {"form": form, "problems": problems,
                                                          "heading": "指針を作る"})


@access.editor_required
@require_POST
def demo_load(request: HttpRequest) -> HttpResponse:
    made = demo.load(request.user)
    messages.success(request, f"見本の指針を {made} 件読み込みました(第1.0版を公開、第1.1版は下書き)。")
    return redirect("shishin:home")


@member_required
def guideline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    g = access.get_guideline_or_404(request, pk)
    versions = access.versions_for(request.user).filter(guideline=g).order_by("-created_at", "-id")
    latest = access.latest_published(g)
    doc = services.version_doc(latest) if latest else None
    mine = Edition.objects.for_user(request.user).filter(guideline=g).first()
    return render(request, "shishin/guideline_detail.html", {
        "g": g, "versions": versions, "latest": latest, "html": html_fragment(doc) if doc else "",
        "credit": attribution(doc.meta) if doc else "", "mine": mine, "is_editor": access.is_editor(request.user),
        "is_municipal": access.is_municipal(request.user),
        "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
    })


@access.editor_required
@require_POST
def draft_create(request: HttpRequest, pk: int) -> HttpResponse:
    g = access.get_guideline_or_404(request, pk)
    draft = services.create_draft(g, request.user)
    return redirect("shishin:version_edit", pk=draft.pk)


@member_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    v = access.get_version_or_404(request, pk)
    doc = services.version_doc(v)
    return render(request, "shishin/version_detail.html", {
        "v": v, "doc": doc, "html": html_fragment(doc), "credit": attribution(doc.meta),
        "previous": _previous(request, v), "is_editor": access.is_editor(request.user),
    })


def _previous(request: HttpRequest, v: GuidelineVersion) -> GuidelineVersion | None:
    found: GuidelineVersion | None = (access.versions_for(request.user).filter(guideline_id=v.guideline_id)
                                      .filter(created_at__lt=v.created_at).order_by("-created_at", "-id").first())
    return found


@access.editor_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    v = access.get_version_or_404(request, pk)
    if v.status != VersionStatus.DRAFT:
        raise Http404("公開した版は変更できません")
    form = DocumentForm(request.POST or None, initial={"text": v.text})
    problems: list[object] = []
    if request.method == "POST" and form.is_valid():
        try:
            services.save_draft(v, request.user, form.cleaned_data["text"])
        except InputError as exc:
            problems = list(exc.problems)
        else:
            messages.success(request, "下書きを保存しました。")
            return redirect("shishin:version_detail", pk=v.pk)
    return render(request, "shishin/document_form.html", {
        "form": form, "problems": problems, "heading": f"{v.guideline.title} 第{v.version}版(下書き)の編集", "v": v,
    })


@access.editor_required
@require_POST
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    v = access.get_version_or_404(request, pk)
    if v.status != VersionStatus.DRAFT:
        raise Http404("公開済みです")
    services.publish(v, request.user)
    messages.success(request, f"第{v.version}版を公開しました。各区市町村の自治体版に「更新があります」と表示されます。")
    return redirect("shishin:version_detail", pk=v.pk)


@member_required
def version_diff(request: HttpRequest, pk: int) -> HttpResponse:
    v = access.get_version_or_404(request, pk)
    previous = _previous(request, v)
    sections = diff(services.version_doc(previous), services.version_doc(v)) if previous else []
    return render(request, "shishin/version_diff.html", {"v": v, "previous": previous, "sections": sections})
