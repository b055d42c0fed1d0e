"""Audit actions of standardisation, written with `kyodo.web.audit.log.record`."""

from django.db import models

from kyodo.web.audit.registry import register


@register
class HyojunkaAction(models.TextChoices):
    PLAN_CHANGE = "hyojunka_plan_change", "標準化計画の変更"
    STEP_CHANGE = "hyojunka_step_change", "移行手順の完了日の変更"
    SURVEY_UPLOAD = "hyojunka_survey_upload", "進捗調査票の取込"
    FITGAP_UPLOAD = "hyojunka_fitgap_upload", "Fit & Gap の取込"
    MONTHLY_REPORT = "hyojunka_monthly_report", "月次進捗の報告"
    HELP_REQUEST = "hyojunka_help_request", "手順からの人材依頼"
    EXPORT = "hyojunka_export", "標準化ダッシュボードの出力"
