"""The one audit path: every service that changes business state calls `audit_record`."""

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from backoffice.audit.models import AuditEvent
from backoffice.core.access import Actor

SECRET_FIELDS = frozenset({"password"})
IMPLIED_FIELDS = frozenset({"created_at", "updated_at"})
EVENT_COLUMNS = (
    "occurred_at",
    "actor_id",
    "action",
    "model",
    "object_id",
    "object_repr",
    "changes",
    "note",
)


def model_label(obj_or_class: models.Model | type[models.Model]) -> str:
    return obj_or_class._meta.label_lower


@functools.cache
def _audited_fields(model: type[models.Model]) -> tuple[tuple[str, str, str], ...]:
    """(name, attname, kind) of the fields an audit row records, kind "secret", "file" or
    "": worked out once per model, since imports record thousands of rows."""
    excluded = getattr(model, "AUDIT_EXCLUDE", frozenset())
    found = []
    for field in model._meta.concrete_fields:
        if field.name in excluded or field.primary_key or field.name in IMPLIED_FIELDS:
            continue
        kind = (
            "secret"
            if field.name in SECRET_FIELDS
            else "file"
            if isinstance(field, models.FileField)
            else ""
        )
        found.append((field.name, field.attname, kind))
    return tuple(found)


def field_values(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The instance's concrete field values as JSON-friendly data (foreign keys as ids)."""
    result: dict[str, Any] = {}
    for name, attname, kind in _audited_fields(type(instance)):
        if fields is not None and name not in fields:
            continue
        value = getattr(instance, attname)
        if kind == "secret":
            # Never store a secret: a short digest of it shows *that* it changed, not what to.
            value = hashlib.sha256(str(value).encode()).hexdigest()[:8] if value else ""
        elif kind == "file" and hasattr(value, "name"):
            value = value.name or ""
        result[name] = value
    return result


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for each field whose value differs."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if before.get(name) != value
    }


def audit_record(
    *,
    by: Actor,
    action: str,
    obj: models.Model | None = None,
    model: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    """Append one audit event. `by` is the acting user (None for the system itself)."""
    if obj is not None:
        model = model or model_label(obj)
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    if not model or object_id in ("", None):
        raise ValueError("audit_record needs the record: obj, or model and object_id")
    actor_id = by.pk if getattr(by, "is_authenticated", False) else None
    if actor_id is None and getattr(by, "is_authenticated", False):
        raise ValueError("audit_record: the actor is a saved person, or None for the system")
    row = (
        connection.ops.adapt_datetimefield_value(timezone.now()),
        actor_id,
        str(action),
        model,
        str(object_id),
        str(object_repr)[:200],
        json.dumps(changes or {}, cls=DjangoJSONEncoder, ensure_ascii=False),
        str(note),  # a lazy translation too
    )
    batch = _batch.get()
    if batch is not None:
        batch.append(row)
        return
    with connection.cursor() as cursor:  # written, not built by the ORM
        cursor.execute(_insert_statement(), row)


_batch: ContextVar[list[tuple] | None] = ContextVar("audit_batch", default=None)


@contextmanager
def audit_batch() -> Iterator[None]:
    """The events `audit_record` records inside go in together, in one INSERT, as the block
    ends: a step that writes several (an approval: the decision, the move, the number) pays
    one round trip. None when the block raises (its transaction keeps nothing either); a
    batch inside a batch joins it. Inside the transaction, never around it: as a decorator,
    under the service's `transaction.atomic`."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set([])
    try:
        yield
        rows = _batch.get()
    finally:
        _batch.reset(token)
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(_insert_statement(len(rows)), [v for row in rows for v in row])


def audit_record_many(
    *,
    by: Actor,
    action: str,
    objects: Sequence[models.Model],
    changes: Callable[[models.Model], dict[str, Any]] | None = None,
    note: str = "",
) -> int:
    """Append one audit event per object, as audit_record does one: the audit path of the
    bulk services (imports). Without `changes`, each object is recorded as created with
    its values, as model_save records one. The events go in set-wise (COPY on PostgreSQL,
    one executemany elsewhere): a Django bulk_create would cost more than the rows it
    audits. Returns how many events were written."""
    actor_id = by.pk if getattr(by, "is_authenticated", False) else None
    changes = changes or created_changes
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = []
    for obj in objects:
        if obj.pk is None:
            raise ValueError("audit_record_many needs saved objects")
        rows.append(
            (
                now,
                actor_id,
                str(action),
                model_label(obj),
                str(obj.pk),
                str(obj)[:200],
                json.dumps(changes(obj), cls=DjangoJSONEncoder, ensure_ascii=False),
                note,
            )
        )
    _insert_events(rows)
    return len(rows)


def _insert_events(rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            columns = ", ".join(EVENT_COLUMNS)
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        cursor.executemany(_insert_statement(), rows)


@functools.cache
def _insert_statement(events: int = 1) -> str:
    """INSERT of `events` events (EVENT_COLUMNS' values of each, one after the other)."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    marks = ", ".join([f"({', '.join(['%s'] * len(EVENT_COLUMNS))})"] * events)
    return f"INSERT INTO {table} ({', '.join(EVENT_COLUMNS)}) VALUES {marks}"  # noqa: S608


def created_changes(instance: models.Model) -> dict[str, list[Any]]:
    """A new record's values as {field: [None, value]}, the empty ones left out."""
    return {k: [None, v] for k, v in field_values(instance).items() if v not in (None, "")}
