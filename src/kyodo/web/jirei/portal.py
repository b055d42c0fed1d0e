"""事例の共有 in the portal: contact requests and questions that wait for the user's organisation."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kyodo.web.portal.registry import Service, Waiting, register


def _waiting(user: Any) -> list[Waiting]:
    from kyodo.web.jirei.access import waiting_for

    counts = waiting_for(user)
    items = []
    if counts["contacts"]:
        items.append(Waiting("未読の問い合わせ(この事例について聞きたい)", counts["contacts"], reverse("jirei:contact_list")))
    if counts["questions"]:
        items.append(Waiting("回答を待つ事例への質問", counts["questions"], reverse("jirei:mine")))
    return items


register(Service("jirei", "事例の共有", "jirei:search",
                 "AI・DX の取組で、うまくいったこと・いかなかったことを団体をこえて探し、聞き合います。", order=70,
                 waiting=_waiting))
