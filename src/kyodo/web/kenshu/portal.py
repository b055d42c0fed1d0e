"""研修 in the portal: the annual cycle's next step for the user's organisation, and its training notices."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kyodo.web.portal.registry import Service, Waiting, register


def _waiting(user: Any) -> list[Waiting]:
    from kyodo.web.kenshu import notices
    from kyodo.web.kenshu.models import DemandAnswer, Survey, SurveyStatus

    items = []
    surveys = Survey.objects.unscoped("Tokyo's annual surveys are read by every organisation").filter(
        status__in=[SurveyStatus.OPEN, SurveyStatus.NOMINATING])
    answered = set(DemandAnswer.objects.for_user(user).values_list("survey_id", flat=True))
    for s in surveys:
        if s.status == SurveyStatus.OPEN and s.pk not in answered:
            items.append(Waiting(f"需要調査「{s.title}」への回答", 1, reverse("kenshu:survey_list"), due=s.answer_deadline))
        elif s.status == SurveyStatus.NOMINATING:
            items.append(Waiting(f"「{s.title}」の推薦", 1, reverse("kenshu:nominate"), due=s.nomination_deadline))
    unread = notices.unread(user).count()
    if unread:
        items.append(Waiting("研修のお知らせ", unread, reverse("kenshu:home")))
    return items


register(Service("kenshu", "研修", "kenshu:home",
                 "東京都と区市町村の合同研修: 需要調査・推薦・公平な座席配分・出席・修了証。", order=40, waiting=_waiting))
