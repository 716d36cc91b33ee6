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
"""

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

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
