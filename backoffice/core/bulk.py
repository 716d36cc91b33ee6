"""Many new records of one model in one statement: the write of the bulk services
(imports), at COPY speed on PostgreSQL.

Django's `bulk_create` prepares each value of each row through its field in Python (half a
microsecond apiece: a second for 20,000 customers of 22 fields) and sends them as arrays.
`bulk_insert` draws the ids from the table's sequence in one query, then streams the rows
with COPY, letting the driver write the plain values (text, numbers, booleans, dates,
decimals, none) as they are and asking the field only for the others (JSON, say). The rows
are the ones `bulk_create` would write: `auto_now` stamps and defaults filled the same way,
the objects saved (with their ids) afterwards, and a row the database refuses (a unique
code taken meanwhile) raises the same IntegrityError. Elsewhere (SQLite) it is
`bulk_create` in batches.
"""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from django.db import DatabaseError, connection, models

from backoffice.core.versions import touch_parents_of

PLAIN = frozenset({str, int, bool, float, Decimal, date, datetime, type(None)})
BATCH = 2000
# SQLite takes at most 32,766 parameters in a statement: bulk_set's batches stay below
PARAMETERS = 30000


def bulk_insert[M: models.Model](model: type[M], objs: Sequence[M]) -> list[M]:
    """Insert the new objects (none saved yet) and return them, saved, with their ids."""
    objs = list(objs)
    if not objs:
        return objs
    if connection.vendor != "postgresql" or model._meta.pk.attname != "id":
        return model._default_manager.bulk_create(objs, batch_size=BATCH)
    opts = model._meta
    quote = connection.ops.quote_name
    table = quote(opts.db_table)
    fields = list(opts.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        if sequence is None:  # ids not drawn from a sequence: Django's way
            return model._default_manager.bulk_create(objs, batch_size=BATCH)
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(objs)])
        ids = [row[0] for row in cursor.fetchall()]
        stamped = [
            f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        attnames = [f.attname for f in fields]
        columns = ", ".join(quote(f.column) for f in fields)
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for obj, pk in zip(objs, ids, strict=True):
                obj.pk = pk
                for field in stamped:
                    field.pre_save(obj, add=True)
                values = [getattr(obj, name) for name in attnames]
                copy.write_row(
                    [
                        value if type(value) in PLAIN else _prepared(value, field)
                        for value, field in zip(values, fields, strict=True)
                    ]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    touch_parents_of(objs)
    return objs


def _prepared(value: Any, field: models.Field) -> Any:
    if isinstance(value, Enum):  # a choice: its value, as the field would store it
        value = value.value
        if type(value) in PLAIN:
            return value
    return field.get_db_prep_save(value, connection)


def bulk_set[M: models.Model](model: type[M], objs: Sequence[M], fields: Sequence[str]) -> int:
    """Write `fields` of the saved objects as they are in memory, in one statement
    (UPDATE … FROM a VALUES list; both databases). Django's `bulk_update` builds a CASE per
    field and row, a few milliseconds of Python per fifty rows; this sends the values once.
    Neither stamps nor versions move: for figures kept by a ledger (on-hand, averages)
    that a person's edit of the record must not collide with."""
    objs = list(objs)
    if not objs:
        return 0
    opts = model._meta
    quote = connection.ops.quote_name
    columns = [opts.get_field(name) for name in fields]
    pk = opts.pk
    cast = connection.vendor == "postgresql"  # a VALUES list's types come from its values

    def slot(field: models.Field) -> str:
        return f"CAST(%s AS {field.db_type(connection)})" if cast else "%s"

    row = "(" + ", ".join(slot(f) for f in [pk, *columns]) + ")"
    # VALUES' columns are column1, column2… on both databases: named in a SELECT
    names = ", ".join(
        f"column{n + 1} AS {name}"
        for n, name in enumerate(["k", *(f"v{i}" for i in range(len(columns)))])
    )
    sets = ", ".join(f"{quote(f.column)} = v.v{i}" for i, f in enumerate(columns))
    table = quote(opts.db_table)
    per = max(1, PARAMETERS // (len(columns) + 1))

    def sql(rows: int) -> str:
        return (
            f"UPDATE {table} SET {sets} FROM (SELECT {names} FROM "  # noqa: S608 - our names
            f"(VALUES {', '.join([row] * rows)}) AS x) AS v "
            f"WHERE {table}.{quote(pk.column)} = v.k"
        )

    done = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per):
            chunk = objs[start : start + per]
            params: list[Any] = []
            for obj in chunk:
                params.append(pk.get_db_prep_value(obj.pk, connection))
                params += [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
            cursor.execute(sql(len(chunk)), params)
            done += cursor.rowcount
    if done != len(objs):  # a row gone meanwhile: nothing is half-written by the caller
        raise DatabaseError(f"bulk_set: {done} of {len(objs)} {opts.label} rows written")
    return done
