"""The notification list (お知らせ). The home page itself is `accounts:home`, which shows the portal's tiles."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kyodo.web.accounts.permissions import member_required
from kyodo.web.portal.models import Notification
from kyodo.web.portal.registry import services

PAGE_SIZE = 50


def _mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return Notification.objects.for_user(request.user).filter(recipient=request.user)


@member_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(_mine(request), PAGE_SIZE).get_page(request.GET.get("page"))
    titles = {s.key: s.title for s in services()}
    return render(request, "portal/notifications.html", {"page": page, "titles": titles})


@member_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    """Mark one (POST id, then follow its link) or all (no id) of the user's notifications as read."""
    rows = _mine(request).filter(read_at__isnull=True)
    pk = request.POST.get("id")
    if pk:
        found = _mine(request).filter(pk=pk if pk.isdigit() else -1).first()
        if found is None:
            return redirect("portal:notifications")
        rows.filter(pk=found.pk).update(read_at=timezone.now())
        if found.url and url_has_allowed_host_and_scheme(found.url, allowed_hosts=None):
            return redirect(found.url)
        return redirect("portal:notifications")
    rows.update(read_at=timezone.now())
    return redirect("portal:notifications")
