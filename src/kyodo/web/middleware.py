"""Security headers every response carries, and no caching of what a signed-in user sees."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Only this server's own scripts, styles and images: nothing may be fetched from outside (closed networks), and
# no inline script runs. Inline styles stay allowed because HTMX adds its indicator style at run time.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def content_security_policy(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return middleware


def no_store_for_signed_in(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Cache-Control: no-store on every response to a signed-in user: pages and downloads hold personal data
    (children, households, specialists), which must not stay in a browser's or a proxy's cache on a shared PC.
    Static files are served before this (WhiteNoise) and keep their long cache lifetimes."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"  # HTTP/1.0 proxies
        return response

    return middleware


# A form may carry this much beside its files (fields, multipart headers).
FORM_MARGIN_BYTES = 1024 * 1024


def largest_request_bytes(path: str) -> int:
    """The largest request body a URL accepts: a recording under /gijiroku/, else three table files (a nursery
    round's applications, facilities and sibling combinations) at the table size limit."""
    from django.conf import settings

    from kyodo.tables import DEFAULT_LIMITS

    if path.startswith("/gijiroku/"):
        from kyodo.web.gijiroku.services import max_upload_bytes

        return max_upload_bytes() + FORM_MARGIN_BYTES
    return 3 * getattr(settings, "TABLE_LIMITS", DEFAULT_LIMITS).file_bytes + FORM_MARGIN_BYTES


def request_size_limit(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Refuse (413) a request whose declared size is over what its URL accepts, before a byte of the body is read:
    an oversized upload is not written to disk first. Runs before any view reads the body (CSRF reads it in
    process_view, which comes after every middleware's call)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = largest_request_bytes(request.path)
        if declared > limit:
            from django.shortcuts import render

            return render(request, "413.html", {"limit_mb": limit // (1024 * 1024)}, status=413)
        return get_response(request)

    return middleware
