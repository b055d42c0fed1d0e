"""The run page's 確定, notices (ZIP) and what-if sections, and the engine's code words in Japanese."""

from __future__ import annotations

from typing import Any

from django import template

from kyodo.hoiku.model import labels

register = template.Library()


@register.filter
def rules_label(name: str | None) -> str:
    return labels.rules_label(name)


@register.filter
def method_label(method: str) -> str:
    return labels.method_label(method)


@register.filter
def record_label(field: str) -> str:
    return labels.record_label(field)


@register.filter
def record_value(value: Any, field: str) -> Any:
    """A run record's value as a clerk reads it: the rules and the method by name, hashes per file."""
    if field == "rules_name":
        return labels.rules_label(value, with_name=True)
    if field == "method":
        return labels.method_label(str(value))
    if field == "inputs_sha256" and isinstance(value, dict):
        return "、".join(f"{name}: {digest[:12]}…" for name, digest in value.items())
    if field == "decisions" and isinstance(value, list):
        return f"{len(value)} 件"
    return value


@register.inclusion_tag("hoiku/confirm_section.html", takes_context=True)
def run_documents(context: dict[str, Any], run: Any) -> dict[str, Any]:
    """確定 and the notices of a finished run, for the run page."""
    from kyodo.web.hoiku.confirmation import confirmed_run
    from kyodo.web.hoiku.forms_documents import ArchiveForm
    from kyodo.web.hoiku.models import NoticeArchive, Run

    user = context["request"].user
    archives = NoticeArchive.objects.for_user(user).filter(run=run).defer("data").select_related("created_by")[:10]
    superseding = (Run.objects.for_user(user).only("pk", "number").filter(pk=run.superseded_by_id).first()
                   if run.superseded_by_id else None)
    return {
        "run": run, "user": user, "current": confirmed_run(run.round), "superseding": superseding,
        "archives": archives, "archive_form": ArchiveForm(), "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("hoiku/whatif_section.html", takes_context=True)
def run_whatif(context: dict[str, Any], run: Any) -> dict[str, Any]:
    from kyodo.web.hoiku.models import WhatIf
    from kyodo.web.hoiku.views_whatif import whatif_form

    user = context["request"].user
    return {
        "run": run, "form": whatif_form(run) if run.rules_text or run.rules_name else None,
        "past": WhatIf.objects.for_user(user).filter(run=run).select_related("created_by")[:5],
        "csrf_token": context.get("csrf_token"),
    }
