"""Audit actions of the rules versions and parity checks, written with `kyodo.web.audit.log.record`.

The round, upload, run and decision actions are the foundation's (`kyodo.web.audit.models.Action`).
"""

from django.db import models

from kyodo.web.audit.registry import register


@register
class RulesAction(models.TextChoices):
    VERSION_CREATE = "hoiku_rules_create", "利用調整基準の版の作成"
    VERSION_REJECTED = "hoiku_rules_rejected", "利用調整基準の取込(不備あり)"
    CONFIRM = "hoiku_rules_confirm", "利用調整基準の値の確認"
    DOWNLOAD = "hoiku_rules_download", "利用調整基準のダウンロード"
    PARITY = "hoiku_parity", "手作業の結果との比較"
    PARITY_REJECTED = "hoiku_parity_rejected", "手作業の結果の取込(不備あり)"
    PARITY_DOWNLOAD = "hoiku_parity_download", "比較結果のダウンロード"
