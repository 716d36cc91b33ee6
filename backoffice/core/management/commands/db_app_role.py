"""Create or refresh the PostgreSQL role the application runs as (issue 15 §15).

The tables belong to the role that runs `migrate` (the owner). The application connects as
another role that may read and write rows but owns nothing, so it can neither TRUNCATE the
audit trail, nor disable or drop a trigger, nor alter a table; on the audit table it may only
SELECT and INSERT. Run this as the owner after each `migrate` (it is idempotent; tables that
later migrations create get the same grants through default privileges):

    DATABASE_URL=postgres://owner@db/backoffice python manage.py migrate
    DATABASE_URL=postgres://owner@db/backoffice python manage.py db_app_role backoffice_app \\
        --password "$APP_DB_PASSWORD"
    # the app servers and workers then use
    DATABASE_URL=postgres://backoffice_app:...@db/backoffice

`--sql` prints the statements instead, for a DBA to run.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from backoffice.core.money import EXACT_SUM_SIGNATURE
from backoffice.core.partitions import ANALYZE_SIGNATURE, FUNCTION_SIGNATURE, partitions

# Rows the application may never change or remove once written.
APPEND_ONLY_TABLES = ["audit_auditevent"]


def app_role_sql(*, role: str, password: str | None, database: str, owner: str) -> list[str]:
    """The statements that make `role` a non-owner with row privileges on `database`."""
    quote = connection.ops.quote_name
    role_q, owner_q, db_q = quote(role), quote(owner), quote(database)
    statements = [
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role.replace("'", "''")}') THEN
                CREATE ROLE {role_q} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT;
            END IF;
        END $$""",
    ]
    if password is not None:
        statements.append(f"ALTER ROLE {role_q} PASSWORD %s")
    statements += [
        f"GRANT CONNECT, TEMPORARY ON DATABASE {db_q} TO {role_q}",
        # CREATE: the history import builds its own staging tables (which it then owns).
        f"GRANT USAGE, CREATE ON SCHEMA public TO {role_q}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role_q}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role_q}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role_q}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA public "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role_q}",
    ]
    for table in APPEND_ONLY_TABLES:  # and each of its partitions, read through or not
        for name in [table, *partitions(table)]:
            statements.append(
                f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {quote(name)} "
                f"FROM {role_q}"
            )
    # next year's partitions are made by the daily job, as the owner (core.partitions)
    statements.append(f"GRANT EXECUTE ON FUNCTION {FUNCTION_SIGNATURE} TO {role_q}")
    # the statistics of the tables it fills (the history import), refreshed as their owner
    statements.append(f"GRANT EXECUTE ON FUNCTION {ANALYZE_SIGNATURE} TO {role_q}")
    # the sums by addition (core.money), whatever the schema's default privileges
    statements.append(f"GRANT EXECUTE ON FUNCTION {EXACT_SUM_SIGNATURE} TO {role_q}")
    return statements


class Command(BaseCommand):
    help = (
        "Create or refresh the PostgreSQL role the application runs as: row privileges on "
        "every table, owner of none, the audit trail insert-only. Run as the tables' owner."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("role", help="the application's role, e.g. backoffice_app")
        parser.add_argument("--password", help="set (or change) the role's password")
        parser.add_argument("--sql", action="store_true", help="print the SQL, change nothing")

    def handle(self, *args, role: str, password: str | None, sql: bool, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("db_app_role is for PostgreSQL (SQLite has no roles).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
        if role == owner:
            raise CommandError("The application's role must not be the tables' owner.")
        statements = app_role_sql(role=role, password=password, database=database, owner=owner)
        if sql:
            for statement in statements:
                self.stdout.write(statement.replace("%s", "'…'") + ";")
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                if "%s" in statement:  # DDL takes no bound parameter: the password quoted here
                    statement = connection.ops.compose_sql(statement, [password])
                cursor.execute(statement)
        self.stdout.write(f"{role}: row privileges granted; owner of the tables: {owner}")
