# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)
"""TalentRequest.excluded: the specialists declined for that request. Filled from the proposals declined so far, which
until now kept the specialist away from the whole municipality (through the engine's conflict list)."""

from typing import Any

from django.db import migrations, models


def declined_to_excluded(apps: Any, schema_editor: Any) -> None:
    # Historical models carry Django's plain manager, not the tenancy one: this runs for the system, over every org.
    proposal_model = apps.get_model("jinzai", "Proposal")
    request_model = apps.get_model("jinzai", "TalentRequest")
    excluded: dict[int, set[int]] = {}
    for request_id, specialist_id in proposal_model.objects.filter(status="declined").values_list(
        "request_id", "specialist_id"
    ):
        excluded.setdefault(request_id, set()).add(specialist_id)
    for request in request_model.objects.filter(pk__in=list(excluded)):
        request.excluded = sorted(excluded[request.pk])
        request.save(update_fields=["excluded"])


class Migration(migrations.Migration):
    dependencies = [
        ("jinzai", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="talentrequest",
            name="excluded",
            field=models.JSONField(blank=True, default=list, verbose_name="除外する専門人材"),
        ),
        migrations.RunPython(declined_to_excluded, migrations.RunPython.noop),
    ]
