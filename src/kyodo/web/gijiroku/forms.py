from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms

from kyodo.web.gijiroku import services
from kyodo.web.gijiroku.models import Mark


class UploadForm(forms.Form):
    title = forms.CharField(label="会議名", max_length=200)
    started_at = forms.DateTimeField(
        label="開始日時", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label="場所", max_length=200, required=False)
    attendees = forms.CharField(
        label="発言者(発言順)", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="例: 議長:山田太郎,事務局:佐藤花子,委員:鈴木一郎(役職:氏名をカンマ区切り。後から変更できます)",
    )
    agenda = forms.CharField(
        label="議題(1行に1つ)", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="会議名・議題・出席者の言葉は、音声認識のヒントと読みによる訂正に使います。",
    )
    speakers_expected = forms.IntegerField(label="発言者の人数", min_value=1, max_value=20, required=False,
                                           help_text="分かれば入力(空欄なら自動で推定します)")
    # Empty files are let through so that the engine's own message (音声ファイルが空です) is shown.
    recording = forms.FileField(label="録音ファイル(wav・mp3・m4a・mp4)", allow_empty_file=True)

    def clean_recording(self) -> Any:
        upload = self.cleaned_data["recording"]
        extension = Path(upload.name).suffix.lower().lstrip(".")
        if extension not in services.EXTENSIONS:
            raise forms.ValidationError(f"wav・mp3・m4a・mp4 の録音ファイルを選んでください(指定: {upload.name})")
        limit = services.max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"録音ファイルが大きすぎます({upload.size / 1024 / 1024:.0f}MB。上限は{limit / 1024 / 1024:.0f}MB)"
            )
        return upload

    def meeting_info(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: data[key] for key in ("title", "started_at", "place", "attendees", "agenda", "speakers_expected")}


class SegmentForm(forms.Form):
    text = forms.CharField(label="会議録の文", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    speaker = forms.IntegerField(label="発言者", min_value=0)
    mark = forms.ChoiceField(label="区分", choices=Mark.choices, required=False)


class TermsForm(forms.Form):
    terms = forms.CharField(
        label="用語(1行に1つ)", required=False, widget=forms.Textarea(attrs={"rows": 12}),
        help_text="地名・委員会名・職員の氏名・事業名など。音声認識にヒントとして渡します。",
    )


class CorrectionsForm(forms.Form):
    corrections = forms.CharField(
        label="訂正リスト(1行に「誤,正,備考」)", required=False, widget=forms.Textarea(attrs={"rows": 12}),
        help_text="例: 交通区,江東区,地名の聞き違い。文字起こしの後に置き換えます(認識結果そのものは残ります)。",
    )


class MemberRolesForm(forms.Form):
    roles = forms.CharField(
        label="議員・委員の役職(1行に1つ)", required=False, widget=forms.Textarea(attrs={"rows": 10}),
        help_text="会議録で「○議長(山田太郎君)」のように氏名に君を付けて書く役職です。ほかの役職は職名だけで"
                  "「○子ども未来部長」と書きます。空にすると標準の役職に戻ります。",
    )
