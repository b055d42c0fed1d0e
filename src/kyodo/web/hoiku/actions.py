"""Audit actions of the nursery app beyond the foundation's (`kyodo.web.audit.models.Action`).

Registered with the audit app (`kyodo.web.audit.registry`), which labels them on the audit page.
"""

from django.db import models

from kyodo.web.audit.registry import register


@register
class HoikuAction(models.TextChoices):
    CHILD_VIEW = "hoiku_child_view", "児童の結果の閲覧"
    CHILD_SEARCH = "hoiku_child_search", "児童の検索"
    PREVIEW = "hoiku_decision_preview", "職員判断の試算"
