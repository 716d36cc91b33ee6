"""The application runs as a PostgreSQL role that does not own the tables (issue 15 §15).

As that role (made by `manage.py db_app_role`), the audit trail cannot be truncated, its
trigger cannot be disabled and its rows cannot be deleted, while the ordinary work of the
application (inserting rows, the audit trail included) goes on. PostgreSQL only: SQLite has
no roles (CI's PostgreSQL pass runs it).
"""

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="roles are a PostgreSQL feature"
)

ROLE, PASSWORD = "backoffice_app_test", "app-role-Pass-2026"


@pytest.fixture
def app_connection(transactional_db):
    call_command("db_app_role", ROLE, password=PASSWORD, verbosity=0)
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=ROLE,
        password=PASSWORD,
        autocommit=True,
    )
    try:
        yield conn
    finally:
        conn.close()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {ROLE}")  # its grants and default privileges
            cursor.execute(f"DROP ROLE {ROLE}")


def _refused(conn: psycopg.Connection, sql: str, params: list | None = None) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(sql, params)


INSERT_AUDIT_ROW = """
    INSERT INTO audit_auditevent
        (occurred_at, action, model, object_id, object_repr, changes, note)
    VALUES (now(), 'update', 'accounts.region', '1', 'north', '{}', '')
    RETURNING id
"""


def _insert_audit_row(conn: psycopg.Connection) -> int:
    return conn.execute(INSERT_AUDIT_ROW).fetchone()[0]


def test_the_app_role_owns_nothing_and_cannot_touch_the_audit_trail(app_connection):
    conn = app_connection
    owned = conn.execute(
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [ROLE]
    ).fetchone()[0]
    assert owned == 0

    event = _insert_audit_row(conn)  # the application writes its audit trail
    _refused(conn, "TRUNCATE audit_auditevent")
    _refused(conn, "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL")
    _refused(conn, "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
    _refused(conn, "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent")
    _refused(conn, "DELETE FROM audit_auditevent WHERE id = %s", [event])
    _refused(conn, "UPDATE audit_auditevent SET note = 'x' WHERE id = %s", [event])
    assert conn.execute(
        "SELECT count(*) FROM audit_auditevent WHERE id = %s", [event]
    ).fetchone() == (1,)


def test_the_app_role_cannot_truncate_or_disable_the_ledgers_guard(app_connection):
    conn = app_connection
    _refused(conn, "TRUNCATE ledger_journalentry CASCADE")
    _refused(conn, "ALTER TABLE ledger_receipt DISABLE TRIGGER ALL")


def test_the_app_role_does_the_ordinary_work(app_connection):
    conn = app_connection
    region = conn.execute(
        "INSERT INTO accounts_region (code, name, is_active, created_at, updated_at)"
        " VALUES ('role-test', '测试区', true, now(), now()) RETURNING id"
    ).fetchone()[0]
    conn.execute("UPDATE accounts_region SET name = '测试大区' WHERE id = %s", [region])
    assert conn.execute("SELECT name FROM accounts_region WHERE id = %s", [region]).fetchone() == (
        "测试大区",
    )
    conn.execute("DELETE FROM accounts_region WHERE id = %s", [region])


def test_even_the_owner_cannot_truncate_the_audit_trail(db):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent")


def test_the_app_role_makes_a_years_partitions_but_cannot_change_the_audit_trails(app_connection):
    conn = app_connection
    made = []
    try:
        for table in ("sales_salesfact", "audit_auditevent"):
            assert conn.execute(
                "SELECT backoffice_year_partition(%s::regclass, 2041)", [table]
            ).fetchone() == (True,)
            made.append(f"{table}_y2041")
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE tablename = ANY(%s)", [made]
        ).fetchall()
        assert owners and ROLE not in {owner for (owner,) in owners}  # made as the owner
        # a year made after db_app_role ran has the table's privileges, not more
        for privilege, expected in (("INSERT", True), ("UPDATE", False), ("DELETE", False)):
            assert conn.execute(
                "SELECT has_table_privilege(%s, 'audit_auditevent_y2041', %s)", [ROLE, privilege]
            ).fetchone() == (expected,)
        assert conn.execute(
            "SELECT has_table_privilege(%s, 'sales_salesfact_y2041', 'UPDATE')", [ROLE]
        ).fetchone() == (True,)
        # only a table of the owner's, partitioned by dates: not one the role made
        conn.execute("CREATE TABLE role_made (day date) PARTITION BY RANGE (day)")
        _refused_as(conn, "SELECT backoffice_year_partition('role_made'::regclass, 2041)")
    finally:
        conn.execute("DROP TABLE IF EXISTS role_made")
        with connection.cursor() as cursor:
            for table in made:
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):  # the audit trail's partitions, as db_app_role left
        part = f"audit_auditevent_y{year}"
        assert conn.execute(
            "SELECT has_table_privilege(%s, %s, 'UPDATE') OR has_table_privilege(%s, %s, "
            "'DELETE') OR has_table_privilege(%s, %s, 'TRUNCATE')",
            [ROLE, part] * 3,
        ).fetchone() == (False,)


def _refused_as(conn: psycopg.Connection, sql: str) -> None:
    with pytest.raises(psycopg.errors.RaiseException, match="not a table of ours"):
        conn.execute(sql)


def test_the_app_role_imports_a_history_into_the_empty_tables(app_connection, tmp_path):
    """The first history import, as the application's role: only the tables' owner may drop
    the empty tables' indexes to build them after the rows (sales.history.sql.indexes_after),
    so the role writes with them, and the whole history goes in, its sums by addition
    (exact_sum) included. It failed before with "must be owner of table"."""
    import subprocess
    import sys

    from backoffice.core.tests.processes import ROOT, app_env
    from backoffice.sales.models import HistoryCategory, HistoryLine, HistoryOrder, SalesMonth
    from bench.dataset import Size, generate

    counts = generate(tmp_path / "files", Size(orders=60, customers=8, products=5, reps=3))
    settings = connection.settings_dict
    url = (
        f"postgres://{ROLE}:{PASSWORD}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "import_history", str(tmp_path / "files")],
        env=app_env(tmp_path / "var", DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert HistoryOrder.objects.count() == counts["orders.csv"] == 60
    assert HistoryLine.objects.count() == counts["order_lines.csv"]
    assert HistoryCategory.objects.exists() and SalesMonth.objects.exists()
    owners = app_connection.execute(
        "SELECT DISTINCT tableowner FROM pg_tables WHERE tablename LIKE 'sales_history%'"
    ).fetchall()
    assert ROLE not in {owner for (owner,) in owners}  # it altered none of them
    # the statistics of what it filled, refreshed as their owner (backoffice_analyze)
    analyzed = app_connection.execute(
        "SELECT DISTINCT tablename FROM pg_stats WHERE tablename IN "
        "('sales_historyorder', 'parties_customer', 'sales_salesmonth')"
    ).fetchall()
    assert len(analyzed) == 3, analyzed


def test_the_app_role_refreshes_statistics_of_the_owners_tables_only(app_connection):
    conn = app_connection
    conn.execute("SELECT backoffice_analyze('parties_customer'::regclass)")
    try:
        conn.execute("CREATE TABLE role_made (day date)")
        with pytest.raises(psycopg.errors.RaiseException, match="not a table of ours"):
            conn.execute("SELECT backoffice_analyze('role_made'::regclass)")
    finally:
        conn.execute("DROP TABLE IF EXISTS role_made")
    with connection.cursor() as cursor:  # no one else was given it
        cursor.execute(
            "SELECT has_function_privilege('public', 'backoffice_analyze(regclass)', 'EXECUTE')"
        )
        assert cursor.fetchone() == (False,)
