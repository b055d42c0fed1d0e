# ruff: noqa: RUF012  (Django's Migration classes take class-level lists by design)
"""RunFacility: each facility's lists of a run, written with the run's rows; runs stored before get theirs from
their stored per-child rows, by the same `seat_lists.build` the runs use."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from kyodo.web.hoiku.seat_lists import FIELDS, build

    run_model = apps.get_model("hoiku", "Run")
    run_child = apps.get_model("hoiku", "RunChild")
    run_facility = apps.get_model("hoiku", "RunFacility")
    # The plain managers: every organisation's runs (the app's own managers insist on one organisation).
    for run in run_model._base_manager.filter(status="done").only("pk", "organisation_id").iterator():
        lists = build(run_child._base_manager.filter(run_id=run.pk).values(*FIELDS))
        run_facility._base_manager.bulk_create(
            [run_facility(organisation_id=run.organisation_id, run_id=run.pk, facility_id=f, lists=ages)
             for f, ages in sorted(lists.items())], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_seed_organisations"),
        ("hoiku", "0013_drop_chosen_statistics"),
    ]

    operations = [
        migrations.CreateModel(
            name='RunFacility',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('facility_id', models.CharField(max_length=64, verbose_name='施設')),
                ('lists', models.JSONField(default=dict)),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='組織')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='facility_lists', to='hoiku.run')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('run', 'facility_id'), name='hoiku_run_facility_once')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
