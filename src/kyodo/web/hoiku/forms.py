from __future__ import annotations

from typing import Any

from django import forms

from kyodo.web.hoiku.models import DecisionKind, Phase


class RoundForm(forms.Form):
    title = forms.CharField(label="名称", max_length=100, initial="4月入所")
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    phase = forms.ChoiceField(label="調整", choices=Phase.choices)
    # The organisation's versions ("version:<pk>"), the shipped wards ("koto"), or none (forms_rules).
    rules_name = forms.ChoiceField(label="利用調整基準", required=False)
    seed = forms.IntegerField(label="抽選の乱数シード", min_value=0, max_value=2**31 - 1, initial=1)

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        from kyodo.web.hoiku.forms_rules import default_rules_choice, round_rules_choices

        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["rules_name"].choices = round_rules_choices(organisation)
        self.fields["rules_name"].initial = default_rules_choice(organisation)

    def clean(self) -> dict[str, Any]:
        from kyodo.web.hoiku.forms_rules import split_rules_choice

        data = super().clean() or {}
        data["rules_name"], data["rules_version"] = split_rules_choice(self.organisation, data.get("rules_name", ""))
        return data


def check_table_size(upload: Any, what: str) -> Any:
    """The upload, unless it is over the table size limit (checked from its size, before a byte is read)."""
    from django.conf import settings

    from kyodo.tables.limits import size_text

    limit = settings.TABLE_LIMITS.file_bytes
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(
            f"{what}が大きすぎます({size_text(upload.size)})。1ファイルの上限は{size_text(limit)}です。"
            "ファイルを分けるか、不要な列・行を削除してください"
        )
    return upload


class UploadForm(forms.Form):
    # Empty files go to the engine, which reports them in the same problem table as every other problem.
    children = forms.FileField(label="申込ファイル(Excel または CSV)", allow_empty_file=True)
    facilities = forms.FileField(label="施設ファイル(Excel または CSV)", allow_empty_file=True)
    combinations = forms.FileField(
        label="きょうだいの組み合わせファイル(任意: ファミリーコード・総当たり順位・宛名コードN・希望施設N)",
        required=False,
        allow_empty_file=True,
    )

    def clean_children(self) -> Any:
        return check_table_size(self.cleaned_data.get("children"), "申込ファイル")

    def clean_facilities(self) -> Any:
        return check_table_size(self.cleaned_data.get("facilities"), "施設ファイル")


class DecisionForm(forms.Form):
    child_id = forms.CharField(label="児童番号", max_length=64)
    kind = forms.ChoiceField(label="判断", choices=DecisionKind.choices)
    facility_id = forms.CharField(label="施設番号", max_length=64, required=False)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") in (DecisionKind.FIX, DecisionKind.FORBID) and not data.get("facility_id"):
            self.add_error("facility_id", "施設を指定・除外するときは施設番号が必要です")
        if data.get("kind") == DecisionKind.WITHDRAW:
            data["facility_id"] = ""
        if not (data.get("reason") or "").strip():
            self.add_error("reason", "理由を書いてください")
        return data
