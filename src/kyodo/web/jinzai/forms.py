"""Forms of the human cloud: the requirement template, profiles (own and coordinators'), absences, decisions."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django import forms
from django.utils import timezone

from kyodo.jinzai import load_policy
from kyodo.jinzai.check import program_cap_hours
from kyodo.jinzai.model import Mode as EngineMode
from kyodo.jinzai.skills import taxonomy
from kyodo.municipalities import MUNICIPALITIES
from kyodo.web.jinzai.models import HomeArea, Mode, SpecialistModes, Unit, Urgency

SKILL_ROWS = 3  # skills a request may name; more than three is rarely one specialist's job


def skill_choices() -> list[tuple[str, str]]:
    tax = taxonomy()
    return [("", "—")] + [(s.id, f"{s.category} / {s.name}") for s in tax.skills.values()]


def level_choices(with_none: bool) -> list[tuple[int, str]]:
    levels = [(lv, f"レベル{lv}: {text}") for lv, text in taxonomy().levels.items()]
    return [(0, "なし"), *levels] if with_none else levels


class RequestForm(forms.Form):
    """The requirement template (依頼のひな形). Program caps are checked here, as the engine's readers do."""

    title = forms.CharField(label="件名", max_length=100)
    category = forms.CharField(label="相談分野", max_length=40, required=False,
                               help_text="例: 標準化・ガバメントクラウド移行、データ活用、セキュリティ")
    purpose = forms.CharField(label="目的", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    deliverable = forms.CharField(label="成果物", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    mode = forms.ChoiceField(label="支援形態", choices=Mode.choices)
    amount = forms.IntegerField(label="工数", min_value=1, max_value=1000)
    unit = forms.ChoiceField(label="工数の単位", choices=Unit.choices)
    start = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))
    urgency = forms.ChoiceField(label="緊急度", choices=Urgency.choices)
    preferred = forms.TypedChoiceField(label="希望する人材(任意)", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, directory: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["preferred"].choices = [("", "指定しない(東京都に任せる)"), *directory]
        for i in range(1, SKILL_ROWS + 1):
            self.fields[f"skill_{i}"] = forms.ChoiceField(label=f"必要なスキル{i}", choices=skill_choices(),
                                                         required=i == 1)
            self.fields[f"level_{i}"] = forms.TypedChoiceField(label=f"最低レベル{i}", coerce=int,
                                                              choices=level_choices(False), initial=2)

    def skill_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"skill_{i}"], self[f"level_{i}"]) for i in range(1, SKILL_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        skills: dict[str, int] = {}
        for i in range(1, SKILL_ROWS + 1):
            skill = data.get(f"skill_{i}")
            if not skill:
                continue
            if skill in skills:
                self.add_error(f"skill_{i}", "同じスキルが2回選ばれています")
            skills[skill] = int(data.get(f"level_{i}") or 1)
        data["skills"] = skills
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "終了日は開始日以降にしてください")
        mode, amount, unit = data.get("mode"), data.get("amount"), data.get("unit")
        if mode and amount and unit:
            policy = load_policy()
            hours = amount * policy.hours_per_day if unit == Unit.DAYS else amount
            if hours > program_cap_hours(policy, EngineMode(mode)):
                cap = f"{policy.onsite_days_cap}日" if mode == Mode.ONSITE else f"{policy.remote_hours_cap}時間"
                self.add_error("amount", f"{mode}支援は1案件{cap}までです(制度の上限)。依頼を分けてください。")
        return data


class ProfileForm(forms.Form):
    """What a specialist keeps up to date about themself: weekly availability, modes, area and skills."""

    availability = forms.IntegerField(label="週に稼働できる量", min_value=0, max_value=60)
    availability_unit = forms.ChoiceField(label="単位", choices=[("時間", "時間/週"), ("日", "日/週")])
    modes = forms.ChoiceField(label="対応形態", choices=SpecialistModes.choices)
    home_area = forms.ChoiceField(label="拠点地域", choices=HomeArea.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for skill in taxonomy().skills.values():
            self.fields[f"skill__{skill.id}"] = forms.TypedChoiceField(
                label=skill.name, coerce=int, choices=level_choices(True), initial=0, required=False
            )

    @staticmethod
    def initial_for(specialist: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "availability": specialist.hours_per_week, "availability_unit": "時間",
            "modes": specialist.modes, "home_area": specialist.home_area,
        }
        initial |= {f"skill__{k}": v for k, v in specialist.skills.items()}
        return initial

    def skill_groups(self) -> list[tuple[str, list[Any]]]:
        groups: dict[str, list[Any]] = {}
        for skill in taxonomy().skills.values():
            groups.setdefault(f"{skill.category} / {skill.subcategory}", []).append(self[f"skill__{skill.id}"])
        return list(groups.items())

    def hours_per_week(self) -> int:
        amount = int(self.cleaned_data["availability"])
        return amount * load_policy().hours_per_day if self.cleaned_data["availability_unit"] == "日" else amount

    def skills(self) -> dict[str, int]:
        return {
            skill_id: int(self.cleaned_data.get(f"skill__{skill_id}") or 0)
            for skill_id in taxonomy().skills
            if int(self.cleaned_data.get(f"skill__{skill_id}") or 0) > 0
        }


class CoordinatorProfileForm(ProfileForm):
    """What Tokyo's coordinators keep in addition: identity, account, conflicts of interest, load and limits."""

    name = forms.CharField(label="氏名", max_length=80)
    role_type = forms.ChoiceField(label="人材類型", required=False)
    username = forms.CharField(label="利用者名(東京都のアカウント、任意)", max_length=150, required=False)
    current_load_hours = forms.IntegerField(label="他の業務で埋まっている週の時間", min_value=0, max_value=60,
                                            initial=0)
    conflicts = forms.MultipleChoiceField(
        label="利益相反のある団体", required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        choices=[(m.code, m.name) for m in MUNICIPALITIES],
    )
    max_cases = forms.IntegerField(label="1回の計画での上限件数(任意)", min_value=0, max_value=50, required=False)
    active = forms.BooleanField(label="マッチングの対象にする", required=False, initial=True)

    field_order: ClassVar[list[str]] = ["name", "role_type", "username", "availability", "availability_unit", "modes", "home_area",
                   "current_load_hours", "conflicts", "max_cases", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role_type"].choices = [("", "—"), *taxonomy().role_types.items()]

    @staticmethod
    def initial_for(specialist: Any) -> dict[str, Any]:
        initial = ProfileForm.initial_for(specialist)
        initial |= {
            "name": specialist.name, "role_type": specialist.role_type,
            "username": specialist.user.username if specialist.user_id else "",
            "current_load_hours": specialist.current_load_hours, "conflicts": specialist.conflicts,
            "max_cases": specialist.max_cases, "active": specialist.active,
        }
        return initial


class AbsenceForm(forms.Form):
    start = forms.DateField(label="開始日", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="終了日", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="メモ", max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "終了日は開始日以降にしてください")
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(label="見送りの理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError("理由を書いてください")
        return reason


class ReportForm(forms.Form):
    """The specialist's own activity record (活動記録)."""

    report = forms.CharField(label="活動記録", widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)


class ImplementationReportForm(forms.Form):
    """The municipality's 実施報告書 (filed within a week of the last day of support)."""

    support_end = forms.DateField(label="支援の最終日", widget=forms.DateInput(attrs={"type": "date"}))
    report = forms.CharField(label="実施報告書(支援の内容・成果・今後の課題)",
                             widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)

    def __init__(self, *args: Any, start: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start = start

    def clean_support_end(self) -> date:
        value: date = self.cleaned_data["support_end"]
        if self.start and value < self.start:
            raise forms.ValidationError("支援の最終日が依頼の開始日より前です。")
        if value > timezone.localdate():
            raise forms.ValidationError("支援の最終日が未来の日付です。支援が終わってから提出してください。")
        return value


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="満足度", coerce=int,
        choices=[(5, "5 とても満足"), (4, "4 満足"), (3, "3 ふつう"), (2, "2 やや不満"), (1, "1 不満")],
    )
    comment = forms.CharField(label="コメント", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                              required=False)
