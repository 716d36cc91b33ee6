"""Rows nobody waits on, written together (docs/decisions/0011).

A step of a service ends with rows that nothing in it reads again: its audit events, the
notifications it sends, a new review's excluded authors. Each was an INSERT of its own, so
a round trip of its own to the database. Inside `writes_together()` (as a decorator, under
the service's `transaction.atomic`) they wait, and go as the block ends: on PostgreSQL in
one statement (each table's INSERT but the last a data-modifying WITH of the last),
elsewhere one INSERT per table. The rows of one table go in one INSERT, in the order they
were given, so their ids keep that order. Nothing goes when the block raises: its
transaction keeps nothing either. A block inside another joins it; if it raises and the
outer block goes on, what it gave is dropped.

Plain INSERTs only: no upsert (two of one step could meet on one row), nothing that takes
locks in an order that matters. A row given inside a savepoint the block did not open (a
`transaction.atomic` within it) is written at once, so that its rollback takes it back too.
Only rows that nothing in the block reads: a row handed over is not in the database until
the block ends.
"""

import functools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.fields import NOT_PROVIDED

from backoffice.core.prepared import insert_head, insert_values

# At most this many values in one statement (PostgreSQL binds 65,535; SQLite 32,766).
MOST_VALUES = 30_000


@dataclass
class _Pending:
    savepoints: int  # how deep the transaction's savepoints were when the block began
    rows: dict[str, list[Sequence[Any]]] = field(default_factory=dict)  # INSERT → its rows


_pending: ContextVar[_Pending | None] = ContextVar("writes_together", default=None)


@contextmanager
def writes_together() -> Iterator[None]:
    """The rows handed to `insert_later` inside go together as the block ends."""
    pending = _pending.get()
    if pending is not None:  # joins the block around it; drops its own rows if it raises
        marks = {insert: len(rows) for insert, rows in pending.rows.items()}
        try:
            yield
        except BaseException:
            for insert in list(pending.rows):
                if insert not in marks:
                    del pending.rows[insert]
                else:
                    del pending.rows[insert][marks[insert] :]
            raise
        return
    token = _pending.set(_Pending(savepoints=len(connection.savepoint_ids)))
    try:
        yield
        pending = _pending.get()
    finally:
        _pending.reset(token)
    if pending.rows:
        _execute(pending.rows)


def insert_later(insert: str, row: Sequence[Any]) -> None:
    """`insert` ("INSERT INTO t (a, b, …)") of one row of values: with the block's other
    rows as it ends, or now outside a block (or inside a savepoint the block did not open)."""
    pending = _pending.get()
    if pending is None or len(connection.savepoint_ids) != pending.savepoints:
        _execute({insert: [row]})
        return
    pending.rows.setdefault(insert, []).append(row)


def insert_instances_later(instances: Iterable[Model]) -> None:
    """New instances of a model inserted as `insert_later` inserts rows; none is given its
    id (their `pk` stays None): for rows nothing reads back here (notifications). Fields
    take their values as a save would (`pre_save`: auto_now_add); an expression is refused.
    The instances of one call go in one INSERT, in a step or not."""
    with writes_together():  # in one INSERT, even outside a step
        for instance in instances:
            _insert_instance_later(instance)


def _insert_instance_later(instance: Model) -> None:
    model = type(instance)
    fields = _insert_fields(model)
    row = insert_values(instance, fields, connection)
    if row is None:
        raise TypeError(
            f"insert_instances_later: {model._meta.label} has an expression or a field "
            "placing its own value"
        )
    insert_later(insert_head(model, tuple(f.column for f in fields), connection.alias), row)


@functools.cache
def _insert_fields(model: type[Model]) -> tuple[Any, ...]:
    meta = model._meta
    fields = tuple(
        f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field
    )
    if any(f.db_default is not NOT_PROVIDED for f in fields):
        raise TypeError(f"insert_instances_later: {meta.label} has a database default")
    return fields


def _statements(rows_by_insert: dict[str, list[Sequence[Any]]]) -> list[tuple[str, list]]:
    """Each INSERT with its rows' VALUES, as many rows a statement as MOST_VALUES allows."""
    statements = []
    for insert, rows in rows_by_insert.items():
        width = len(rows[0])
        mark = f"({', '.join(['%s'] * width)})"
        step = max(1, MOST_VALUES // width)
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            values = [value for row in chunk for value in row]
            statements.append((f"{insert} VALUES {', '.join([mark] * len(chunk))}", values))
    return statements


def _execute(rows_by_insert: dict[str, list[Sequence[Any]]]) -> None:
    statements = _statements(rows_by_insert)
    with connection.cursor() as cursor:
        together = sum(len(params) for _, params in statements) <= MOST_VALUES
        if connection.vendor == "postgresql" and len(statements) > 1 and together:
            *before, (last, _) = statements
            ahead = ", ".join(f"w{n} AS ({sql})" for n, (sql, _) in enumerate(before))
            cursor.execute(f"WITH {ahead} {last}", [v for _, params in statements for v in params])
            return
        for sql, params in statements:
            cursor.execute(sql, params)
