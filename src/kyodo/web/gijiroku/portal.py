"""会議録 in the portal: meetings still being transcribed, and failed ones to run again."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kyodo.web.portal.registry import Service, Waiting, register


def _waiting(user: Any) -> list[Waiting]:
    from kyodo.web.gijiroku.models import Meeting, MeetingStatus

    mine = Meeting.objects.for_user(user)
    items = []
    running = mine.filter(status__in=[MeetingStatus.QUEUED, MeetingStatus.RUNNING]).count()
    if running:
        items.append(Waiting("文字起こし中", running, reverse("gijiroku:meeting_list")))
    failed = mine.filter(status=MeetingStatus.FAILED).count()
    if failed:
        items.append(Waiting("失敗した文字起こし", failed, reverse("gijiroku:meeting_list")))
    return items


register(Service("gijiroku", "会議録", "gijiroku:meeting_list",
                 "録音から発言者つきの会議録を作り、整えて DOCX で出力します(外部送信なし)。", order=30,
                 waiting=_waiting))
