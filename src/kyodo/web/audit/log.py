"""Writing the audit log: one call per thing a person did."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kyodo.web.audit import registry
from kyodo.web.audit.models import AuditEntry


def record(
    user: Any,
    action: Any,  # an Action; Any because mypy without Django's plugin reads TextChoices members as tuples
    obj: Any = None,
    *,
    organisation_id: int | None = None,
    **details: Any,
) -> AuditEntry | None:
    """Append one entry. The organisation is the user's unless given; none means nothing to record.

    ValueError for an action no app registered (`registry.register`): it would have no label on the audit page.
    """
    if not registry.is_registered(str(action)):
        raise ValueError(f"audit action {str(action)!r} is not registered; decorate its TextChoices with @register")
    org_id = organisation_id if organisation_id is not None else getattr(user, "organisation_id", None)
    if org_id is None:
        return None
    signed_in = getattr(user, "is_authenticated", False)
    entry: AuditEntry = AuditEntry.objects.create(
        organisation_id=org_id,
        user=user if signed_in else None,
        username=getattr(user, "username", "") or "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        details=details,
    )
    return entry


def record_request(request: HttpRequest, action: Any, obj: Any = None, **details: Any) -> AuditEntry | None:
    return record(request.user, action, obj, **details)
