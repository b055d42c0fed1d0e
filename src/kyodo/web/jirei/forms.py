# ruff: noqa: RUF012  (Django's Meta classes take class-level lists by design)
"""Forms of case sharing: the case record, attachments, questions and answers, contact requests, the import file."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from django import forms

from kyodo.jirei.vocab import vocabulary
from kyodo.web.jirei.models import MAX_ATTACHMENT_BYTES, Case, CaseStatus

_LINK = re.compile(r"^(/[\w\-./?=&%#]*|https?://\S+)$")
MAX_IMPORT_BYTES = 5 * 1024 * 1024

TEXT = {"rows": 3}


class CaseForm(forms.ModelForm):
    field = forms.ChoiceField(label="分野")
    technology_names = forms.MultipleChoiceField(label="技術", required=False, widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(label="状況", choices=CaseStatus.choices)
    start_year = forms.IntegerField(label="開始年度(西暦)", min_value=1990, max_value=2100, required=False)
    end_year = forms.IntegerField(label="終了年度(西暦)", min_value=1990, max_value=2100, required=False)

    class Meta:
        model = Case
        fields = ["title", "field", "status", "start_year", "end_year", "summary", "effects", "hours_saved_per_year",
                  "cost_yen", "went_well", "went_badly", "lessons", "vendor", "spec_shareable", "contact", "links"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}), "effects": forms.Textarea(attrs=TEXT),
            "went_well": forms.Textarea(attrs=TEXT), "went_badly": forms.Textarea(attrs=TEXT),
            "lessons": forms.Textarea(attrs=TEXT), "links": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "contact": "区市町村・都の職員にだけ表示します(例: 情報システム課 DX推進係 内線1234)",
            "links": "1行に1つ。指針・研修・人材依頼などこの基盤のページ(/shishin/… のような形)か、http(s):// の URL",
            "went_badly": "導入に至らなかった事例は、その理由をここに書くと他の団体の役に立ちます",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        v = vocabulary()
        self.fields["field"].choices = [(f, f) for f in v.fields]
        self.fields["technology_names"].choices = [(t, t) for t in v.technologies]
        if self.instance.pk:
            self.fields["technology_names"].initial = self.instance.technology_list

    def clean_links(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        bad = [line for line in lines if not _LINK.match(line)]
        if bad:
            raise forms.ValidationError(f"リンクとして使えません: {'、'.join(bad)}")
        return "\n".join(lines)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", "開始年度より前です。")
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label="資料(PDF、10MBまで)")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ATTACHMENT_BYTES:
            raise forms.ValidationError(f"ファイルが大きすぎます({upload.size // 1024 // 1024}MB)。10MBまでにしてください。")
        if PurePosixPath(upload.name).suffix.lower() != ".pdf":
            raise forms.ValidationError("PDF ファイル(.pdf)だけを添付できます。")
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError("PDF ファイルではありません(中身が PDF の形式になっていません)。")
        return upload


class QuestionForm(forms.Form):
    body = forms.CharField(label="質問", max_length=2000, widget=forms.Textarea(attrs=TEXT))


class AnswerForm(forms.Form):
    answer = forms.CharField(label="回答", max_length=4000, widget=forms.Textarea(attrs=TEXT))


class ContactForm(forms.Form):
    message = forms.CharField(label="聞きたいこと", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    reply_to = forms.CharField(label="返信先(部署・電話・メール)", max_length=200)


class ImportForm(forms.Form):
    # Empty files too: the reader then says so in the problems table, with the file name.
    file = forms.FileField(label="事例の一覧(Excel .xlsx か CSV)", allow_empty_file=True)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("ファイルが大きすぎます(5MBまで)。")
        if PurePosixPath(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError("Excel(.xlsx)か CSV(.csv)のファイルを選んでください。")
        return upload
