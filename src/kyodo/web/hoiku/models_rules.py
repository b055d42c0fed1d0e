"""An organisation's own versions of its rules (利用調整基準の版), and parity checks against a manual result.

A version stores its rules as the canonical YAML text (`kyodo.hoiku.rules.versions`), the diffable form, with
its example households. Confirming a value (確認済み, who and when) rewrites that value's provenance in the
version's text in place: it changes no point, so it makes no new version; every run keeps the text it used
(`Run.rules_text`), and the audit log keeps who confirmed what and when.
"""
# ruff: noqa: RUF012  (Django's Meta classes take class-level lists by design)

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from kyodo.hoiku.model.labels import NO_RULES as NO_RULES_LABEL
from kyodo.web.tenancy import OrgOwned

if TYPE_CHECKING:
    from kyodo.hoiku.rules import Rules


class RulesOrigin(models.TextChoices):
    SHIPPED = "shipped", "同梱の基準から作成"
    WORKBOOK = "workbook", "ブック(Excel)を取り込み"
    YAML = "yaml", "YAML を取り込み"


def fiscal_year_label(year: int) -> str:
    """2027 → 令和9年度; 2019 → 令和元年度 (a fiscal year starts in April, so 2019 is all 令和)."""
    if year >= 2019:
        n = year - 2018
        return f"令和{'元' if n == 1 else n}年度"
    return f"平成{year - 1988}年度"


class RulesVersion(OrgOwned):
    """One version of an organisation's rules: numbered 第1版, 第2版, … within its fiscal year."""

    fiscal_year = models.PositiveIntegerField("年度")
    number = models.PositiveIntegerField("版")
    title = models.CharField("名称", max_length=60, default="利用調整基準")
    rules_yaml = models.TextField("利用調整基準(YAML)")
    cases_yaml = models.TextField("例(YAML)", blank=True)
    origin = models.CharField("作成方法", max_length=10, choices=RulesOrigin.choices)
    file_name = models.CharField("取り込んだファイル", max_length=200, blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="元の版"
    )
    based_on_shipped = models.CharField("元にした同梱の基準", max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-fiscal_year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fiscal_year", "number"], name="hoiku_rules_version_number"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """e.g. 「江東区 令和9年度 利用調整基準（第2版）」."""
        return f"{self.organisation.name} {fiscal_year_label(self.fiscal_year)} {self.title}（第{self.number}版）"

    def rules(self) -> Rules:
        """The version's Rules, named by its display name (raises RuleError, which a stored text never does)."""
        from kyodo.hoiku.rules.versions import rules_from_text

        return rules_from_text(self.rules_yaml, name=self.display_name, file_name=self.display_name)


@lru_cache(maxsize=16)
def shipped_label(name: str) -> str:
    """A shipped ward's rules as a user reads them, e.g. 「江東区の利用調整基準(同梱の初期値)」: the engine's name
    for them (kyodo.hoiku.model.labels, also in the CLI's workbook), marked as shipped."""
    from kyodo.hoiku.model.labels import rules_label as engine_label

    label = engine_label(name)
    return f"同梱の基準「{name}」(見つかりません)" if label == name else f"{label}(同梱の初期値)"


def rules_label(version: RulesVersion | None, rules_name: str) -> str:
    """What a round or a run shows as its rules: the version's name, the shipped ward's, or none."""
    if version is not None:
        return version.display_name
    return shipped_label(rules_name) if rules_name else NO_RULES_LABEL


class ParityCheck(OrgOwned):
    """A manual result (児童番号・施設番号) compared with a finished run (kyodo.hoiku.tools.parity), kept to revisit."""

    run = models.ForeignKey("Run", on_delete=models.CASCADE, related_name="parity_checks")
    file_name = models.CharField("手作業の結果ファイル", max_length=200)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    children = models.PositiveIntegerField("児童数")
    same = models.PositiveIntegerField("結果が同じ児童")
    report = models.JSONField("比較結果")  # Parity.to_dict(): format kyodo.hoiku.parity/1
    workbook = models.BinaryField()  # parity_xlsx_bytes of the same Parity
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name}との比較"
