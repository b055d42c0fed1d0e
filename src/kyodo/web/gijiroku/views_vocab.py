"""The organisation's glossary (用語集), correction list (訂正リスト) and member roles (議員・委員の役職), each on
its own page.

Both go to every transcription started after a change (a meeting keeps a copy of what it was given).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kyodo.gijiroku.errors import GijirokuError
from kyodo.web.accounts.permissions import member_required
from kyodo.web.audit.log import record_request
from kyodo.web.gijiroku import services
from kyodo.web.gijiroku.actions import GijirokuAction
from kyodo.web.gijiroku.forms import CorrectionsForm, MemberRolesForm, TermsForm


@member_required
def glossary(request: HttpRequest) -> HttpResponse:
    vocabulary = services.vocabulary_for(request.user.organisation_id)
    form = TermsForm(request.POST or None, initial={"terms": "\n".join(vocabulary.terms)})
    if request.method == "POST" and request.POST.get("defaults") == "add":
        defaults = services.default_terms(str(vocabulary.organisation.code))
        added = [t for t in defaults if t not in vocabulary.terms]
        vocabulary.terms, vocabulary.updated_by = [*vocabulary.terms, *added], request.user
        vocabulary.save(update_fields=["terms", "updated_by", "updated_at"])
        record_request(request, GijirokuAction.GLOSSARY, vocabulary, added=added, removed=[])
        messages.success(request, f"既定の用語を{len(added)}語加えました。")
        return redirect("gijiroku:glossary")
    if request.method == "POST" and form.is_valid():
        try:
            terms = services.parse_terms(form.cleaned_data["terms"])
        except GijirokuError as exc:
            form.add_error("terms", exc.message)
        else:
            added = [t for t in terms if t not in vocabulary.terms]
            removed = [t for t in vocabulary.terms if t not in terms]
            vocabulary.terms, vocabulary.updated_by = terms, request.user
            vocabulary.save(update_fields=["terms", "updated_by", "updated_at"])
            record_request(request, GijirokuAction.GLOSSARY, vocabulary, added=added, removed=removed)
            messages.success(request, f"用語集を保存しました({len(terms)}語)。次の文字起こしから使います。")
            return redirect("gijiroku:glossary")
    return render(request, "gijiroku/glossary.html", {"form": form, "vocabulary": vocabulary})


@member_required
def corrections(request: HttpRequest) -> HttpResponse:
    vocabulary = services.vocabulary_for(request.user.organisation_id)
    lines = [",".join(filter(None, (c["wrong"], c["right"], c.get("note", "")))) for c in vocabulary.corrections]
    form = CorrectionsForm(request.POST or None, initial={"corrections": "\n".join(lines)})
    if request.method == "POST" and form.is_valid():
        try:
            entries = services.parse_corrections(form.cleaned_data["corrections"])
        except GijirokuError as exc:
            form.add_error("corrections", exc.message)
        else:
            before = vocabulary.corrections
            vocabulary.corrections, vocabulary.updated_by = entries, request.user
            vocabulary.save(update_fields=["corrections", "updated_by", "updated_at"])
            record_request(request, GijirokuAction.CORRECTIONS, vocabulary, before=before, after=entries)
            messages.success(request, f"訂正リストを保存しました({len(entries)}件)。次の文字起こしから使います。")
            return redirect("gijiroku:corrections")
    return render(request, "gijiroku/corrections.html", {"form": form, "vocabulary": vocabulary})


@member_required
def member_roles(request: HttpRequest) -> HttpResponse:
    """The roles the minutes write as 議長(山田太郎君); every other role is an official's title (子ども未来部長)."""
    from kyodo.gijiroku.minutes import MEMBER_ROLES

    vocabulary = services.vocabulary_for(request.user.organisation_id)
    current = list(vocabulary.member_roles) or list(MEMBER_ROLES)
    form = MemberRolesForm(request.POST or None, initial={"roles": "\n".join(current)})
    if request.method == "POST" and form.is_valid():
        try:
            roles = services.parse_member_roles(form.cleaned_data["roles"])
        except GijirokuError as exc:
            form.add_error("roles", exc.message)
        else:
            vocabulary.member_roles, vocabulary.updated_by = roles, request.user
            vocabulary.save(update_fields=["member_roles", "updated_by", "updated_at"])
            record_request(request, GijirokuAction.MEMBER_ROLES, vocabulary, before=current,
                           after=roles or list(MEMBER_ROLES))
            shown = "標準の役職に戻しました" if not roles else f"議員・委員の役職を保存しました({len(roles)}件)"
            messages.success(request, f"{shown}。会議録の発言者の書き方にすぐ反映されます。")
            return redirect("gijiroku:member_roles")
    return render(request, "gijiroku/member_roles.html", {"form": form, "roles": current})
