"""Audit actions of joint training, written with `kyodo.web.audit.log.record`."""

from django.db import models

from kyodo.web.audit.registry import register


@register
class KenshuAction(models.TextChoices):
    COURSE_SAVE = "kenshu_course_save", "研修の登録・変更"
    SESSION_SAVE = "kenshu_session_save", "開催回の登録"
    SURVEY_SAVE = "kenshu_survey_save", "需要調査の作成"
    SURVEY_STATUS = "kenshu_survey_status", "需要調査の段階の変更"
    ANSWER = "kenshu_answer", "需要調査への回答"
    NOMINATE = "kenshu_nominate", "職員の推薦"
    APPROVE = "kenshu_approve", "推薦の承認"
    ALLOCATE = "kenshu_allocate", "座席配分の実行"
    CANCEL = "kenshu_cancel", "受講の取消"
    PROMOTE = "kenshu_promote", "キャンセル待ちからの繰り上げ"
    ATTENDANCE = "kenshu_attendance", "出席の記録"
    CERTIFICATE = "kenshu_certificate", "修了証の発行"
