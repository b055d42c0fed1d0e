"""base.html around a cached page's content (`kyodo.web.page_cache`): rendered once per user and what it shows.

The shell of a page (navigation, the organisation and user's names, the unread count, the logout form) is the same
on every page a user opens, except for the CSRF token and the service marked as current. Rendering it through the
template engine and the context processors took about half of a cached page's time, so it is kept per process,
keyed by everything base.html shows:

- the code's version (a deploy changes base.html);
- the user's and the organisation's stored fields (name, role, organisation name; any change makes a new key);
- the services the navigation lists for the user, and which of them is current (`portal.context`);
- the unread notification count (read on every request, as the context processor does).

The CSRF token is a placeholder in the kept shell, replaced by this request's token. A request with messages
waiting is rendered in full (they are shown once), as is one without a signed-in user.

base.html may show only what that key covers; anything else per request must go into the key.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from kyodo.web.lru import LRU
from kyodo.web.portal.context import current_service, unread_count
from kyodo.web.portal.registry import services_for

CSRF_SLOT = "kyodoShellCsrfToken"  # letters only: HTML escaping leaves it as it is
CONTENT_SLOT = "<!--kyodo:cached-content-->"
TEMPLATE = "page_cache_shell.html"


def _fields(obj: Model | None) -> tuple[Any, ...] | None:
    return None if obj is None else tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields)


def shell_key(request: HttpRequest, version: str) -> tuple[Any, ...] | None:
    """What the shell shows for this request, or None when it must be rendered in full."""
    storage = getattr(request, "_messages", None)
    if storage is not None and len(storage):  # reads them without marking them shown
        return None
    user = request.user
    if not user.is_authenticated or not getattr(user, "organisation_id", None):
        return None
    services = services_for(user)
    return (version, _fields(user), _fields(user.organisation),  # type: ignore[union-attr]
            tuple(s.key for s in services), current_service(request.path, services), unread_count(request))


# Rendered shells by key, the most recently used kept (a user's shell is a few KB).
SHELLS: LRU[tuple[Any, ...], str] = LRU(size=2000)


def shell(request: HttpRequest, version: str) -> str:
    """base.html for this request with CONTENT_SLOT where the content goes and CSRF_SLOT for the token."""
    key = shell_key(request, version)
    found = SHELLS.get(key) if key is not None else None
    if found is not None:
        return found
    html: str = render_to_string(TEMPLATE, {"page_content": mark_safe(CONTENT_SLOT), "csrf_token": CSRF_SLOT},
                                 request)
    if key is not None:
        SHELLS.put(key, html)
    return html
