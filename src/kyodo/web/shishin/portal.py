"""What waits for a user in the guidelines app, for the portal's home page and notifications.

`waiting(user)` lists `Waiting` items (the portal's type): editions of the user's organisation with a newer upstream version to take in;
for 東京都's editors, proposals and requests still to answer. The shishin home page shows the same list.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kyodo.web.portal.registry import Service, Waiting, register
from kyodo.web.shishin import access
from kyodo.web.shishin.models import Edition, ProposalStatus, RequestStatus


def waiting(user: Any) -> list[Waiting]:
    items: list[Waiting] = []
    for ed in Edition.objects.for_user(user).select_related("guideline"):
        behind = access.published_after(ed.current().upstream)
        if behind:
            items.append(Waiting(f"「{ed.guideline.title}」に更新があります: 東京都の新しい版", behind,
                                 reverse("shishin:edition_detail", args=[ed.pk])))
    if access.is_editor(user):
        proposals = access.proposals_for(user).filter(status=ProposalStatus.OPEN).count()
        if proposals:
            items.append(Waiting("回答を待つ指針への修正提案", proposals, reverse("shishin:proposal_list")))
        requests = access.requests_for(user).filter(status=RequestStatus.OPEN).count()
        if requests:
            items.append(Waiting("回答を待つ指針の作成の要望", requests, reverse("shishin:request_list")))
    return items


register(Service("shishin", "指針", "shishin:home",
                 "東京都の指針を自団体向けに整え、東京都の改訂を文ごとに取り込みます。", order=50, waiting=waiting))
