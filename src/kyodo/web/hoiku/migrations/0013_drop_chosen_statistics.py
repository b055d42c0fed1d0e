# ruff: noqa: RUF012  (Django's Migration classes take class-level lists by design)
"""RunChild.chosen is no longer needed (a facility page reads every facility's lists of a run in one pass, once per
process: `seat_lists`), and planner statistics for the per-child table of runs stored before they were kept up to
date.

Runs now refresh the statistics when they store their rows (`results.refresh_statistics`); without them SQLite
reads a child's row through the organisation index instead of the run's own."""

from django.db import migrations


def analyze(apps, schema_editor):  # type: ignore[no-untyped-def]
    table = schema_editor.quote_name(apps.get_model("hoiku", "RunChild")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=2000")
        cursor.execute(f"ANALYZE {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("hoiku", "0012_runchild_chosen"),
    ]

    operations = [
        migrations.RemoveField(model_name="runchild", name="chosen"),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
