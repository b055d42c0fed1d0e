"""Forms of the rules pages (start a version, upload one, confirm a value, upload a manual result) and the
choice of rules a round offers: the organisation's versions first, then the shipped wards, then none."""

from __future__ import annotations

from typing import Any

from django import forms

from kyodo.web.hoiku.forms import check_table_size
from kyodo.web.hoiku.models import RulesVersion

VERSION_PREFIX = "version:"
NO_RULES = ("", "なし(申込ファイルに指数が入っている場合)")


def _versions(organisation: Any) -> list[RulesVersion]:
    if organisation is None:
        return []
    return list(RulesVersion.objects.for_org(organisation).select_related("organisation").defer("rules_yaml", "cases_yaml"))


def _shipped() -> list[tuple[str, str]]:
    from kyodo.hoiku.rules import available_rules
    from kyodo.web.hoiku.models_rules import shipped_label

    return [(name, shipped_label(name)) for name in available_rules()]


def own_shipped(organisation: Any) -> str:
    """The shipped ward whose code is the organisation's ("" when it is not one of them)."""
    from kyodo.hoiku.rules import available_rules, load_rules

    code = getattr(organisation, "code", None)
    return next((name for name in available_rules() if code and load_rules(name).code == code), "")


def round_rules_choices(organisation: Any) -> list[tuple[str, str]]:
    versions = [(f"{VERSION_PREFIX}{v.pk}", v.display_name) for v in _versions(organisation)]
    return [*versions, *_shipped(), NO_RULES]


def default_rules_choice(organisation: Any) -> str:
    """The organisation's newest version; without one, its own shipped ward's rules; else none."""
    versions = RulesVersion.objects.for_org(organisation).order_by("-created_at", "-id") if organisation else None
    newest = versions.only("pk").first() if versions is not None else None
    if newest is not None:
        return f"{VERSION_PREFIX}{newest.pk}"
    return own_shipped(organisation)


def split_rules_choice(organisation: Any, value: str) -> tuple[str, RulesVersion | None]:
    """(rules_name, rules_version) of a choice the field already validated against the organisation's."""
    if not value.startswith(VERSION_PREFIX):
        return value, None
    version: RulesVersion = RulesVersion.objects.for_org(organisation).get(pk=int(value.removeprefix(VERSION_PREFIX)))
    return "", version


def _fiscal_year() -> forms.IntegerField:
    return forms.IntegerField(label="年度", min_value=2000, max_value=2100)


def _title() -> forms.CharField:
    return forms.CharField(label="名称", max_length=60, initial="利用調整基準")


class StartForm(forms.Form):
    shipped = forms.ChoiceField(label="元にする同梱の基準")
    fiscal_year = _fiscal_year()
    title = _title()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shipped"].choices = _shipped()


class RulesUploadForm(forms.Form):
    rules = forms.FileField(label="利用調整基準ブック(.xlsx)または YAML(.yaml)", allow_empty_file=True)
    cases = forms.FileField(
        label="例の YAML(任意: YAML で取り込むときの .cases.yaml。ブックでは「例」シートに書きます)",
        required=False,
        allow_empty_file=True,
    )
    fiscal_year = _fiscal_year()
    title = _title()
    based_on = forms.ChoiceField(label="元の版(差分を比べる版)", required=False)

    def __init__(self, *args: Any, organisation: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        choices = [(str(v.pk), v.display_name) for v in _versions(organisation)]
        self.fields["based_on"].choices = [("", "直前の版"), *choices]

    def clean_rules(self) -> Any:
        return check_table_size(self.cleaned_data.get("rules"), "利用調整基準のファイル")

    def clean_cases(self) -> Any:
        return check_table_size(self.cleaned_data.get("cases"), "例のファイル")

    def based_on_version(self) -> RulesVersion | None:
        pk = self.cleaned_data.get("based_on")
        return RulesVersion.objects.for_org(self.organisation).get(pk=int(pk)) if pk else None


class ConfirmForm(forms.Form):
    where = forms.CharField(max_length=200)


class ManualResultForm(forms.Form):
    manual = forms.FileField(
        label="手作業の結果(Excel または CSV: 児童番号・施設番号。施設番号が空欄なら保留)", allow_empty_file=True
    )

    def clean_manual(self) -> Any:
        return check_table_size(self.cleaned_data.get("manual"), "手作業の結果ファイル")
