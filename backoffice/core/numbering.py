"""Gapless document numbers per kind and year, e.g. SO-2026-000001 (STYLE §6).

The counter row is locked for the rest of the caller's transaction, so numbers are given
one at a time, and a rollback returns the number with everything else. Call it on release,
inside the release transaction, never on draft.
"""

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from backoffice.core.models import DocumentCounter

NUMBER_WIDTH = 6


def format_number(*, kind: str, year: int, sequence: int) -> str:
    return f"{kind}-{year}-{sequence:0{NUMBER_WIDTH}d}"


def next_number(*, kind: str, year: int) -> str:
    """The next number of `kind` in `year`. Must run inside transaction.atomic()."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    if not DocumentCounter.objects.filter(kind=kind, year=year).exists():
        try:
            with transaction.atomic():
                DocumentCounter.objects.create(kind=kind, year=year)
        except IntegrityError:
            pass  # another transaction created it first; we lock theirs below
    counter = DocumentCounter.objects.select_for_update().get(kind=kind, year=year)
    DocumentCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db(fields=["last_number"])
    return format_number(kind=kind, year=year, sequence=counter.last_number)
