"""通知書の設定: what an organisation's notices print (文書番号, 発行日, 区長名 with 公印省略, the contact).

Only an organisation administrator edits them, and only their own organisation's; a run prints the settings in
force when it runs (kyodo.web.hoiku.services passes them to the notice writers).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kyodo.hoiku.outputs.notices.letter import FIELDS, SEAL_OMITTED, letter_settings
from kyodo.problems import InputError
from kyodo.web.accounts.permissions import org_admin_required
from kyodo.web.audit.log import record_request
from kyodo.web.audit.registry import register
from kyodo.web.hoiku.models import LetterSetting


@register
class LetterAction(models.TextChoices):
    # Registered here rather than in an app-wide actions module: this page is its only writer.
    LETTER_SETTINGS = "hoiku_letter_settings", "通知書の設定の変更"


class LetterSettingForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = LetterSetting
        fields = ("document_number", "issue_date", "mayor", "contact_section", "contact_phone")
        widgets = {"issue_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}  # noqa: RUF012

    def clean(self) -> dict[str, Any]:
        """The engine's own checks (phone number, no line breaks …), each error on its field."""
        data = super().clean() or {}
        if all(data.get(k) for k in FIELDS):
            try:
                letter_settings({k: data[k] for k in FIELDS}, "通知書の設定")
            except InputError as exc:
                for problem in exc.problems:
                    field = next((k for k in FIELDS if problem.message.startswith(f"{k}(")), None)
                    message = problem.message
                    if field is not None:  # the engine names the settings file's key; the form shows the label
                        message = message.replace(f"{field}({FIELDS[field]})", FIELDS[field], 1)
                    self.add_error(field, message)
        return data


@org_admin_required
def letter_settings_page(request: HttpRequest) -> HttpResponse:
    organisation_id = request.user.organisation_id  # type: ignore[union-attr]
    if organisation_id is None:
        raise PermissionDenied("組織に属する管理者のみが使えます")
    current = LetterSetting.objects.for_user(request.user).first()
    form = LetterSettingForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        setting = form.save(commit=False)
        setting.organisation_id = organisation_id
        setting.updated_by = request.user
        setting.save()
        record_request(request, LetterAction.LETTER_SETTINGS, setting, document_number=setting.document_number)
        messages.success(request, "通知書の設定を保存しました。これから実行する利用調整の通知書に印字します。")
        return redirect("hoiku:letter_settings")
    return render(
        request,
        "hoiku/letter_settings.html",
        {"form": form, "current": current, "seal": SEAL_OMITTED},
        status=422 if form.errors else 200,
    )
