"""Kyodo's URLs plus one view that fails, for the 500 page tests (tests/web/test_error_pages.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from kyodo.web.urls import urlpatterns as kyodo_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [*kyodo_urlpatterns, path("boom/", boom)]
