"""The append-only guard of the audit trail.

Both databases carry a trigger that refuses UPDATE and DELETE on audit rows, and PostgreSQL
one that refuses TRUNCATE (SQLite has none). The owner of the tables could still disable
them, so the application runs as a role that does not own them (`manage.py db_app_role`).
On SQLite the trigger asks the SQL function below whether a purge is allowed; it answers
yes only inside `purge_allowed()`, which the test suite uses to empty its database between
transactional tests (PostgreSQL empties with TRUNCATE as a replica session, where ordinary
triggers do not fire and which only a superuser may start: see the root conftest). A
connection that lacks the function (the sqlite3 shell, another program) fails closed.
"""

import contextlib
import threading
from collections.abc import Iterator

_state = threading.local()


def _purge_allowed() -> int:
    return 1 if getattr(_state, "purge", False) else 0


def install_sqlite_guard(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "backoffice_audit_purge_allowed", 0, _purge_allowed, deterministic=False
        )


@contextlib.contextmanager
def purge_allowed() -> Iterator[None]:
    """Lets this thread delete audit rows on SQLite. For emptying test databases only."""
    _state.purge = True
    try:
        yield
    finally:
        _state.purge = False


SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER audit_auditevent_no_update BEFORE UPDATE ON audit_auditevent
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
    """,
    """
    CREATE TRIGGER audit_auditevent_no_delete BEFORE DELETE ON audit_auditevent
    WHEN backoffice_audit_purge_allowed() = 0
    BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
    "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
]
POSTGRES_TRIGGERS = [
    """
    CREATE FUNCTION audit_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent",
    "DROP FUNCTION IF EXISTS audit_auditevent_append_only()",
]


def create_triggers(apps, schema_editor) -> None:
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}
    for sql in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


POSTGRES_TRUNCATE = """
    CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only()
"""


def create_truncate_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRES_TRUNCATE)


def drop_truncate_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent"
        )
