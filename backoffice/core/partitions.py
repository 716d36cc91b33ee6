# ruff: noqa: S608 - SQL here is built from table and column names of our own (the catalog's);
# values are parameters.
"""Tables partitioned by year on PostgreSQL (issue 19 §5).

The tables that grow with the history (the sales facts and their monthly sums, the imported
lines and their sums by category, the journal lines, the audit trail) are partitioned by
range on their date, one partition a year (`<table>_y2026`), with a default partition
(`<table>_default`) that takes a row of a year not made yet, so that no write ever fails for
want of a partition. A report over three years reads only those years' partitions: the
planner prunes the others from the date conditions.

- `PartitionByYear` is the migration operation. On PostgreSQL it rebuilds the table as a
  partitioned one, with the same columns, checks, indexes, foreign keys, triggers, statistics
  objects and the views that read it; its primary key gains the date column, which every
  key and unique index of a partitioned table must hold. It makes a partition for every year
  its rows have, and for this year and the next. Backwards it makes the plain table again.
  On SQLite it does nothing: the tables stay plain, and the models are the same.
- `backoffice_year_partition(table, year)` (SQL, made by core's migration 0007) adds
  one year to a partitioned table, moving that year's rows out of the default partition if
  any strayed there. It runs as the tables' owner (SECURITY DEFINER), so that the
  application, which owns no table (`manage.py db_app_role`), can call it.
- `years_ensure` calls it for every partitioned table; the daily job keeps next year's
  partitions made a year ahead, and the history import makes those of the years it brings.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, migrations, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Runs as the tables' owner (SECURITY DEFINER) for the application's role: it reads nothing
# through a search path the caller could add to (pg_catalog and pg_temp only, where functions
# and operators are never looked up in pg_temp), names every relation by schema, acts only on
# a table partitioned by a range of one date or time column that its owner owns, and takes
# the company's zone fixed when it was made (ZONE), not from the caller.
FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION backoffice_year_partition(parent regclass, year integer)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp SET lock_timeout = '10s' SET datestyle = 'ISO, YMD'
AS $$
DECLARE
    schema text;
    base text;
    col text;
    kind regtype;
    part text;
    made regclass;
    fallback regclass;
    low text;
    high text;
    strays boolean := false;
    grant_ record;
BEGIN
    SELECT n.nspname, c.relname, a.attname, a.atttypid::regtype,
        NULLIF(p.partdefid, 0)::regclass
    INTO schema, base, col, kind, fallback
    FROM pg_catalog.pg_partitioned_table p
    JOIN pg_catalog.pg_class c ON c.oid = p.partrelid
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_catalog.pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent AND p.partstrat = 'r' AND p.partnatts = 1
        AND c.relowner = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user)
        AND a.atttypid IN ('date'::regtype, 'timestamptz'::regtype);
    IF base IS NULL THEN
        RAISE EXCEPTION '% is not a table of ours partitioned by a range of dates', parent;
    END IF;
    IF year < 1900 OR year > 9998 THEN
        RAISE EXCEPTION 'no partition is made for the year %', year;
    END IF;
    part := base || '_y' || year::text;
    IF to_regclass(format('%I.%I', schema, part)) IS NOT NULL THEN
        RETURN false;
    END IF;
    -- one maker at a time per table; the second finds the partition made
    PERFORM pg_advisory_xact_lock(parent::oid::bigint);
    IF to_regclass(format('%I.%I', schema, part)) IS NOT NULL THEN
        RETURN false;
    END IF;
    IF kind = 'date'::regtype THEN
        low := make_date(year, 1, 1)::text;
        high := make_date(year + 1, 1, 1)::text;
    ELSE
        low := make_timestamptz(year, 1, 1, 0, 0, 0::double precision, ZONE)::text;
        high := make_timestamptz(year + 1, 1, 1, 0, 0, 0::double precision, ZONE)::text;
    END IF;
    -- made apart and attached: attaching locks the table less than PARTITION OF would
    EXECUTE format(
        'CREATE TABLE %I.%I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)',
        schema, part, parent);
    made := format('%I.%I', schema, part)::regclass;
    -- the partition's privileges are the table's (not the owner's default privileges: the
    -- audit trail's partitions stay insert-only for the application)
    FOR grant_ IN
        SELECT CASE WHEN c.oid = made THEN 'REVOKE %s ON %s FROM %s'
            ELSE 'GRANT %s ON %s TO %s' END AS statement, x.grantee, x.privilege_type
        FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) x
        WHERE c.oid IN (made, parent) AND x.grantee <> c.relowner
        ORDER BY c.oid = made DESC  -- the defaults taken away first, then the table's given
    LOOP
        EXECUTE format(grant_.statement, grant_.privilege_type, made,
            CASE WHEN grant_.grantee = 0 THEN 'PUBLIC'
            ELSE quote_ident(pg_get_userbyid(grant_.grantee)) END);
    END LOOP;
    IF fallback IS NOT NULL THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE %I >= %L AND %I < %L)',
            fallback, col, low, col, high) INTO strays;
    END IF;
    IF strays THEN
        -- rows of the year that went to the default partition move to their own; the
        -- append-only triggers do not see a move
        EXECUTE format('ALTER TABLE %s DISABLE TRIGGER USER', fallback);
        EXECUTE format(
            'WITH moved AS (DELETE FROM %s WHERE %I >= %L AND %I < %L RETURNING *) '
            'INSERT INTO %s SELECT * FROM moved', fallback, col, low, col, high, made);
        EXECUTE format('ALTER TABLE %s ENABLE TRIGGER USER', fallback);
    END IF;
    EXECUTE format('ALTER TABLE %s ATTACH PARTITION %s FOR VALUES FROM (%L) TO (%L)',
        parent, made, low, high);
    PERFORM SCHEMA.backoffice_partition_statistics(parent, made);
    RETURN true;
END $$
"""
FUNCTION_SIGNATURE = "backoffice_year_partition(regclass, integer)"
# The planner reads a partition's own statistics, never the partitioned table's statistics
# objects: each partition gets a copy of them (`<partition>_<name>`).
STATISTICS_SQL = """
CREATE OR REPLACE FUNCTION backoffice_partition_statistics(parent regclass, part regclass)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    stat record;
BEGIN
    FOR stat IN
        SELECT n.nspname, s.stxname,
            (SELECT string_agg(CASE k WHEN 'd' THEN 'ndistinct' WHEN 'f' THEN 'dependencies'
                ELSE 'mcv' END, ', ') FROM unnest(s.stxkind) k WHERE k IN ('d', 'f', 'm'))
                AS kinds,
            (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY o.ord)
                FROM unnest(s.stxkeys) WITH ORDINALITY o(attnum, ord)
                JOIN pg_catalog.pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = o.attnum)
                AS columns
        FROM pg_catalog.pg_statistic_ext s
        JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
        WHERE s.stxrelid = parent AND s.stxexprs IS NULL
    LOOP
        EXECUTE format('CREATE STATISTICS IF NOT EXISTS %I.%I (%s) ON %s FROM %s',
            stat.nspname,
            left((SELECT relname FROM pg_catalog.pg_class WHERE oid = part) || '_'
                || stat.stxname::text, 63),
            stat.kinds, stat.columns, part);
    END LOOP;
END $$
"""
STATISTICS_SIGNATURE = "backoffice_partition_statistics(regclass, regclass)"


# The planner's statistics of a table of ours, for the application's role too, which owns
# none (db_app_role) and whose own ANALYZE is skipped with a warning: run as their owner,
# on their owner's tables only. ANALYZE changes no row, and takes a lock that lets rows be
# written meanwhile.
ANALYZE_SQL = """
CREATE OR REPLACE FUNCTION backoffice_analyze(tbl regclass)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = tbl AND c.relkind IN
        ('r', 'p') AND c.relowner = (SELECT r.oid FROM pg_catalog.pg_roles r
        WHERE r.rolname = current_user)) THEN
        RAISE EXCEPTION '% is not a table of ours', tbl;
    END IF;
    EXECUTE format('ANALYZE %s', tbl);
END $$
"""
ANALYZE_SIGNATURE = "backoffice_analyze(regclass)"


def analyze_create(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ANALYZE_SQL, params=None)
        schema_editor.execute(f"REVOKE ALL ON FUNCTION {ANALYZE_SIGNATURE} FROM PUBLIC")


def analyze_drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {ANALYZE_SIGNATURE}")


def owned_tables(tables: Iterable[str], using=None) -> set[str]:
    """Those of `tables` (quoted names; PostgreSQL) that the connection's role may alter: it
    owns them, or is a member of their owner. The application's role owns none
    (db_app_role)."""
    with _connection(using).cursor() as cursor:
        cursor.execute(
            "SELECT t FROM unnest(%s::text[]) t JOIN pg_class c ON c.oid = t::regclass "
            "WHERE pg_has_role(c.relowner, 'USAGE')",
            [list(tables)],
        )
        return {table for (table,) in cursor.fetchall()}


def analyze_statements(
    tables: Iterable[str], *, vacuum: Iterable[str] = (), using=None
) -> list[str]:
    """The statements that refresh the statistics of `tables` (quoted names; PostgreSQL),
    one each, in their order: ANALYZE (VACUUM (ANALYZE) for those also in `vacuum`) where
    the connection's role owns the table, else backoffice_analyze, as their owner (no
    VACUUM: that is autovacuum's then)."""
    tables, vacuum = list(tables), set(vacuum)
    owned = owned_tables(tables, using)
    return [
        (f"VACUUM (ANALYZE) {table}" if table in vacuum else f"ANALYZE {table}")
        if table in owned
        else f"SELECT backoffice_analyze('{table.replace(chr(39), chr(39) * 2)}'::regclass)"
        for table in tables
    ]


def function_create(apps, schema_editor) -> None:
    """Both functions, in the current schema; the company's zone (TIME_ZONE) is written into
    the first one (a change of zone needs the function made again, as the partitions'
    bounds would)."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = cursor.fetchone()[0]
        quote = schema_editor.connection.ops.quote_name
        zone = "'" + settings.TIME_ZONE.replace("'", "''") + "'"
        schema_editor.execute(STATISTICS_SQL, params=None)
        sql = FUNCTION_SQL.replace("ZONE)", f"{zone})").replace("SCHEMA.", f"{quote(schema)}.")
        schema_editor.execute(sql, params=None)
        for signature in (FUNCTION_SIGNATURE, STATISTICS_SIGNATURE):
            schema_editor.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")


def function_drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION_SIGNATURE}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {STATISTICS_SIGNATURE}")


def partitioned_tables(using=None) -> dict[str, str]:
    """Each table of this schema partitioned by a range, with its partitioning column
    (PostgreSQL; none on SQLite)."""
    conn = _connection(using)
    if conn.vendor != "postgresql":
        return {}
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE c.relnamespace = current_schema()::regnamespace AND p.partstrat = 'r' "
            "AND NOT c.relispartition ORDER BY 1"
        )
        return dict(cursor.fetchall())


def partitions(table: str, using=None) -> list[str]:
    """The partitions of `table`, by name."""
    conn = _connection(using)
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass "
            "ORDER BY 1",
            [conn.ops.quote_name(table)],
        )
        return [name for (name,) in cursor.fetchall()]


def years_ensure(
    years: Iterable[int], tables: Iterable[str] | None = None, using=None
) -> list[str]:
    """Makes the partitions of `years` that are missing, in every partitioned table (or
    those of `tables` that are partitioned). Returns the partitions made. A year whose table
    stays locked by others for the function's lock timeout is left for the next day's job
    (its rows wait in the default partition meanwhile), with a warning."""
    conn = _connection(using)
    known = partitioned_tables(using)
    wanted = [t for t in (known if tables is None else tables) if t in known]
    made = []
    for table in wanted:
        for year in sorted(set(years)):
            try:
                with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
                    cursor.execute(
                        "SELECT backoffice_year_partition(%s::regclass, %s)",
                        [conn.ops.quote_name(table), year],
                    )
                    if cursor.fetchone()[0]:
                        made.append(f"{table}_y{year}")
            except OperationalError as error:  # the lock timeout
                logger.warning("%s: the partition of %s is not made yet: %s", table, year, error)
    return made


def partitions_ahead() -> dict[str, Any]:
    """The daily job: this year's and next year's partitions, so that a year's first rows
    never wait for one (made a year ahead, a missed day or month costs nothing), and the
    years of any rows that went to a default partition (a year made late, or a partition
    left for a day by a lock: they move to their year)."""
    year = timezone.localdate().year
    made = []
    for table, column in partitioned_tables().items():
        strays = _stray_years(table, column)
        made += years_ensure({year, year + 1, *strays}, [table])
    return {"made": made}


def _stray_years(table: str, column: str) -> set[int]:
    quote = connection.ops.quote_name
    fetch = _fetcher(connection)
    local = _local(fetch, quote(table), column, quote)
    found = fetch(
        f"SELECT DISTINCT CAST(EXTRACT(YEAR FROM {local}) AS integer) "
        f"FROM {quote(table + '_default')}"
    )
    return {year for (year,) in found if 1900 <= year <= 9998}


def _fetcher(conn):
    """A function that runs one statement on `conn` and returns its rows."""

    def fetch(sql: str, params: list[Any] | None = None) -> list[tuple]:
        with conn.cursor() as cursor:
            cursor.execute(sql, params or [])
            return cursor.fetchall()

    return fetch


def _connection(using):
    if using is None:
        return connection
    from django.db import connections

    return connections[using]


class PartitionByYear(migrations.operations.base.Operation):
    """Makes a model's table partitioned by the year of `column` (PostgreSQL only; the
    state of the models does not change)."""

    reduces_to_sql = False
    reversible = True

    def __init__(self, model_name: str, column: str):
        self.model_name = model_name
        self.column = column

    def deconstruct(self):
        return (self.__class__.__name__, [], {"model_name": self.model_name, "column": self.column})

    def state_forwards(self, app_label, state) -> None:
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            _rebuild(schema_editor, model._meta.db_table, self.column, _key(model))

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            model = to_state.apps.get_model(app_label, self.model_name)
            _rebuild(schema_editor, model._meta.db_table, None, _key(model))

    def describe(self) -> str:
        return f"Partition {self.model_name} by the year of {self.column} (PostgreSQL)"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name.lower()}_partitioned"


def _key(model) -> list[str]:
    pk = model._meta.pk
    fields = getattr(pk, "fields", None) or [pk]
    return [field.column for field in fields]


def _rebuild(schema_editor, table: str, column: str | None, key: list[str]) -> None:
    """Rebuilds `table` as a table partitioned by the year of `column` (or, with None, as a
    plain table again), keeping its rows and everything defined on it."""
    conn = schema_editor.connection
    quote = conn.ops.quote_name

    fetch = _fetcher(conn)
    ex = schema_editor.execute
    q = quote(table)
    old = f"{table}__unpartitioned" if column else f"{table}__partitioned"
    referring = fetch(
        "SELECT conname, conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
        "AND confrelid = %s::regclass",
        [q],
    )
    if referring:
        raise ValueError(f"{table} cannot be partitioned: {referring} refer to it")
    indexes = fetch(
        "SELECT pg_get_indexdef(i.indexrelid), con.conname, con.contype, "
        "pg_get_constraintdef(con.oid) FROM pg_index i "
        "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid "
        "AND con.conrelid = i.indrelid WHERE i.indrelid = %s::regclass ORDER BY 1",
        [q],
    )
    foreign = fetch(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY 1",
        [q],
    )
    triggers = fetch(
        "SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
        "AND NOT tgisinternal AND tgparentid = 0 ORDER BY tgname",
        [q],
    )
    statistics = fetch(
        "SELECT stxname, pg_get_statisticsobjdef(oid) FROM pg_statistic_ext "
        "WHERE stxrelid = %s::regclass",
        [q],
    )
    views = fetch(
        "WITH RECURSIVE v(oid, depth) AS ("
        " SELECT r.ev_class, 1 FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
        " WHERE d.classid = 'pg_rewrite'::regclass AND d.refobjid = %s::regclass "
        " AND r.ev_class <> d.refobjid "
        " UNION SELECT r.ev_class, v.depth + 1 FROM v JOIN pg_depend d "
        " ON d.refobjid = v.oid AND d.classid = 'pg_rewrite'::regclass "
        " JOIN pg_rewrite r ON r.oid = d.objid WHERE r.ev_class <> v.oid) "
        "SELECT c.relname, c.relkind, pg_get_viewdef(c.oid), MAX(v.depth) FROM v "
        "JOIN pg_class c ON c.oid = v.oid GROUP BY 1, 2, 3 ORDER BY 4, 1",
        [q],
    )
    if any(kind != "v" for _, kind, _, _ in views):
        raise ValueError(f"{table} cannot be rebuilt: a materialized view reads it")
    identities = [
        name
        for (name,) in fetch(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass "
            "AND attidentity <> '' AND NOT attisdropped",
            [q],
        )
    ]
    for name, _, _, _ in reversed(views):
        ex(f"DROP VIEW {quote(name)}")
    ex(f"ALTER TABLE {q} RENAME TO {quote(old)}")
    partitioned = f" PARTITION BY RANGE ({quote(column)})" if column else ""
    ex(
        f"CREATE TABLE {q} (LIKE {quote(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        f"INCLUDING IDENTITY INCLUDING STORAGE INCLUDING COMMENTS){partitioned}"
    )
    if column:
        ex(f"CREATE TABLE {quote(table + '_default')} PARTITION OF {q} DEFAULT")
        local = _local(fetch, quote(old), column, quote)
        found = fetch(
            f"SELECT DISTINCT CAST(EXTRACT(YEAR FROM {local}) AS integer) FROM {quote(old)}"
        )
        this_year = timezone.localdate().year
        # the years the rows have (one outside 1900–9998 stays in the default partition)
        years = {year for (year,) in found if 1900 <= year <= 9998} | {this_year, this_year + 1}
        for year in sorted(years):
            ex("SELECT backoffice_year_partition(%s::regclass, %s)", [q, year])
    overriding = " OVERRIDING SYSTEM VALUE" if identities else ""
    ex(f"INSERT INTO {q}{overriding} SELECT * FROM {quote(old)}")
    # each identity goes on from where the old one was (not from the greatest id kept: the
    # ids of rows deleted at the end are never given again)
    last_values = {}
    for name in identities:
        sequence = fetch("SELECT pg_get_serial_sequence(%s, %s)", [quote(old), name])[0][0]
        last_values[name] = fetch(f"SELECT last_value, is_called FROM {sequence}")[0]
    ex(f"DROP TABLE {quote(old)}")
    for name, (last_value, is_called) in last_values.items():
        sequence = fetch("SELECT pg_get_serial_sequence(%s, %s)", [q, name])[0][0]
        if sequence.split(".")[-1].strip('"') != f"{table}_{name}_seq":
            ex(f"ALTER SEQUENCE {sequence} RENAME TO {quote(f'{table}_{name}_seq')}")
        ex(
            "SELECT setval(pg_get_serial_sequence(%s, %s), %s, %s)",
            [q, name, last_value, is_called],
        )
    ex("SET LOCAL maintenance_work_mem = '256MB'")
    for definition, constraint, kind, constraint_definition in indexes:
        if kind == "p":
            columns = key + ([column] if column and column not in key else [])
            ex(
                f"ALTER TABLE {q} ADD CONSTRAINT {quote(constraint)} PRIMARY KEY "
                f"({', '.join(quote(c) for c in columns)})"
            )
        elif kind:  # a unique or exclusion constraint (it must hold the column)
            ex(f"ALTER TABLE {q} ADD CONSTRAINT {quote(constraint)} {constraint_definition}")
        else:
            ex(definition)
    for name, definition in foreign:
        ex(f"ALTER TABLE {q} ADD CONSTRAINT {quote(name)} {definition}")
    for (definition,) in triggers:
        ex(definition)
    for _, definition in statistics:
        ex(definition)
    if column and statistics:  # and each partition's copies of them
        for part in partitions(table, using=conn.alias):
            ex("SELECT backoffice_partition_statistics(%s::regclass, %s::regclass)", [q, part])
    for name, _, definition, _ in views:
        ex(f"CREATE VIEW {quote(name)} AS {definition}")
    ex("SET LOCAL maintenance_work_mem = DEFAULT")
    ex(f"ANALYZE {q}")


def _local(fetch, table: str, column: str, quote) -> str:
    """`column` as a date or a local time (a timestamptz, in the company's zone)."""
    kind = fetch(
        "SELECT atttypid::regtype::text FROM pg_attribute WHERE attrelid = %s::regclass "
        "AND attname = %s",
        [table, column],
    )[0][0]
    if kind == "date":
        return quote(column)
    zone = settings.TIME_ZONE.replace("'", "")
    return f"({quote(column)} AT TIME ZONE '{zone}')"
