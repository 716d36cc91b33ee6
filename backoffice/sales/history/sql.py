# ruff: noqa: S608 - SQL here is built from table and column names of our own; values are
# always parameters.
"""The SQL the steps share: running statements, the two databases' differences (patterns,
fences, statistics, SQLite's amount functions), and checks over a staged file that report
each bad row by file, line and column."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction

from backoffice.catalog.models import Product
from backoffice.core.money import line_amounts, sql_sum
from backoffice.core.partitions import analyze_statements, owned_tables
from backoffice.parties.models import Customer
from backoffice.sales.history.context import LINE_NO_RE, PER_CHECK, Run, number_pattern
from backoffice.sales.models import HistoryCategory, HistoryLine, HistoryOrder, SalesOrder


def execute(sql: str, params: Any = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


def scalar(sql: str, params: Any = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        row = cursor.fetchone()
    return row[0] if row else None


def fetch(sql: str, params: Any = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "customer": quote(Customer._meta.db_table),
        "product": quote(Product._meta.db_table),
        "user": quote(get_user_model()._meta.db_table),
        "order": quote(SalesOrder._meta.db_table),
        "history_order": quote(HistoryOrder._meta.db_table),
        "history_line": quote(HistoryLine._meta.db_table),
        "history_category": quote(HistoryCategory._meta.db_table),
    }


def fence(run: Run) -> str:
    """Ends a subquery that PostgreSQL must plan on its own (OFFSET 0): without it a
    LIMIT outside invites a plan that expects to stop early, which over a million good
    rows means a million index probes; or expressions are computed once per use."""
    return " OFFSET 0" if run.postgres else ""


def big_statements() -> None:
    """For the rest of the transaction (PostgreSQL): big hash aggregates and joins in
    memory, no JIT compiling."""
    execute("SET LOCAL work_mem = '256MB'")
    execute("SET LOCAL jit = off")


def analyze(run: Run, table: str) -> None:
    """Statistics of a table just filled, from a small sample: enough for row counts and
    join plans, at a tenth of the default's cost (also as the application's role, which
    owns no table: core.partitions.analyze_statements)."""
    if not run.postgres:
        execute(f"ANALYZE {table}")
        return
    execute("SET LOCAL default_statistics_target = 10")
    for sql in analyze_statements([table]):
        execute(sql)
    execute("SET LOCAL default_statistics_target = DEFAULT")


def sqlite_functions() -> None:
    """On SQLite, line amounts in exact decimals by core.money's one rule (PostgreSQL's
    numeric ROUND gives the same, half away from zero)."""

    def gross(quantity, price):
        amounts = line_amounts(quantity=str(quantity), unit_price=str(price), vat_rate=0)
        return str(amounts.gross_amount)

    def net(quantity, price, rate):
        amounts = line_amounts(quantity=str(quantity), unit_price=str(price), vat_rate=str(rate))
        return str(amounts.net_amount)

    connection.ensure_connection()
    connection.connection.create_function("history_gross", 2, gross, deterministic=True)
    connection.connection.create_function("history_net", 3, net, deterministic=True)


def sums_of(*columns: str, then: str) -> str:
    """The exact sums of the numeric `columns`, each named as its column (core.money.sql_sum:
    two thirds of SUM's time over many small groups on PostgreSQL), then `then`."""
    summed = [f"{sql_sum(column, connection.vendor)} AS {column}" for column in columns]
    return ", ".join([*summed, then])


def matches(run: Run, expression: str) -> str:
    return f"{expression} ~ %s" if run.postgres else f"{expression} REGEXP %s"


def is_number(run: Run, expression: str, whole: int, decimals: int) -> tuple[str, list]:
    """SQL true when the text is 1 to `whole` digits, then optionally a point and 1 to
    `decimals` digits (the pattern of number_pattern()). On PostgreSQL by counting
    characters: a million lines' regexes cost a second, this a third of it."""
    if not run.postgres:
        return matches(run, expression), [number_pattern(whole, decimals)]
    dot = f"strpos({expression}, '.')"
    return (
        f"CASE translate({expression}, '0123456789', '') "
        f"WHEN '' THEN length({expression}) BETWEEN 1 AND {whole} "
        f"WHEN '.' THEN {dot} BETWEEN 2 AND {whole + 1} "
        f"AND length({expression}) - {dot} BETWEEN 1 AND {decimals} ELSE false END",
        [],
    )


def is_line_no(run: Run, expression: str) -> tuple[str, list]:
    """SQL true for a whole number from 1 to 9999, leading zeros allowed (LINE_NO_RE)."""
    if not run.postgres:
        return matches(run, expression), [LINE_NO_RE]
    return (
        f"(translate({expression}, '0123456789', '') = '' "
        f"AND length(ltrim({expression}, '0')) BETWEEN 1 AND 4)",
        [],
    )


def check(run: Run, name: str, field: str, message: str, where: str, params: Any = ()) -> None:
    """Report the lines of a staged file WHERE the condition holds; %(value)s in the
    message is the cell's text."""
    checks(run, name, [(field, message, where, params)])


def checks(run: Run, name: str, rules: list[tuple[str, str, str, Any]]) -> None:
    """Several (field, message, condition, params) rules in one pass over the file."""
    tests = ", ".join(f"CASE WHEN {where} THEN 1 ELSE 0 END" for _f, _m, where, _p in rules)
    values = ", ".join(run.columns[name][field] for field, _m, _w, _p in rules)
    either = " OR ".join(f"({where})" for _f, _m, where, _p in rules)
    params = [p for _f, _m, _w, ps in rules for p in ps]
    found = fetch(  # all bad rows (mostly none), then the first: see fence()
        f"SELECT * FROM (SELECT {run.order_keys[name]} AS at, {values}, {tests} "
        f"FROM {run.staged[name]} WHERE {either}{fence(run)}) x "
        f"ORDER BY at LIMIT {PER_CHECK}",
        params + params,
    )
    lines = line_numbers(run, name, [at for at, *_cells in found])
    for at, *cells in found:
        for index, (field, message, _w, _p) in enumerate(rules):
            if cells[len(rules) + index]:
                run.problem(name, lines[at], field, message % {"value": cells[index]})


def line_numbers(run: Run, name: str, keys: list[Any]) -> dict[Any, int]:
    """The file's line of each row named by its order key (see files.create_stage)."""
    if run.order_keys[name] == "line" or not keys:
        return {key: key for key in keys}
    return dict(
        fetch(
            f"SELECT at, line FROM (SELECT ctid AS at, ROW_NUMBER() OVER (ORDER BY ctid) "
            f"+ 1 AS line FROM {run.staged[name]}) r WHERE at = ANY(%s::tid[])",
            [keys],
        )
    )


@contextmanager
def indexes_after(run: Run, *tables: type[models.Model]) -> Iterator[None]:
    """On PostgreSQL, the indexes of the tables still empty (the first import) built once
    they are filled, instead of grown row by row: 200,000 orders go into a table without
    indexes in a sixth of the time, and each index is then built by one sort. Made and
    dropped in the import's transaction, so a failed import leaves them as they were. An
    empty table so taken over is locked until the import ends (its readers wait), and is
    in `run.taken_empty` until then: its writers insert, with no ON CONFLICT (which has no
    unique index to go by meanwhile), each statement's keys being its own. A table with
    rows keeps its indexes, and one that another table's foreign key refers to too. A
    unique index that the rows break fails its building with IntegrityError, in a
    savepoint: the transaction can still be read. Only the tables' owner may drop their
    indexes: the application's own role (db_app_role) takes the empty tables over with
    their indexes in place (a key written twice fails at once)."""
    if not run.postgres:
        yield
        return
    quote = connection.ops.quote_name
    built = []
    for model in tables:
        table = model._meta.db_table
        empty = f"SELECT NOT EXISTS (SELECT 1 FROM {quote(table)})"
        if not scalar(empty):
            continue
        # locked first, then looked at again: a row added meanwhile keeps the indexes
        execute(f"LOCK TABLE {quote(table)} IN ACCESS EXCLUSIVE MODE")
        if not scalar(empty):
            continue
        run.taken_empty.add(table)
        if not owned_tables([quote(table)]):
            continue
        found = fetch(
            "SELECT i.indexrelid::regclass::text, con.conname, "
            "pg_get_indexdef(i.indexrelid), pg_get_constraintdef(con.oid) FROM pg_index i "
            "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid "
            "AND con.conrelid = i.indrelid WHERE i.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' "
            "AND f.confrelid = i.indrelid)",
            [quote(table)],
        )
        for index, constraint, index_sql, constraint_sql in found:
            if constraint:
                execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(constraint)}")
                built.append(
                    f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(constraint)} "
                    f"{constraint_sql}"
                )
            else:
                execute(f"DROP INDEX {index}")
                # a partitioned table's index is given ON ONLY the table: built again on
                # its partitions too
                built.append(index_sql.replace(" ON ONLY ", " ON ", 1))
    yield
    if built:
        execute("SET LOCAL maintenance_work_mem = '256MB'")
        with transaction.atomic():
            for sql in built:
                execute(sql)
        execute("SET LOCAL maintenance_work_mem = DEFAULT")
    run.taken_empty.clear()
