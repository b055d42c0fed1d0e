from __future__ import annotations

import pytest

from kyodo.web.audit.log import record
from kyodo.web.audit.models import Action, AppendOnlyError, AuditEntry


def test_entries_cannot_be_changed_or_deleted(alice):
    entry = record(alice, Action.DOWNLOAD, kind="csv")
    assert entry is not None
    entry.details = {"kind": "forged"}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.for_user(alice).update(action=Action.LOGIN)
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.for_user(alice).delete()
    assert AuditEntry.objects.for_user(alice).get(pk=entry.pk).details == {"kind": "csv"}


def test_admin_sees_own_organisation_log_only(alice_client, alice, charlie):
    record(alice, Action.DOWNLOAD, kind="workbook-of-koto")
    record(charlie, Action.DOWNLOAD, kind="workbook-of-ota")
    body = alice_client.get("/audit/").content.decode()
    assert "workbook-of-koto" in body and "workbook-of-ota" not in body


def test_staff_cannot_read_the_audit_log(bob_client):
    assert bob_client.get("/audit/").status_code == 403
