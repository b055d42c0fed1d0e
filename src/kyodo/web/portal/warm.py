"""What the portal reads once per process, read before the web server forks (`kyodo.web.serve.warm`).

The navigation of every page links every service's start page. The first `reverse()` in a process builds Django's
reverse lookup of the whole URLconf (tens of milliseconds); done here, the workers inherit it with the start URLs.
"""

from __future__ import annotations


def warm() -> None:
    from kyodo.web.portal.registry import services

    for service in services():
        service.url  # noqa: B018 (the property reverses the URL and keeps it)
