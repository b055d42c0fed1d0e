"""Forms of the next round, of the month's vacancies, and the upload with its fiscal year."""

from __future__ import annotations

from typing import Any

from django import forms

from kyodo.hoiku.io.values import MAX_SEATS, parse_id_list
from kyodo.hoiku.model.instance import AGE_CLASSES, Facility
from kyodo.web.hoiku.forms import UploadForm, check_table_size
from kyodo.web.hoiku.models import Phase

MAX_LISTED = 5000  # child ids in one list (a ward has a few thousand applications)


def _ids(text: str, what: str) -> tuple[str, ...]:
    ids = parse_id_list(text)
    if len(ids) > MAX_LISTED:
        raise forms.ValidationError(f"{what}は{MAX_LISTED}件までです")
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise forms.ValidationError(f"{what}に同じ児童番号が2回あります: {'、'.join(duplicated[:10])}")
    return ids


class NextRoundForm(forms.Form):
    title = forms.CharField(label="名称", max_length=100, help_text="例: 令和9年5月入所")
    phase = forms.ChoiceField(label="調整", choices=Phase.choices, initial=Phase.SECOND)
    seed = forms.IntegerField(label="抽選の乱数シード", min_value=0, max_value=2**31 - 1, initial=1)
    withdrawals = forms.CharField(
        label="取り下げる児童番号(申込を取り下げた児童。空白・読点・改行で区切る)", required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    transfers = forms.CharField(
        label="内定後も転園を希望する児童番号(内定した施設を在園施設として、それより上の希望で申し込む)",
        required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )
    added = forms.FileField(
        label="新しい申込のファイル(任意・申込ファイルと同じ形式。引き継ぐ児童と同じ児童番号は申込の変更)",
        required=False, allow_empty_file=True,
    )
    facilities = forms.FileField(
        label="空き定員の施設ファイル(任意・施設ファイルと同じ形式。省略すると前回の残りの枠)",
        required=False, allow_empty_file=True,
    )
    months = forms.IntegerField(
        label="待機月数に加える月数(前回の回からの月数。引き継ぐ世帯の待機月数に加えます。新しい申込の世帯はそのまま)",
        min_value=0, max_value=24, initial=0, required=False,
    )

    def clean_withdrawals(self) -> tuple[str, ...]:
        return _ids(self.cleaned_data.get("withdrawals", ""), "取り下げ")

    def clean_transfers(self) -> tuple[str, ...]:
        return _ids(self.cleaned_data.get("transfers", ""), "転園希望")

    def clean_months(self) -> int:
        return self.cleaned_data.get("months") or 0  # blank: none

    def clean_added(self) -> Any:
        return check_table_size(self.cleaned_data.get("added"), "新しい申込のファイル")

    def clean_facilities(self) -> Any:
        return check_table_size(self.cleaned_data.get("facilities"), "空き定員の施設ファイル")


def vacancy_field(index: int, age: int) -> str:
    return f"v{index}_{age}"


class VacancyForm(forms.Form):
    """One number per facility and age class; blank means the facility takes no children of that class."""

    def __init__(self, facilities: dict[str, Facility], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.facilities = facilities
        for index, facility in enumerate(facilities.values()):
            for age in AGE_CLASSES:
                self.fields[vacancy_field(index, age)] = forms.IntegerField(
                    label=f"{facility.name} {age}歳", required=False, min_value=0, max_value=MAX_SEATS,
                    initial=facility.vacancies.get(age),
                    error_messages={
                        "min_value": f"{facility.name}の{age}歳: 0以上の人数を入れてください",
                        "max_value": f"{facility.name}の{age}歳: {MAX_SEATS:,}人以下にしてください",
                        "invalid": f"{facility.name}の{age}歳: 人数を整数で入れてください",
                    },
                )

    def rows(self) -> list[tuple[Facility, list[forms.BoundField]]]:
        return [
            (facility, [self[vacancy_field(i, age)] for age in AGE_CLASSES])
            for i, facility in enumerate(self.facilities.values())
        ]

    def vacancies(self) -> dict[str, dict[int, int | None]]:
        return {
            facility.id: {age: self.cleaned_data.get(vacancy_field(i, age)) for age in AGE_CLASSES}
            for i, facility in enumerate(self.facilities.values())
        }


class RoundUploadForm(UploadForm):
    """The upload of a round not run yet: its fiscal year may still change to the one the files were made for."""

    fiscal_year = forms.IntegerField(
        label="年度(この利用調整回の年度。申込ファイルの年齢クラスと同じ年度にします)", min_value=2000, max_value=2100,
        required=False,  # blank: the round's year as it is
    )
