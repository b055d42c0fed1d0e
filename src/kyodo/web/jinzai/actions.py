"""Audit actions of the human cloud, written with `kyodo.web.audit.log.record`.

Registered with the audit app (`kyodo.web.audit.registry`), which labels them on the audit page and refuses any
action that is not registered.
"""

from django.db import models

from kyodo.web.audit.registry import register


@register
class JinzaiAction(models.TextChoices):
    REQUEST_CREATE = "jinzai_request_create", "人材依頼の登録"
    REQUEST_CHANGE = "jinzai_request_change", "人材依頼の変更"
    REQUEST_WITHDRAW = "jinzai_request_withdraw", "人材依頼の取下げ"
    PROFILE_CHANGE = "jinzai_profile_change", "人材情報の変更"
    ABSENCE = "jinzai_absence", "不在期間の変更"
    MATCH_RUN = "jinzai_match_run", "マッチングの実行"
    CONFIRM = "jinzai_confirm", "割当の確定"
    DECLINE = "jinzai_decline", "提案の見送り"
    REPORT = "jinzai_report", "活動記録の提出"
    IMPLEMENTATION_REPORT = "jinzai_impl_report", "実施報告書の提出"
    IMPORT = "jinzai_import", "人材・依頼の一括取込"
    EXPORT = "jinzai_export", "人材・依頼の書き出し"
    COORDINATOR_GRANT = "jinzai_coordinator_grant", "コーディネーターの指名"
    COORDINATOR_REVOKE = "jinzai_coordinator_revoke", "コーディネーターの解除"
    RATING = "jinzai_rating", "満足度の評価"
