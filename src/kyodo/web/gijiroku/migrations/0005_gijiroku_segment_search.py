# ruff: noqa: RUF012  (Django's Migration classes take class-level lists by design)
"""The search index over segments, in each database's own way (kyodo.gijiroku.search: character pairs).

SQLite: an FTS5 table whose rowid is the segment's id, kept in step with `search_text` by triggers, so every way a
segment is written (save, bulk_create, update, delete, a meeting's cascade) updates it.
PostgreSQL: a generated tsvector column ('simple' configuration: the pairs are already normalised) with a GIN
index; the database keeps it in step by itself.
"""

from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE gijiroku_segment_fts USING fts5(search_text, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TRIGGER gijiroku_segment_fts_insert AFTER INSERT ON gijiroku_segment BEGIN "
    "INSERT INTO gijiroku_segment_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER gijiroku_segment_fts_delete AFTER DELETE ON gijiroku_segment BEGIN "
    "DELETE FROM gijiroku_segment_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER gijiroku_segment_fts_update AFTER UPDATE OF search_text ON gijiroku_segment BEGIN "
    "DELETE FROM gijiroku_segment_fts WHERE rowid = old.id; "
    "INSERT INTO gijiroku_segment_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO gijiroku_segment_fts(rowid, search_text) SELECT id, search_text FROM gijiroku_segment",
]
SQLITE_BACK = [
    "DROP TRIGGER IF EXISTS gijiroku_segment_fts_insert",
    "DROP TRIGGER IF EXISTS gijiroku_segment_fts_delete",
    "DROP TRIGGER IF EXISTS gijiroku_segment_fts_update",
    "DROP TABLE IF EXISTS gijiroku_segment_fts",
]
POSTGRES = [
    "ALTER TABLE gijiroku_segment ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX gijiroku_segment_search_gin ON gijiroku_segment USING GIN (search_vector)",
]
POSTGRES_BACK = ["DROP INDEX IF EXISTS gijiroku_segment_search_gin",
                 "ALTER TABLE gijiroku_segment DROP COLUMN search_vector"]


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    from kyodo.gijiroku.search import index_text

    segment = apps.get_model("gijiroku", "Segment")
    rows = list(segment.objects.only("id", "text"))
    for row in rows:
        row.search_text = index_text(row.text)
    segment.objects.bulk_update(rows, ["search_text"], batch_size=500)


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("gijiroku", "0004_gijiroku_member_roles")]

    operations = [
        migrations.AddField(model_name="segment", name="search_text", field=models.TextField(blank=True,
                                                                                             editable=False)),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK})),
    ]
