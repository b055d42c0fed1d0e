"""Send a notification: in the app always, by e-mail too when an SMTP server is configured.

`notify(users, service="kenshu", title="…", url="/kenshu/…")` — every service calls this one function. E-mail goes
through Django's mail settings (`KYODO_EMAIL_HOST` etc. in settings); with none configured nothing leaves the server
(closed networks). A failed e-mail never loses the in-app notification.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from kyodo.web.portal.models import Notification
from kyodo.web.portal.registry import services

log = logging.getLogger(__name__)


def notify(users: Iterable[Any], *, service: str, title: str, url: str = "", body: str = "") -> list[Notification]:
    known = {s.key for s in services()}
    if service not in known:
        raise ValueError(f"unknown portal service {service!r}")
    if url and not url.startswith("/"):
        raise ValueError("a notification links only inside Kyodo (a path starting with /)")
    rows = [
        Notification(organisation_id=u.organisation_id, recipient=u, service=service, title=title, url=url, body=body)
        for u in {u.pk: u for u in users if u.is_active and u.organisation_id}.values()
    ]
    Notification.objects.bulk_create(rows)
    if settings.EMAIL_ENABLED:
        _email(rows)
    return rows


def _email(rows: list[Notification]) -> None:
    base = settings.KYODO_BASE_URL.rstrip("/")
    for n in rows:
        if not n.recipient.email:
            continue
        text = "\n\n".join(part for part in (n.body, f"{base}{n.url}" if n.url else "") if part)
        try:
            send_mail(f"[Kyodo] {n.title}", text or n.title, None, [n.recipient.email])
        except OSError:
            log.exception("notification mail to user %s failed", n.recipient_id)
            continue
        Notification.objects.for_org(n.organisation_id).filter(pk=n.pk).update(emailed=True)
