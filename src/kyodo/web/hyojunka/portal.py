"""標準化 in the portal: a municipality's monthly progress report until it is sent; for 東京都, who has not reported."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from kyodo.web.portal.registry import Service, Waiting, register


def _waiting(user: Any) -> list[Waiting]:
    from kyodo.web.accounts.models import Organisation
    from kyodo.web.hyojunka import roles
    from kyodo.web.hyojunka.models import MonthlyReport
    from kyodo.web.hyojunka.services import due_day

    today = timezone.localdate()
    month = today.replace(day=1)
    if roles.is_municipal(user):
        if MonthlyReport.objects.for_user(user).filter(month=month).exists():
            return []
        return [Waiting(f"{today.month}月の進捗報告", 1, reverse("hyojunka:home"), due=due_day(today))]
    if roles.in_tokyo(user):
        sent = MonthlyReport.objects.unscoped("Tokyo's dashboard: which municipality reported this month").filter(
            month=month).values("organisation").distinct().count()
        missing = Organisation.objects.exclude(code="130001").count() - sent
        return [Waiting(f"{today.month}月の進捗報告が未提出の団体", missing, reverse("hyojunka:dashboard"))] if missing else []
    return []


register(Service("hyojunka", "標準化", "hyojunka:home",
                 "基幹業務システムの標準化とガバメントクラウド移行: 40手順の進捗、遅延の見込み、Fit&Gap、運用経費。",
                 order=60, waiting=_waiting))
