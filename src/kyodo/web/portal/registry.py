"""How a service plugs into the portal: one `Service` per app, registered from the app's own `portal.py`.

A service says what it is called, where it starts, who may use it and what waits for a user there. The home page
shows a tile for each service the user may use, with its waiting items; the navigation on every page lists the same
services in the same order. A new service adds a `portal.py` next to its `urls.py`:

    from kyodo.web.portal.registry import Service, Waiting, register

    def _waiting(user):
        n = Thing.objects.for_user(user).filter(needs_attention=True).count()
        return [Waiting("確認待ち", n, reverse("thing:list"))] if n else []

    register(Service("thing", "サービス名", "thing:home", "一行の説明", order=80, waiting=_waiting))

Notifications (`kyodo.web.portal.notify.notify`) are the other half: something happened that a person should know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import get_script_prefix, reverse


@dataclass(frozen=True)
class Waiting:
    """One thing that waits for the user in a service: 「要確認 5件」, with where to deal with it."""

    label: str
    count: int
    url: str
    due: date | None = None  # shown as 「12月10日まで」 when set

    @property
    def text(self) -> str:
        due = f"({self.due.month}月{self.due.day}日まで)" if self.due else ""
        return f"{self.label} {self.count}件{due}"


def _everyone(user: Any) -> bool:
    return bool(getattr(user, "organisation_id", None))


def _nothing(user: Any) -> list[Waiting]:
    return []


@dataclass(frozen=True)
class Service:
    key: str  # the app's label
    title: str  # 保育所利用調整
    url_name: str  # where the service starts, e.g. "hoiku:round_list"
    description: str  # one line for the home page
    order: int = 100
    visible: Callable[[Any], bool] = field(default=_everyone)  # may this user use it?
    waiting: Callable[[Any], list[Waiting]] = field(default=_nothing)

    @property
    def url(self) -> str:
        return _start_url(self.url_name, get_script_prefix())


@lru_cache(maxsize=256)
def _start_url(url_name: str, prefix: str) -> str:
    """A service's start page (the navigation of every page lists every service): reversed once per process and
    script prefix (the URLconf does not change while the program runs)."""
    return str(reverse(url_name))


_SERVICES: dict[str, Service] = {}


def register(service: Service) -> Service:
    if service.key in _SERVICES and _SERVICES[service.key] != service:
        raise ImproperlyConfigured(f"portal service {service.key!r} is registered twice")
    _SERVICES[service.key] = service
    return service


def services() -> list[Service]:
    return sorted(_SERVICES.values(), key=lambda s: (s.order, s.key))


def services_for(user: Any) -> list[Service]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [s for s in services() if s.visible(user)]
