# ruff: noqa: RUF012  (Django's Migration classes take class-level lists by design)
"""Kenshu's own notice table goes: its rows become portal notifications to each active member of the organisation."""

from django.db import migrations


def notices_to_notifications(apps, schema_editor):  # type: ignore[no-untyped-def]
    notice = apps.get_model("kenshu", "Notice")
    notification = apps.get_model("portal", "Notification")
    user = apps.get_model("accounts", "User")
    rows, times = [], []
    for n in notice.objects.all().iterator():
        for u in user.objects.filter(organisation_id=n.organisation_id, is_active=True).exclude(role="platform_admin"):
            rows.append(notification(organisation_id=n.organisation_id, recipient_id=u.pk, service="kenshu",
                                     title=n.text[:200], body=n.text if len(n.text) > 200 else "",
                                     url="/kenshu/"))
            times.append(n.created_at)
    for row, when in zip(notification.objects.bulk_create(rows), times, strict=True):
        notification.objects.filter(pk=row.pk).update(created_at=when)  # keep when it was told


class Migration(migrations.Migration):
    dependencies = [
        ("kenshu", "0001_initial"),
        ("portal", "0001_initial"),
        ("accounts", "0002_seed_organisations"),
    ]

    operations = [
        migrations.RunPython(notices_to_notifications, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notice"),
    ]
