"""Database triggers that make the audit table append-only, on PostgreSQL and SQLite."""

from __future__ import annotations

from typing import Any

TABLE = "audit_auditentry"
MESSAGE = "audit log is append-only"

_SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS audit_refuse_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
    f"CREATE TRIGGER IF NOT EXISTS audit_refuse_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_refuse_update;",
    "DROP TRIGGER IF EXISTS audit_refuse_delete;",
]
_POSTGRES_INSTALL = [
    "CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$ "
    f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;",
    f"CREATE OR REPLACE TRIGGER audit_refuse_change BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();",
]
_POSTGRES_REMOVE = [f"DROP TRIGGER IF EXISTS audit_refuse_change ON {TABLE};"]


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_triggers(connection: Any) -> None:
    _run(connection, _POSTGRES_INSTALL if connection.vendor == "postgresql" else _SQLITE_INSTALL)


def remove_triggers(connection: Any) -> None:
    """Only for tests that must empty the database between runs (and to simulate an attacker
    with database-owner rights when proving that tampering is detected)."""
    _run(connection, _POSTGRES_REMOVE if connection.vendor == "postgresql" else _SQLITE_REMOVE)
