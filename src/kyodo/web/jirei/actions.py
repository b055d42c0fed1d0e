"""Audit actions of case sharing, written with `kyodo.web.audit.log.record` (registered with the audit app)."""

from django.db import models

from kyodo.web.audit.registry import register


@register
class JireiAction(models.TextChoices):
    CASE_CREATE = "jirei_case_create", "事例の登録"
    CASE_CHANGE = "jirei_case_change", "事例の変更"
    CASE_PUBLISH = "jirei_case_publish", "事例の公開"
    CASE_UNPUBLISH = "jirei_case_unpublish", "事例の公開の取りやめ"
    CASE_DELETE = "jirei_case_delete", "事例の削除"
    ATTACH = "jirei_attach", "事例への資料の添付"
    DETACH = "jirei_detach", "事例の資料の削除"
    QUESTION = "jirei_question", "事例への質問"
    ANSWER = "jirei_answer", "事例の質問への回答"
    CONTACT = "jirei_contact", "事例についての問い合わせ"
    IMPORT = "jirei_import", "事例の取込"
    EXPORT = "jirei_export", "事例の書き出し"
