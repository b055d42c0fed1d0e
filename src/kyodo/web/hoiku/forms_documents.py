from __future__ import annotations

from typing import Any

from django import forms

from kyodo.web.hoiku.forms import check_table_size
from kyodo.web.hoiku.models_documents import Grouping


class UnconfirmForm(forms.Form):
    reason = forms.CharField(label="取り消す理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError("確定を取り消す理由を書いてください。")
        return reason


class ArchiveForm(forms.Form):
    grouping = forms.ChoiceField(label="まとめ方", choices=Grouping.choices, initial=Grouping.FACILITY,
                                 widget=forms.RadioSelect)


class DecisionImportForm(forms.Form):
    file = forms.FileField(
        label="職員判断のファイル(CSV または Excel)",
        help_text="1行目: 種類,児童番号,施設番号,理由,担当者 (種類は 固定・除外・辞退)。CLI の判断ファイルと同じ形式です。",
    )

    def clean_file(self) -> Any:
        return check_table_size(self.cleaned_data.get("file"), "職員判断のファイル")


class WhatIfForm(forms.Form):
    kind = forms.ChoiceField(label="変更の種類", choices=[("adjustment", "調整指数の点数を変える"),
                                                        ("rules", "他の区市町村の基準で計算する")])
    adjustment = forms.ChoiceField(label="調整指数の項目", required=False)
    points = forms.IntegerField(label="新しい点数", required=False, min_value=-99, max_value=99)
    rules_name = forms.ChoiceField(label="基準", required=False)

    def __init__(self, *args: Any, adjustments: list[dict[str, Any]], rules: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adjustment"].choices = [(a["id"], f"{a['label']}(今 {a['points']}点)") for a in adjustments]
        self.fields["rules_name"].choices = rules
        self._points = {a["id"]: a["points"] for a in adjustments}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "adjustment":
            if not data.get("adjustment") or data.get("points") is None:
                raise forms.ValidationError("変える調整指数の項目と新しい点数を選んでください。")
            if self._points.get(data["adjustment"]) == data["points"]:
                raise forms.ValidationError("今と同じ点数です。別の点数を入れてください。")
        elif data.get("kind") == "rules" and not data.get("rules_name"):
            raise forms.ValidationError("比べる基準を選んでください。")
        return data

    def variant(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data["kind"] == "rules":
            return {"kind": "rules", "name": data["rules_name"]}
        return {"kind": "adjustment", "id": data["adjustment"], "points": int(data["points"])}
