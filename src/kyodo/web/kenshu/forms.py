# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)
"""Forms of the training pages (labels and messages in Japanese)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from kyodo.jinzai.skills import taxonomy
from kyodo.web.kenshu.models import Course, Survey, TrainingSession


def skill_choices() -> list[tuple[str, str]]:
    return [(s.id, f"{s.name}({s.category})") for s in taxonomy().skills.values()]


class CourseForm(forms.ModelForm):
    skills = forms.MultipleChoiceField(label="DSSのスキル項目", required=False, choices=skill_choices,
                                       widget=forms.SelectMultiple(attrs={"size": 6}))

    class Meta:
        model = Course
        fields = ["title", "description", "standard", "skills", "level", "hours", "format", "prerequisites",
                  "approval_required", "completion_percent", "published"]

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prerequisites"].queryset = choices
        self.fields["prerequisites"].required = False

    def clean_level(self) -> int:
        level = int(self.cleaned_data["level"])
        if not 1 <= level <= 4:
            raise forms.ValidationError("レベルは1〜4にしてください。")
        return level

    def clean_completion_percent(self) -> int:
        value = int(self.cleaned_data["completion_percent"])
        if not 1 <= value <= 100:
            raise forms.ValidationError("1〜100の整数にしてください。")
        return value


class SessionForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["starts_at", "ends_at", "venue", "format", "capacity", "municipal_cap", "host_reserved", "lecturer"]
        widgets = {"starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
                   "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", "終了は開始より後にしてください。")
        if data.get("capacity") is not None and data["capacity"] < 1:
            self.add_error("capacity", "定員は1以上にしてください。")
        if data.get("capacity") and (data.get("host_reserved") or 0) > data["capacity"]:
            self.add_error("host_reserved", "主催団体の枠が定員を超えています。")
        return data


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "fiscal_year", "courses", "answer_deadline", "nomination_deadline"]
        widgets = {"answer_deadline": forms.DateInput(attrs={"type": "date"}),
                   "nomination_deadline": forms.DateInput(attrs={"type": "date"}),
                   "courses": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, choices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = choices


class NominationForm(forms.Form):
    course = forms.ChoiceField(label="研修")
    staff_id = forms.CharField(label="職員番号", max_length=40)
    staff_name = forms.CharField(label="氏名", max_length=80)
    rank = forms.IntegerField(label="団体内順位(1が最優先)", min_value=1, max_value=999)
    session_1 = forms.ChoiceField(label="第1希望の開催回")
    session_2 = forms.ChoiceField(label="第2希望", required=False)
    session_3 = forms.ChoiceField(label="第3希望", required=False)
    waitlisted_before = forms.BooleanField(label="前回この研修でキャンセル待ちになった", required=False)

    def __init__(self, *args: Any, courses: list[Course], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.courses = {str(c.pk): c for c in courses}
        self.fields["course"].choices = [(str(c.pk), c.title) for c in courses]
        options = [("", "—")] + [(str(s.pk), f"{c.title} {timezone.localtime(s.starts_at):%Y-%m-%d %H:%M} {s.get_format_display()}")
                                 for c in courses for s in c.sessions.all()]
        for name in ("session_1", "session_2", "session_3"):
            self.fields[name].choices = options

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        course = self.courses.get(str(data.get("course")))
        wanted = [data.get(f"session_{i}") for i in (1, 2, 3)]
        picked = [int(w) for w in wanted if w]
        if len(set(picked)) != len(picked):
            self.add_error("session_2", "同じ開催回を2回選んでいます。")
        if course is not None:
            own = {s.pk for s in course.sessions.all()}
            if any(p not in own for p in picked):
                self.add_error("session_1", "選んだ研修の開催回を選んでください。")
        data["wanted"] = picked
        data["course_obj"] = course
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消の理由", max_length=200)
