"""Person-name search through the database's own full-text engine (vigil.people.name_index):
one document of name keys per person, indexed by FTS5 on SQLite and by a GIN index over
to_tsvector('simple', keys) on PostgreSQL. Existing people are indexed from their NameKey rows.
"""

import re

import django.db.models.deletion
from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE people_name_fts USING fts5("
    "keys, content='people_personnameindex', content_rowid='person_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER people_name_fts_insert AFTER INSERT ON people_personnameindex BEGIN "
    "INSERT INTO people_name_fts(rowid, keys) VALUES (new.person_id, new.keys); END",
    "CREATE TRIGGER people_name_fts_delete AFTER DELETE ON people_personnameindex BEGIN "
    "INSERT INTO people_name_fts(people_name_fts, rowid, keys) "
    "VALUES ('delete', old.person_id, old.keys); END",
    "CREATE TRIGGER people_name_fts_update AFTER UPDATE ON people_personnameindex BEGIN "
    "INSERT INTO people_name_fts(people_name_fts, rowid, keys) "
    "VALUES ('delete', old.person_id, old.keys); "
    "INSERT INTO people_name_fts(rowid, keys) VALUES (new.person_id, new.keys); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS people_name_fts_insert",
    "DROP TRIGGER IF EXISTS people_name_fts_delete",
    "DROP TRIGGER IF EXISTS people_name_fts_update",
    "DROP TABLE IF EXISTS people_name_fts",
]
POSTGRES = [
    "CREATE INDEX people_name_tsv ON people_personnameindex "
    "USING gin (to_tsvector('simple'::regconfig, keys))",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS people_name_tsv"]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def _backfill(apps, schema_editor):
    """Index everyone already recorded (the document format of name_index.document)."""
    NameKey = apps.get_model("people", "NameKey")
    PersonNameIndex = apps.get_model("people", "PersonNameIndex")
    words: dict[int, set[str]] = {}
    for person_id, key in NameKey.objects.values_list("person_id", "key").iterator():
        kind, _, value = key.partition(":")
        word = kind + re.sub(r"[^a-z0-9]", "", value.lower())
        if len(word) > 1:
            words.setdefault(person_id, set()).add(word)
    PersonNameIndex.objects.bulk_create(
        [
            PersonNameIndex(person_id=person_id, keys=f" {' '.join(sorted(found))} ")
            for person_id, found in words.items()
        ],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonNameIndex",
            fields=[
                (
                    "person",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="name_index",
                        serialize=False,
                        to="people.person",
                    ),
                ),
                ("keys", models.TextField()),
            ],
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
        migrations.RunPython(_backfill, migrations.RunPython.noop),
    ]
