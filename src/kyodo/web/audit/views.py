from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kyodo.web.accounts.permissions import org_admin_required
from kyodo.web.audit import registry
from kyodo.web.audit.describe import describe
from kyodo.web.audit.models import AuditEntry


@org_admin_required
def entry_list(request: HttpRequest) -> HttpResponse:
    entries = AuditEntry.objects.for_user(request.user).select_related("user")
    action = request.GET.get("action", "")
    if registry.is_registered(action):
        entries = entries.filter(action=action)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    page.object_list = describe(page.object_list)
    return render(request, "audit/list.html", {"page": page, "actions": registry.choices(), "action": action})
