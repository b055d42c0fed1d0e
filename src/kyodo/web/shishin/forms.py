from __future__ import annotations

from typing import Any

from django import forms

MAX_TEXT = 200_000


class DocumentForm(forms.Form):
    text = forms.CharField(label="本文(Markdown、先頭にメタデータ)", widget=forms.Textarea(attrs={"rows": 30}),
                           max_length=MAX_TEXT)


class SectionForm(forms.Form):
    body = forms.CharField(label="本文", widget=forms.Textarea(attrs={"rows": 12}), required=False,
                           max_length=MAX_TEXT)


class AnnexForm(forms.Form):
    title = forms.CharField(label="別紙の見出し", max_length=100)
    body = forms.CharField(label="本文", widget=forms.Textarea(attrs={"rows": 10}), max_length=MAX_TEXT)


class VariablesForm(forms.Form):
    """One field per variable of the upstream guideline (fields v0, v1, … labelled with the variable's name)."""

    def __init__(self, *args: Any, names: list[tuple[str, str]], initial_values: dict[str, str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names = names
        for i, (name, help_text) in enumerate(names):
            self.fields[f"v{i}"] = forms.CharField(label=name, help_text=help_text, max_length=100,
                                                   initial=(initial_values or {}).get(name, ""))

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data[f"v{i}"].strip() for i, (name, _) in enumerate(self.names)}


class ProposalForm(forms.Form):
    section = forms.ChoiceField(label="節")
    proposed_text = forms.CharField(label="提案する本文", widget=forms.Textarea(attrs={"rows": 10}),
                                    max_length=MAX_TEXT)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args: Any, sections: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(label="対応", choices=[("accept", "次の版に反映する"), ("answer", "回答のみ")])
    answer = forms.CharField(label="回答", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000)


class RequestForm(forms.Form):
    title = forms.CharField(label="ほしい指針", max_length=120)
    description = forms.CharField(label="必要な理由・内容", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)


class RequestAnswerForm(forms.Form):
    status = forms.ChoiceField(label="状態", choices=[("planned", "作成予定"), ("answered", "回答済み")])
    answer = forms.CharField(label="回答", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
