"""Writes nobody waits on, sent together (docs/decisions/0011).

A step of a service ends with rows that nothing in it reads again: its audit events, the
notifications it sends, the sums of its facts. Each was a statement of its own, so a round
trip of its own to the database. Inside `writes_together()` (as a decorator, under the
service's `transaction.atomic`) they wait, and go as the block ends: on PostgreSQL in one
statement (each but the last a data-modifying WITH of the last), elsewhere one by one. The
rows `insert_later` gives one table go in one INSERT, in the order they were given, so their
ids keep that order. Nothing goes when the block raises: its transaction keeps nothing
either. A block inside another joins it.

Only for writes whose effect nothing in the block reads: a write handed over is not in the
database until the block ends.
"""

import functools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection
from django.db.models import Model

_pending: ContextVar[list[list[Any]] | None] = ContextVar("writes_together", default=None)


@contextmanager
def writes_together() -> Iterator[None]:
    """The writes handed to `insert_later` and `write_later` inside go together as the
    block ends."""
    if _pending.get() is not None:
        yield
        return
    token = _pending.set([])
    try:
        yield
        items = _pending.get()
    finally:
        _pending.reset(token)
    if items:
        _execute([_statement(item) for item in items])


def insert_later(insert: str, row: Sequence[Any]) -> None:
    """`insert` ("INSERT INTO t (a, b, …)") of one row of values, now or with the rows the
    block gives the same `insert`, in one statement."""
    items = _pending.get()
    if items is None:
        _execute([_statement([insert, [row]])])
        return
    for item in items:
        if item[0] == insert and isinstance(item[1], list):
            item[1].append(row)
            return
    items.append([insert, [row]])


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
    row = []
    for field in _insert_fields(model):
        value = field.pre_save(instance, add=True)
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"insert_instances_later: {field.name} is an expression")
        row.append(field.get_db_prep_save(value, connection=connection))
    insert_later(_insert_head(model), row)


@functools.cache
def _insert_fields(model: type[Model]) -> tuple[Any, ...]:
    meta = model._meta
    fields = tuple(
        f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field
    )
    if any(hasattr(f, "get_placeholder_sql") or hasattr(f, "get_placeholder") for f in fields):
        raise TypeError(f"insert_instances_later: {meta.label} has a field placing its value")
    return fields


@functools.cache
def _insert_head(model: type[Model]) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _insert_fields(model))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns})"


def write_later(*statements: tuple[str, Sequence[Any]]) -> None:
    """Statements (sql, params) that return nothing asked for, now (on PostgreSQL as one) or
    as the block ends."""
    items = _pending.get()
    if items is None:
        _execute([(sql, list(params)) for sql, params in statements])
        return
    items.extend([sql, tuple(params)] for sql, params in statements)


def _statement(item: list[Any]) -> tuple[str, list[Any]]:
    head, body = item
    if not isinstance(body, list):  # a statement
        return head, list(body)
    marks = f"({', '.join(['%s'] * len(body[0]))})"
    return f"{head} VALUES {', '.join([marks] * len(body))}", [v for row in body for v in row]


def _execute(statements: list[tuple[str, list[Any]]]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            *before, (last, _) = statements
            ahead = ", ".join(f"w{n} AS ({sql})" for n, (sql, _) in enumerate(before))
            cursor.execute(f"WITH {ahead} {last}", [v for _, params in statements for v in params])
            return
        for sql, params in statements:
            cursor.execute(sql, params)
