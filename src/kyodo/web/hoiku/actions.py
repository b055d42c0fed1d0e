"""The nursery app's own audit actions (the foundation's first ones, round to download, are in audit.models)."""

from __future__ import annotations

from django.db import models

from kyodo.web.audit.registry import register


@register
class HoikuAction(models.TextChoices):
    RUN_CONFIRM = "hoiku_run_confirm", "利用調整結果の確定"
    RUN_UNCONFIRM = "hoiku_run_unconfirm", "利用調整結果の確定の取消"
    NOTICE_ARCHIVE = "hoiku_notice_archive", "通知書(ZIP)の作成"
    DECISION_IMPORT = "hoiku_decision_import", "職員判断の取り込み"
    DECISION_IMPORT_REJECTED = "hoiku_decision_import_rejected", "職員判断の取り込み(不備あり)"
    WHATIF = "hoiku_whatif", "基準の変更案の比較"
