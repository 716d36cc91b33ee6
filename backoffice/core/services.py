"""Generic audited writes for master data whose only rule is its own validation.

Documents with a life cycle have their own services; plain records (regions, departments,
users' profile fields) are created and changed through these, so every write is audited.
"""

from typing import Any

from django.db import models, transaction

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import (
    audit_record,
    changes_between,
    created_changes,
    field_values,
)
from backoffice.core.access import Actor
from backoffice.core.deletion import StillReferenced, check_deletable
from backoffice.core.versions import Expected, check_version


@transaction.atomic
def model_save[M: models.Model](
    *,
    instance: M,
    by: Actor,
    validate: bool = True,
    note: str = "",
    expected_version: Expected = None,
) -> M:
    """Validate and save `instance`; audit it as created, or as changed with before/after.
    With `expected_version` (core.versions), a record changed since by someone else is
    refused with 412 instead of being overwritten."""
    model = type(instance)
    before = None
    if instance.pk is not None:
        rows = model._default_manager.filter(pk=instance.pk)
        if expected_version is not None:
            rows = rows.select_for_update()
        current = rows.first()
        before = field_values(current) if current is not None else None
        if current is not None:
            check_version(current, expected_version)
    if validate:
        instance.full_clean()
    instance.save()
    if before is None:
        audit_record(
            by=by,
            action=AuditEvent.Action.CREATE,
            obj=instance,
            changes=created_changes(instance),
            note=note,
        )
    else:
        changes = changes_between(before, field_values(instance))
        if changes:
            audit_record(
                by=by, action=AuditEvent.Action.UPDATE, obj=instance, changes=changes, note=note
            )
    return instance


@transaction.atomic
def model_set_related(*, instance: models.Model, field: str, ids: list[Any], by: Actor) -> None:
    """Replace a many-to-many set and audit the difference."""
    manager = getattr(instance, field)
    before = sorted(manager.values_list("pk", flat=True))
    manager.set(ids)
    after = sorted(manager.values_list("pk", flat=True))
    if before != after:
        audit_record(
            by=by, action=AuditEvent.Action.UPDATE, obj=instance, changes={field: [before, after]}
        )


@transaction.atomic
def model_delete(*, instance: models.Model, by: Actor, note: str = "") -> None:
    """Delete `instance`, keeping its last values in the audit trail. Refused with
    `NotDeletable` when the model's rule forbids it (core/deletion.py) or when other records
    still refer to it (`on_delete=PROTECT`)."""
    check_deletable(instance)
    audit_record(
        by=by,
        action=AuditEvent.Action.DELETE,
        obj=instance,
        changes={k: [v, None] for k, v in field_values(instance).items()},
        note=note,
    )
    try:
        instance.delete()
    except (models.ProtectedError, models.RestrictedError) as error:
        raise StillReferenced(instance) from error
