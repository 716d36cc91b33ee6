"""Gapless document numbers per kind and year, e.g. SO-2026-000001 (STYLE §6).

The counter row is locked for the rest of the caller's transaction, so numbers are given
one at a time, and a rollback returns the number with everything else. Call it on release,
inside the release transaction, never on draft.
"""

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction

from backoffice.core.models import DocumentCounter

NUMBER_WIDTH = 6


def format_number(*, kind: str, year: int, sequence: int) -> str:
    return f"{kind}-{year}-{sequence:0{NUMBER_WIDTH}d}"


def _increment(kind: str, year: int) -> int | None:
    # One statement that both takes the row lock and reads the new value (both databases
    # support RETURNING); this runs on every release, so it skips the ORM.
    table = connection.ops.quote_name(DocumentCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 - table name only
            "WHERE kind = %s AND year = %s RETURNING last_number",
            [kind, year],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def next_number(*, kind: str, year: int) -> str:
    """The next number of `kind` in `year`. Must run inside transaction.atomic()."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    sequence = _increment(kind, year)
    if sequence is None:
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(kind=kind, year=year, last_number=1)
        except IntegrityError:
            # Another transaction created the counter first: wait for its lock, then count on.
            sequence = _increment(kind, year)
        else:
            sequence = 1
    return format_number(kind=kind, year=year, sequence=sequence)


def numbers_taken_in(
    table: str, column: str, *, kind: str, using: str = DEFAULT_DB_ALIAS
) -> dict[int, int]:
    """Numbers of `kind` that rows of `table` already carry (an import's, written in the form
    `format_number` gives: SO-2025-000123) are never given again: each year's counter is
    moved past the highest of them, in the caller's transaction. A number of another form
    moves nothing; nor does one of more than six digits, which only a year of a million
    documents reaches (so a mistyped number cannot push a counter out of its range).
    Returns {year: highest sequence found}."""
    if not kind.isalnum():
        raise ValueError(f"a document kind of letters and digits, not {kind!r}")
    connection = connections[using]
    quote = connection.ops.quote_name
    number = quote(column)
    start = len(kind) + 7  # the sequence's first character: KIND-YYYY-
    if connection.vendor == "postgresql":
        form = f"{number} ~ '^{kind}-[0-9]{{4}}-[0-9]{{{NUMBER_WIDTH}}}$'"
    else:  # GLOB matches the whole text
        form = f"{number} GLOB '{kind}-{'[0-9]' * 4}-{'[0-9]' * NUMBER_WIDTH}'"
    # a CASE, so that nothing of another form is ever cast (the WHERE's order is the planner's)
    year = f"CASE WHEN {form} THEN CAST(SUBSTR({number}, {len(kind) + 2}, 4) AS integer) END"
    sequence = f"CASE WHEN {form} THEN CAST(SUBSTR({number}, {start}) AS integer) END"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT year, MAX(sequence) FROM (SELECT {year} AS year, {sequence} AS sequence "  # noqa: S608 - names only
            f"FROM {quote(table)} WHERE {number} LIKE %s) numbers "
            "WHERE sequence IS NOT NULL GROUP BY year",
            [f"{kind}-%"],
        )
        found = {year: most for year, most in cursor.fetchall() if most}
        counter = quote(DocumentCounter._meta.db_table)
        greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        for year_found, most in sorted(found.items()):  # in one order: the rows' locks too
            cursor.execute(
                f"INSERT INTO {counter} (kind, year, last_number) VALUES (%s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (kind, year) DO UPDATE SET last_number = "
                f"{greatest}({counter}.last_number, excluded.last_number)",
                [kind, year_found, most],
            )
    return found
