# ruff: noqa: RUF012  (Django's Meta and Migration classes take class-level lists by design)
"""The full-text index over the stored tokens, in each database's own way.

SQLite: an FTS5 table (title, body) whose rowid is the case's id, written by `services` on every save and delete.
PostgreSQL: a generated tsvector column (title weight A, body weight B, 'simple' configuration: the tokens are
already normalised by the engine) with a GIN index; the database keeps it in step by itself.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE jirei_case_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')",
    "INSERT INTO jirei_case_fts(rowid, title, body) SELECT id, title_tokens, body_tokens FROM jirei_case",
]
SQLITE_BACK = ["DROP TABLE IF EXISTS jirei_case_fts"]
POSTGRES = [
    "ALTER TABLE jirei_case ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_tokens), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_tokens), 'B')) STORED",
    "CREATE INDEX jirei_case_search_gin ON jirei_case USING GIN (search_vector)",
]
POSTGRES_BACK = ["DROP INDEX IF EXISTS jirei_case_search_gin", "ALTER TABLE jirei_case DROP COLUMN search_vector"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("jirei", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRES}),
                             _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRES_BACK})),
    ]
