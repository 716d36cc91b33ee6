"""Gapless document numbers per kind and year, e.g. SO-2026-000001 (STYLE §6).

The counter row is locked for the rest of the caller's transaction, so numbers are given
one at a time, and a rollback returns the number with everything else. Call it on release,
inside the release transaction, never on draft.
"""

from django.db import IntegrityError, connection, transaction

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
