"""The one transition helper (STYLE §5).

A document declares `TRANSITIONS = {from_status: {to_status, ...}}` and a `status` field.
`transition()` locks the row, checks the table, stamps `<status>_at` / `<status>_by` where the
model has them, saves only the changed fields and writes one audit event.
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor
from backoffice.core.exceptions import InvalidTransition
from backoffice.core.transactions import atomic_or_joined


def _status_field(model: type[models.Model]) -> str:
    return getattr(model, "STATUS_FIELD", "status")


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def allowed_transitions(obj: models.Model) -> set[str]:
    """The statuses `obj` may move to from its current status (for buttons and API checks)."""
    current = getattr(obj, _status_field(type(obj)))
    return {str(s) for s in type(obj).TRANSITIONS.get(current, set())}  # type: ignore[attr-defined]


def _label(model: type[models.Model], value: str) -> str:
    field = model._meta.get_field(_status_field(model))
    return str(dict(field.choices or []).get(value, value))


def _keep_loaded_relations(source: models.Model, target: models.Model) -> None:
    """Give `target` (the same row, read again) the related rows `source` has loaded, where
    it points at the same ones: the audit's description of the record (an order names its
    customer) then reads nothing more."""
    for field in type(source)._meta.concrete_fields:
        if (
            field.many_to_one
            and field.is_cached(source)
            and not field.is_cached(target)
            and getattr(source, field.attname) == getattr(target, field.attname)
        ):
            field.set_cached_value(target, field.get_cached_value(source))


@atomic_or_joined  # a refused move raises before it writes
def transition[M: models.Model](
    obj: M,
    *,
    to: str,
    by: Actor,
    note: str = "",
    locked: M | None = None,
    also: dict[str, Any] | None = None,
) -> M:
    """Move `obj` to status `to`, or raise InvalidTransition. Returns the refreshed object.

    `locked`: the row of `obj` (`obj` itself, or another instance of it) as the caller read
    it with select_for_update in this transaction: checked and saved as it is, instead of
    being read again. `also`: other fields set with the move, once it is allowed, and saved
    in the same UPDATE (the caller audits them; the move's own event describes the record
    as it was before them)."""
    model = type(obj)
    status_field = _status_field(model)
    if locked is None:
        current_row = model._default_manager.select_for_update().get(pk=obj.pk)
    elif locked.pk != obj.pk:
        raise ValueError("transition(locked=…) is the row of the object moved")
    else:
        current_row = locked
    if current_row is not obj:
        _keep_loaded_relations(obj, current_row)
    current = getattr(current_row, status_field)
    allowed = allowed_transitions(current_row)
    if str(to) not in allowed:
        raise InvalidTransition(
            _("%(document)s cannot go from “%(current)s” to “%(target)s”.")
            % {
                "document": model._meta.verbose_name,
                "current": _label(model, current),
                "target": _label(model, to),
            },
            extra={"from": current, "to": str(to), "allowed": sorted(allowed)},
        )
    changes: dict[str, list[Any]] = {status_field: [current, str(to)]}
    setattr(current_row, status_field, to)
    update_fields = [status_field]
    now = timezone.now()
    for suffix, value in (("_at", now), ("_by", by)):
        name = f"{to}{suffix}"
        if _has_field(model, name):
            setattr(current_row, name, value)
            update_fields.append(name)
            changes[name] = [None, value.pk if suffix == "_by" else value]
    if _has_field(model, "updated_at"):
        update_fields.append("updated_at")
    description = str(current_row)
    for name, value in (also or {}).items():
        setattr(current_row, name, value)
    current_row.save(update_fields=[*update_fields, *(also or {})])
    audit_record(
        by=by,
        action=AuditEvent.Action.TRANSITION,
        obj=current_row,
        object_repr=description,
        changes=changes,
        note=note,
    )
    for name in [*update_fields, *(also or {})]:
        setattr(obj, name, getattr(current_row, name))
    return obj
