"""確定: an organisation administrator confirms a finished run; only a confirmed run issues final notices.

One run per round is confirmed at a time (a database constraint says so too): confirming another run supersedes
the one confirmed before, which keeps who confirmed it and when, and is shown as superseded. Un-confirming takes
a reason. Who may do it is the views' business (`org_admin_required`); this module keeps the rows consistent.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from kyodo.web.hoiku.models import Round, Run, RunStatus


class ConfirmationError(Exception):
    """Why a run cannot be confirmed or un-confirmed, in Japanese for the page."""


def confirmed_run(round_: Round) -> Run | None:
    """The round's run in force (確定), if any."""
    return (  # type: ignore[no-any-return]
        round_.runs.filter(confirmed_at__isnull=False, unconfirmed_at__isnull=True, superseded_by__isnull=True)
        .defer(*Run.STORED_FILES)
        .first()
    )


def confirm(run: Run, user: Any) -> Run | None:
    """Confirm `run`; returns the run it supersedes (None when no other was confirmed)."""
    with transaction.atomic():
        locked = list(Run.objects.for_org(run.organisation_id).select_for_update().filter(round_id=run.round_id)
                      .defer(*Run.STORED_FILES))
        fresh = next(r for r in locked if r.pk == run.pk)
        if fresh.status != RunStatus.DONE:
            raise ConfirmationError("完了していない実行は確定できません。")
        if fresh.is_confirmed:
            raise ConfirmationError(f"第{fresh.number}回はすでに確定しています。")
        previous = next((r for r in locked if r.is_confirmed), None)
        if previous is not None:
            previous.superseded_by = fresh
            previous.save(update_fields=["superseded_by"])
        fresh.confirmed_by, fresh.confirmed_at = user, timezone.now()
        fresh.unconfirmed_by, fresh.unconfirmed_at, fresh.unconfirm_reason = None, None, ""
        fresh.superseded_by = None
        fresh.save(update_fields=["confirmed_by", "confirmed_at", "unconfirmed_by", "unconfirmed_at",
                                  "unconfirm_reason", "superseded_by"])
    _copy(fresh, run)
    return previous


def unconfirm(run: Run, user: Any, reason: str) -> None:
    """Take back the confirmation of the run in force, with a reason (kept on the run and in the audit log)."""
    reason = reason.strip()
    if not reason:
        raise ConfirmationError("確定を取り消す理由を書いてください。")
    with transaction.atomic():
        fresh = Run.objects.for_org(run.organisation_id).select_for_update().defer(*Run.STORED_FILES).get(pk=run.pk)
        if not fresh.is_confirmed:
            raise ConfirmationError(f"第{fresh.number}回は確定していません。")
        fresh.unconfirmed_by, fresh.unconfirmed_at, fresh.unconfirm_reason = user, timezone.now(), reason
        fresh.save(update_fields=["unconfirmed_by", "unconfirmed_at", "unconfirm_reason"])
    _copy(fresh, run)


def _copy(source: Run, target: Run) -> None:
    for name in ("confirmed_by_id", "confirmed_at", "superseded_by_id", "unconfirmed_by_id", "unconfirmed_at",
                 "unconfirm_reason"):
        setattr(target, name, getattr(source, name))
