# ruff: noqa: RUF012  (Django's Migration classes take class-level lists by design)
"""RunChild.chosen: the chosen facilities' ids as text, so that a facility page reads only its applicants.

Rows stored before get it from their stored choices."""

from django.db import migrations, models

SEP = "\x1f"  # models.CHOSEN_SEP


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    run_child = apps.get_model("hoiku", "RunChild")
    batch = []
    for row in run_child.objects.only("pk", "choices").iterator(chunk_size=2000):
        ids = [str(c.get("facility_id", "")) for c in row.choices or [] if c.get("facility_id")]
        row.chosen = SEP + SEP.join(ids) + SEP if ids else ""
        batch.append(row)
        if len(batch) >= 2000:
            run_child.objects.bulk_update(batch, ["chosen"])
            batch = []
    run_child.objects.bulk_update(batch, ["chosen"])


class Migration(migrations.Migration):
    dependencies = [
        ("hoiku", "0011_runchild_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="runchild",
            name="chosen",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
