"""Seed 東京都 and the 62 municipalities (data from kyodo.municipalities)."""
# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)

from django.db import migrations


def seed(apps, schema_editor):
    from kyodo.web.accounts.organisations import organisation_rows

    Organisation = apps.get_model("accounts", "Organisation")
    for code, name, kind in organisation_rows():
        Organisation.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})


def unseed(apps, schema_editor):
    # Organisations may already own data; removing them is never automatic.
    pass


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
