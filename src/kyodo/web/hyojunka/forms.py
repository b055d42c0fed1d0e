"""Forms of standardisation: a plan's fields, one step's date, the survey workbook, Fit & Gap, dashboard filters."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django import forms

from kyodo.hyojunka import catalog
from kyodo.web.hyojunka import services
from kyodo.web.hyojunka.models import Plan

MAX_UPLOAD = 5 * 1024 * 1024


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields: ClassVar[list[str]] = ["vendor", "product", "platform", "form", "deadline", "tokutei", "reason",
                                       "cost_before", "cost_after", "shared"]
        widgets: ClassVar[dict[str, Any]] = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("tokutei") and not data.get("reason"):
            self.add_error("reason", "特定移行支援システムには理由区分が必要です")
        if not data.get("tokutei") and data.get("reason"):
            self.add_error("reason", "特定移行支援でない業務には理由区分を付けません")
        latest = date.fromordinal(catalog().policy.tokutei_latest_deadline)
        if data.get("deadline") and data["deadline"] > latest:
            self.add_error("deadline", f"移行期限は特定移行支援システムでも{latest:%Y年%m月%d日}までです")
        return data


class StepForm(forms.Form):
    done_on = forms.DateField(label="完了日", required=False, widget=forms.DateInput(attrs={"type": "date"}))


def _checked_file(upload: Any) -> Any:
    if upload.size > MAX_UPLOAD:
        raise forms.ValidationError("ファイルが大きすぎます(5MB まで)")
    if not upload.name.lower().endswith((".xlsx", ".csv")):
        raise forms.ValidationError("Excel(.xlsx)か CSV(.csv)を選んでください")
    return upload


class SurveyUploadForm(forms.Form):
    file = forms.FileField(label="進捗調査票(.xlsx / .csv)")

    def clean_file(self) -> Any:
        return _checked_file(self.cleaned_data["file"])


class FitGapForm(forms.Form):
    spec = forms.FileField(label="標準仕様書の機能一覧(機能ID・機能名・区分)")
    answers = forms.FileField(label="回答(機能ID・回答・備考)")

    def clean_spec(self) -> Any:
        return _checked_file(self.cleaned_data["spec"])

    def clean_answers(self) -> Any:
        return _checked_file(self.cleaned_data["answers"])


class FilterForm(forms.Form):
    band = forms.ChoiceField(label="規模", required=False)
    area = forms.ChoiceField(label="地域", required=False,
                             choices=[("", "すべて"), ("区部", "区部"), ("多摩", "多摩"), ("島しょ", "島しょ")])
    as_of = forms.DateField(label="基準日", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["band"].choices = [("", "すべて"), *((b, b) for b in services.size_bands())]
