"""The one audit path: every service that changes business state calls `audit_record`."""

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import models

from backoffice.audit.models import AuditEvent

SECRET_FIELDS = frozenset({"password"})


def model_label(obj_or_class: models.Model | type[models.Model]) -> str:
    return obj_or_class._meta.label_lower


def field_values(instance: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The instance's concrete field values as JSON-friendly data (foreign keys as ids)."""
    result: dict[str, Any] = {}
    excluded = getattr(instance, "AUDIT_EXCLUDE", frozenset())
    for field in instance._meta.concrete_fields:
        if field.name in excluded:
            continue
        if fields is not None and field.name not in fields:
            continue
        if field.primary_key or field.name in {"created_at", "updated_at"}:
            continue
        value = getattr(instance, field.attname)
        if field.name in SECRET_FIELDS:
            # Never store a secret: a short digest of it shows *that* it changed, not what to.
            value = hashlib.sha256(str(value).encode()).hexdigest()[:8] if value else ""
        if isinstance(value, models.Model):  # pragma: no cover - attname holds the id
            value = value.pk
        if hasattr(value, "name") and isinstance(field, models.FileField):
            value = value.name or ""
        result[field.name] = value
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
    by: Any,
    action: str,
    obj: models.Model | None = None,
    model: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    """Append one audit event. `by` is the acting user (None for the system itself)."""
    if obj is not None:
        model = model or model_label(obj)
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    if not model or object_id in ("", None):
        raise ValueError("audit_record needs the record: obj, or model and object_id")
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        model=model,
        object_id=str(object_id),
        object_repr=object_repr[:200],
        changes=changes or {},
        note=note,
    )
