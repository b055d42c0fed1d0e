# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)
"""The action's choices come from every app's registered actions (`registry.choices`), no longer a fixed list.

Choices live in Python only: nothing in the table changes, and no entry is touched (the log stays append-only).
"""

from django.db import migrations, models

import kyodo.web.audit.registry


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(choices=kyodo.web.audit.registry.choices, max_length=30, verbose_name="操作"),
        ),
    ]
