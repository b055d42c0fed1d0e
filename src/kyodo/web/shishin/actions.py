"""Audit actions of the guidelines app, written with `kyodo.web.audit.log.record`."""

from django.db import models

from kyodo.web.audit.registry import register


@register
class ShishinAction(models.TextChoices):
    GUIDELINE_CREATE = "shishin_guideline_create", "指針の作成"
    DRAFT_CREATE = "shishin_draft_create", "指針の新しい版の下書き"
    DRAFT_EDIT = "shishin_draft_edit", "指針の下書きの編集"
    PUBLISH = "shishin_publish", "指針の版の公開"
    EDITION_CREATE = "shishin_edition_create", "自治体版の作成"
    EDITION_EDIT = "shishin_edition_edit", "自治体版の編集"
    EDITION_UPDATE = "shishin_edition_update", "自治体版への新しい版の取込み"
    PROPOSAL_CREATE = "shishin_proposal_create", "指針の修正提案"
    PROPOSAL_ANSWER = "shishin_proposal_answer", "修正提案への回答"
    REQUEST_CREATE = "shishin_request_create", "指針の作成要望"
    REQUEST_ANSWER = "shishin_request_answer", "作成要望への回答"
