"""保育所利用調整 in the portal: the children flagged for staff (要確認) in each round's latest finished run."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kyodo.web.portal.registry import Service, Waiting, register


def _waiting(user: Any) -> list[Waiting]:
    from kyodo.web.hoiku.models import Run, RunChild, RunStatus

    latest: dict[int, Run] = {}
    for run in Run.objects.for_user(user).filter(status=RunStatus.DONE).order_by("round_id", "-number"):
        latest.setdefault(run.round_id, run)
    items = []
    for run in latest.values():
        flagged = RunChild.objects.for_user(user).filter(run=run, flagged=True).count()
        if flagged:
            items.append(Waiting(f"要確認({run.round.title})", flagged, reverse("hoiku:flags", kwargs={"pk": run.pk})))
    return items


register(Service("hoiku", "保育所利用調整", "hoiku:round_list",
                 "申込と施設のファイルから利用調整を行い、結果・理由・要確認を確かめます。", order=10, waiting=_waiting))
