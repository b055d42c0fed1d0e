"""A shared cache of rendered page bodies, for pages whose content is fixed by a few stored facts.

A finished nursery run never changes, so its result pages are the same for every user of the organisation until
something around it changes (a staff decision, another run of the round). `cached_page(marker)` wraps such a view:

1. `marker(request, **kwargs)` runs first, on every request: it fetches the object for the user's organisation
   (404 for anyone else, before any cache read) and returns what the page depends on (its "marker"), or None when
   the page must not be cached (e.g. the run is still running).
2. The key is the organisation, the user's role, the view, the path and query string, the marker and the code's
   version (a digest of the web package's source and templates, so a deploy never serves pages of the old code).
3. On a hit, only the part of the page inside `{% block content %}` (between the markers of base.html) and the
   title come from the cache; base.html for this request goes around it: navigation, the user's name, unread
   notifications and messages (`page_shell`, kept per user and what it shows). The CSRF token of the user who
   first rendered the page is stored as a placeholder and replaced by this request's token.
4. On a miss the view runs as usual; a 200 HTML response is stored. Requests of this process that miss the same
   key while it is being rendered wait for that rendering (up to WAIT_SECONDS) rather than render it again, and so
   do other processes (a mark "rendering" in the shared cache; they look for the page every POLL_SECONDS): when
   fifty users open a result page at once it is rendered once, not fifty times or once per process.

The page inside `{% block content %}` may depend only on the organisation's data named by the marker, the role,
the path and the query string: never on the user's own name or anything else per user.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from kyodo.web import page_shell

View = Callable[..., HttpResponse]
Marker = Callable[..., tuple[Any, ...] | None]

TIMEOUT = 8 * 60 * 60  # a working day; entries of a finished run would stay valid for ever
WAIT_SECONDS = 5.0  # the longest a request waits for another thread's or process's rendering of the same page
POLL_SECONDS = 0.02  # how often a process waiting for another's rendering looks in the shared cache
START, END = "<!--kyodo:content-->", "<!--/kyodo:content-->"
TOKEN = "<!--kyodo:csrf-token-->"
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the web package's Python files and templates: pages cached by other code are never served."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".html")):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_key(request: HttpRequest, view: str, organisation_id: int, marker: tuple[Any, ...]) -> str:
    query = sorted(request.GET.lists())
    role = getattr(request.user, "role", "")
    parts = repr((code_version(), view, role, request.path, query, marker))
    return f"page:{organisation_id}:{hashlib.sha256(parts.encode()).hexdigest()}"


class LocalPages:
    """The most recently used pages of this process, up to a number of characters, in front of the shared cache.

    Always right without any invalidation: a key names everything its page depends on (a changed decision makes a
    new key), so an entry is never stale, only unused; it saves the round trip to Redis for the pages in use."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars, self.chars = max_chars, 0
        self.pages: OrderedDict[str, dict[str, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> dict[str, str] | None:
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: dict[str, str]) -> None:
        size = len(page["content"]) + len(page["title"])
        if size > self.max_chars:
            return
        with self.lock:
            if key in self.pages:
                return
            self.pages[key] = page
            self.chars += size
            while self.chars > self.max_chars:
                _, old = self.pages.popitem(last=False)
                self.chars -= len(old["content"]) + len(old["title"])

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.chars = 0


LOCAL = LocalPages(max_chars=16 * 1024 * 1024)  # at most some 50 MB of Japanese text per process


class Renderings:
    """The keys this process is rendering now, each with an event set when its page is stored (or given up)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: dict[str, threading.Event] = {}

    def claim(self, key: str) -> tuple[bool, threading.Event]:
        """(True, event) for the first to miss the key: it renders; (False, event) for the others: they wait."""
        with self.lock:
            event = self.events.get(key)
            if event is not None:
                return False, event
            event = self.events[key] = threading.Event()
            return True, event

    def done(self, key: str, event: threading.Event) -> None:
        with self.lock:
            self.events.pop(key, None)
        event.set()


RENDERING = Renderings()


def cached_page(marker: Marker) -> Callable[[View], View]:
    """Cache the content of a view's page; `marker` is the organisation check and says what the page depends on.

    `marker` returns (organisation_id, *what the page depends on), or None to render without the cache."""

    def decorate(view: View) -> View:
        name = f"{view.__module__}.{view.__qualname__}"

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            facts = marker(request, *args, **kwargs)  # the organisation check: before any cache read
            if facts is None or request.method != "GET":
                return view(request, *args, **kwargs)
            key = page_key(request, name, facts[0], facts[1:])
            stored = LOCAL.get(key)
            if stored is None:
                stored = cache.get(key)
                if stored is not None:
                    LOCAL.put(key, stored)
            if stored is not None:
                return from_cache(request, stored)
            first, event = RENDERING.claim(key)
            if not first:
                event.wait(WAIT_SECONDS)
                stored = LOCAL.get(key)
                return from_cache(request, stored) if stored is not None else view(request, *args, **kwargs)
            held = False
            try:
                stored, held = rendered_elsewhere(key)
                if stored is not None:
                    LOCAL.put(key, stored)
                    return from_cache(request, stored)
                response = view(request, *args, **kwargs)
                part = cacheable_part(response)
                if part is not None:
                    cache.set(key, part, TIMEOUT)
                    LOCAL.put(key, part)
            finally:
                if held:
                    cache.delete(f"{key}:rendering")
                RENDERING.done(key, event)
            return response

        return wrapped

    return decorate


def rendered_elsewhere(key: str) -> tuple[dict[str, str] | None, bool]:
    """Across processes: (the page, False) when another process rendered it while this one waited, else
    (None, True) with the shared mark "rendering" held by this process, or (None, False) when the wait ran out.

    The mark is an entry added only if absent (Redis SET NX), which expires by itself if its process dies."""
    mark = f"{key}:rendering"
    if cache.add(mark, os.getpid(), WAIT_SECONDS):
        return None, True
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        stored = cache.get(key)
        if stored is not None:
            return stored, False
        if cache.add(mark, os.getpid(), WAIT_SECONDS):  # the other process gave up (an error, not a 200 page)
            return None, True
    return None, False


def cacheable_part(response: HttpResponse) -> dict[str, str] | None:
    """The title and content of a rendered page, with its CSRF token as a placeholder; None if not cacheable."""
    if response.status_code != 200 or response.streaming or not response.get("Content-Type", "").startswith(
        "text/html"
    ):
        return None
    html = response.content.decode(response.charset or "utf-8")
    start, end, title = html.find(START), html.rfind(END), _TITLE.search(html)
    if start < 0 or end < start or title is None:
        return None
    body = html[start + len(START):end]
    token = _CSRF.search(html)
    if token is not None:
        body = body.replace(token.group(1), TOKEN)
    return {"title": title.group(0), "content": body}


def from_cache(request: HttpRequest, stored: dict[str, str]) -> HttpResponse:
    """base.html for this request (`page_shell`) around the stored title and content."""
    token = get_token(request)
    html = page_shell.shell(request, code_version()).replace(page_shell.CSRF_SLOT, token)
    html = _TITLE.sub(lambda _: stored["title"], html, count=1)
    return HttpResponse(html.replace(page_shell.CONTENT_SLOT, stored["content"].replace(TOKEN, token), 1))
