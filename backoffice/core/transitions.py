"""The one transition helper (STYLE §5).

A document declares `TRANSITIONS = {from_status: {to_status, ...}}` and a `status` field.
`transition()` locks the row, checks the table, stamps `<status>_at` / `<status>_by` where the
model has them, saves only the changed fields and writes one audit event.
"""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor
from backoffice.core.exceptions import InvalidTransition


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


@transaction.atomic
def transition[M: models.Model](obj: M, *, to: str, by: Actor, note: str = "") -> M:
    """Move `obj` to status `to`, or raise InvalidTransition. Returns the refreshed object."""
    model = type(obj)
    status_field = _status_field(model)
    locked = model._default_manager.select_for_update().get(pk=obj.pk)
    current = getattr(locked, status_field)
    allowed = allowed_transitions(locked)
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
    setattr(locked, status_field, to)
    update_fields = [status_field]
    now = timezone.now()
    for suffix, value in (("_at", now), ("_by", by)):
        name = f"{to}{suffix}"
        if _has_field(model, name):
            setattr(locked, name, value)
            update_fields.append(name)
            changes[name] = [None, value.pk if suffix == "_by" else value]
    if _has_field(model, "updated_at"):
        update_fields.append("updated_at")
    locked.save(update_fields=update_fields)
    audit_record(by=by, action=AuditEvent.Action.TRANSITION, obj=locked, changes=changes, note=note)
    for name in update_fields:
        setattr(obj, name, getattr(locked, name))
    return obj
