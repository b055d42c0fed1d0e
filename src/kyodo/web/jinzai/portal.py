"""専門人材 in the portal: what waits for each role (see `roles.py`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from kyodo.web.portal.registry import Service, Waiting, register


def _waiting(user: Any) -> list[Waiting]:
    from kyodo.web.jinzai import roles
    from kyodo.web.jinzai.models import RequestStatus

    today = timezone.localdate()
    items = []
    if roles.is_coordinator(user):
        n = roles.requests_for(user).filter(status=RequestStatus.OPEN).count()
        if n:
            items.append(Waiting("募集中の依頼", n, reverse("jinzai:board")))
    engagements = list(roles.engagements_for(user).select_related("request"))
    if roles.is_municipal(user):
        late = [e for e in engagements if not e.implementation_report_at and today >= e.last_day]
        if late:
            items.append(Waiting("実施報告書の提出", len(late), reverse("jinzai:engagement_list"),
                                 due=min(e.report_due for e in late)))
    elif roles.specialist_of(user) is not None:
        due = [e for e in engagements if not e.report_at and today >= e.last_day]
        if due:
            items.append(Waiting("活動記録の提出", len(due), reverse("jinzai:engagement_list"),
                                 due=min(e.report_due for e in due)))
    return items


register(Service("jinzai", "専門人材", "jinzai:home",
                 "東京都が登録した専門人材に支援を依頼し、割当・実施報告まで管理します。", order=20, waiting=_waiting))
