"""A record's version, against lost updates (issue 15 §13).

The version is `updated_at` (BaseModel), to the microsecond: exact on SQLite (stored as text
with microseconds) and on PostgreSQL (timestamp, microseconds), written by every save (even
one of a few fields) and never by anything else, so no column of its own is needed.

- The API: a detail answer carries `ETag: "<version>"`; a PATCH or PUT may send it back in
  `If-Match` and is refused with 412 `precondition_failed` when the record changed since.
  Without If-Match the write goes through (existing clients, imports); a deployment that
  wants every write checked sets IF_MATCH_REQUIRED, and a write without it gets 428.
- Services that change a record take `expected_version` (core.services.model_save checks it
  on the locked row).
- The staff UI: a change form carries the version it was loaded with (core.admin).

A write that bypasses `save()` must move the version too, or a client holding an old ETag
passes If-Match and overwrites what it never saw. So every model with a version, and every
document's own rows (its lines: the models whose DELETION is `deletion.with_parent`), is
managed by `VersionedQuerySet`: its `update()` (and so `bulk_update()`) writes `updated_at`
unless the caller does; an `update()`, `bulk_create()` or `delete()` of a document's lines,
and a line's own `save()` and `delete()` (core.models.DocumentPart), move their document's
version. A document's answer shows its lines, so its version covers them.
`tests/platform/test_versions.py` fails for a model left out.
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from backoffice.core import deletion
from backoffice.core.exceptions import PreconditionFailed, PreconditionRequired

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Expected = str | Iterable[str] | None


def version_of(obj: models.Model) -> str | None:
    """The record's version: microseconds since 1970 of its `updated_at`, as text."""
    updated_at = getattr(obj, "updated_at", None)
    if not isinstance(updated_at, datetime):
        return None
    if updated_at.tzinfo is None:
        updated_at = updated_at.replace(tzinfo=UTC)
    return str((updated_at - _EPOCH) // timedelta(microseconds=1))


def version_current(obj: models.Model, *, lock: bool = False) -> str | None:
    """The version of `obj`'s row as the database has it now (locked with `lock`)."""
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    if lock:
        rows = rows.select_for_update()
    current = rows.first()
    return version_of(current) if current is not None else None


def check_version(obj: models.Model, expected: Expected) -> None:
    """Refuse (412) when `obj` is not at the expected version. `obj` is the row as read
    inside the writing transaction, locked."""
    if expected is None:
        return
    accepted = {expected} if isinstance(expected, str) else set(expected)
    current = version_of(obj)
    if current is None or current in accepted:
        return
    raise PreconditionFailed(extra={"current_version": current})


@cache
def has_version(model: type[models.Model]) -> bool:
    return any(field.name == "updated_at" for field in model._meta.concrete_fields)


@cache
def version_parent(model: type[models.Model]) -> Any:
    """The foreign key to the document whose version covers `model`'s rows (the document
    of a line: its DELETION rule `deletion.with_parent`), or None."""
    rule = deletion.rule_for(model)
    if not isinstance(rule, deletion.WithParent):
        return None
    return model._meta.get_field(rule.parent)


def _touch(rows: models.QuerySet, now: datetime) -> None:
    if has_version(rows.model):
        rows.update(updated_at=now)
    else:
        touch_parents(rows, now)


def touch_parents(rows: models.QuerySet, now: datetime | None = None) -> None:
    """Move the version of the documents of `rows` (lines about to be written)."""
    field = version_parent(rows.model)
    if field is None:
        return
    selected = rows.order_by().values(field.attname)
    selected.query.select_for_update = False  # a subquery: the rows' own lock is theirs
    parents = field.related_model._default_manager.filter(pk__in=selected)
    _touch(parents, now or timezone.now())


def touch_parents_of(objs: Iterable[models.Model], now: datetime | None = None) -> None:
    """Move the version of the documents of the line objects `objs`."""
    objs = list(objs)
    field = version_parent(type(objs[0])) if objs else None
    if field is None:
        return
    pks = {getattr(obj, field.attname) for obj in objs} - {None}
    if pks:
        _touch(field.related_model._default_manager.filter(pk__in=pks), now or timezone.now())


class VersionedQuerySet(models.QuerySet):
    """A QuerySet whose bulk writes move the versions they change (see the module)."""

    def update(self, **kwargs: Any) -> int:
        now = timezone.now()
        touch_parents(self, now)  # before: the update may change what `self` selects
        if "updated_at" not in kwargs and has_version(self.model):
            kwargs["updated_at"] = now
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_update(self, objs: Iterable[Any], fields: Iterable[str], **kwargs: Any) -> int:
        objs, fields = list(objs), list(fields)
        if has_version(self.model) and "updated_at" not in fields:
            now = timezone.now()
            for obj in objs:
                obj.updated_at = now
            fields.append("updated_at")
        return super().bulk_update(objs, fields, **kwargs)  # through update(): the parents

    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(
        self, objs: Iterable[Any], *args: Any, touch: bool = True, **kwargs: Any
    ) -> list[Any]:
        """`touch=False`: the documents of these lines were created in this transaction,
        so their version is already new (nothing to move)."""
        created = super().bulk_create(objs, *args, **kwargs)
        if touch:
            touch_parents_of(created)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        touch_parents(self)
        return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


VersionedManager = models.Manager.from_queryset(VersionedQuerySet)


def etag(version: str) -> str:
    return f'"{version}"'


def with_etag(response: Any, obj: models.Model) -> Any:
    """`response` (a detail of `obj`) with its ETag: the version, or for a record that has
    none a weak tag of what the answer says."""
    version = version_of(obj)
    if version is not None:
        response["ETag"] = etag(version)
    elif getattr(response, "data", None) is not None:
        text = json.dumps(response.data, sort_keys=True, cls=DjangoJSONEncoder)
        response["ETag"] = f'W/"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'
    return response


def expected_version(request: Any) -> Expected:
    """The versions an API write's If-Match accepts (None: any). `*` accepts any; a weak
    tag never matches (RFC 9110: If-Match compares strongly)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        if settings.IF_MATCH_REQUIRED:
            raise PreconditionRequired
        return None
    if header == "*":
        return None
    tags = [tag.strip() for tag in header.split(",")]
    return [tag.strip('"') for tag in tags if tag and not tag.startswith("W/")]


def detail_response(obj: models.Model, serializer_class: type) -> Any:
    """A detail endpoint's answer: `obj` serialized, with its ETag."""
    from rest_framework.response import Response

    return with_etag(Response(serializer_class(obj).data), obj)
