"""The one audit path: every service that changes business state calls `audit_record`."""

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

from backoffice.audit.models import AuditEvent
from backoffice.core.access import Actor
from backoffice.core.prepared import insert_head
from backoffice.core.writes import insert_later

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
    insert_later(_insert_head(), row)  # now, or with the step's other writes (core.writes)


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
        marks = ", ".join(["%s"] * len(EVENT_COLUMNS))
        cursor.executemany(f"{_insert_head()} VALUES ({marks})", rows)


def _insert_head() -> str:
    return insert_head(AuditEvent, EVENT_COLUMNS, connection.alias)


def created_changes(instance: models.Model) -> dict[str, list[Any]]:
    """A new record's values as {field: [None, value]}, the empty ones left out."""
    return {k: [None, v] for k, v in field_values(instance).items() if v not in (None, "")}
