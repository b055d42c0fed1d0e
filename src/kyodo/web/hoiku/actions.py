"""The nursery app's own audit actions: rules versions and parity checks, confirmation, notice archives,
decision imports, what-if, child views and searches, decision previews (the foundation's first ones, round to
download, are in audit.models).

Written with `kyodo.web.audit.log.record`.
"""

from __future__ import annotations

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


@register
class HoikuAction(models.TextChoices):
    RUN_CONFIRM = "hoiku_run_confirm", "利用調整結果の確定"
    RUN_UNCONFIRM = "hoiku_run_unconfirm", "利用調整結果の確定の取消"
    NOTICE_ARCHIVE = "hoiku_notice_archive", "通知書(ZIP)の作成"
    DECISION_IMPORT = "hoiku_decision_import", "職員判断の取り込み"
    DECISION_IMPORT_REJECTED = "hoiku_decision_import_rejected", "職員判断の取り込み(不備あり)"
    WHATIF = "hoiku_whatif", "基準の変更案の比較"
    CHILD_VIEW = "hoiku_child_view", "児童の結果の閲覧"
    CHILD_SEARCH = "hoiku_child_search", "児童の検索"
    PREVIEW = "hoiku_decision_preview", "職員判断の試算"
