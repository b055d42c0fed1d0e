"""The portal: a tile per service with what waits for the user, notifications, one navigation, /healthz."""

from __future__ import annotations

import json
import logging

from django.core import mail
from django.test import Client

from kyodo.web.logs import JsonFormatter
from kyodo.web.portal.models import Notification
from kyodo.web.portal.notify import notify
from kyodo.web.portal.registry import services


def test_the_home_page_shows_every_service_with_what_waits_there(done_run, bob_client):
    from kyodo.web.hoiku.models import RunChild

    flagged = RunChild.objects.for_org(done_run.organisation_id).filter(run=done_run, flagged=True).count()
    body = bob_client.get("/").content.decode()
    for s in services():
        assert f'id="service-{s.key}"' in body and s.title in body
    if flagged:
        assert f"要確認({done_run.round.title}) {flagged}件" in body
    nav = body.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert all(s.title in nav for s in services())  # one navigation, from the same registry


def test_a_notification_reaches_its_recipient_only_and_is_mailed_when_smtp_is_set(
    bob, alice, charlie, bob_client, charlie_client, settings
):
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    bob.email = "bob@example.lg.jp"
    bob.save()
    notify([bob, bob], service="jinzai", title="江東区への支援が確定しました", url="/jinzai/engagements/")
    assert Notification.objects.for_user(bob).count() == 1  # one per person
    assert [m.to for m in mail.outbox] == [["bob@example.lg.jp"]] and "支援が確定" in mail.outbox[0].subject
    home = bob_client.get("/").content.decode()
    assert "江東区への支援が確定しました" in home and 'id="unread">1<' in home
    assert "江東区への支援" not in charlie_client.get("/notifications/").content.decode()
    n = Notification.objects.for_user(bob).get()
    assert charlie_client.post("/notifications/read/", {"id": n.pk}).status_code == 302
    n.refresh_from_db()
    assert n.read_at is None  # another organisation's user cannot even mark it
    response = bob_client.post("/notifications/read/", {"id": n.pk})
    assert response["Location"] == "/jinzai/engagements/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_notify_refuses_unknown_services_and_outside_links(bob):
    import pytest

    with pytest.raises(ValueError, match="unknown portal service"):
        notify([bob], service="nope", title="x")
    with pytest.raises(ValueError, match="inside Kyodo"):
        notify([bob], service="hoiku", title="x", url="https://example.com/")
    assert not Notification.objects.for_user(bob).exists()


def test_without_smtp_nothing_is_mailed(bob, settings):
    settings.EMAIL_ENABLED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    bob.email = "bob@example.lg.jp"
    bob.save()
    notify([bob], service="hoiku", title="利用調整が終わりました")
    assert mail.outbox == []


def test_healthz_reports_database_and_queue_without_a_login(db):
    response = Client().get("/healthz")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["queue"]["ok"]
    assert set(body) == {"status", "database", "queue"}


def test_healthz_says_503_when_the_queue_is_down(db, settings):
    settings.TASK_BACKEND = "rq"  # no django_rq configured in this process: the queue check fails
    response = Client().get("/healthz")
    assert response.status_code == 503 and response.json()["queue"]["ok"] is False


def test_logs_are_one_json_object_a_line():
    record = logging.makeLogRecord({"name": "kyodo.web", "levelname": "WARNING", "msg": "遅い応答 %s", "args": ("/x",),
                                    "status": 503})
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "遅い応答 /x" and entry["status"] == 503 and entry["level"] == "WARNING"
