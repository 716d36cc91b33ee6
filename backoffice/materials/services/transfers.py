"""Stock transfers (调拨, issue 17 §3): stock moved between two locations, posted at once by
a clerk or the warehouse: out of its batches there (first-expiring first, never an expired
one), into the same batches here, at the value it left with; the item's quantity and value
stay as they were."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.access import Actor, permission_required
from backoffice.core.bulk import bulk_set
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import ZERO
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.materials.models import Location, StockTransfer, StockTransferLine
from backoffice.materials.selectors import location_visible_to
from backoffice.materials.services.issues import item_lines
from backoffice.materials.services.stock import items_locked, move_between


@permission_required("materials.add_stocktransfer")
@transaction.atomic
def transfer_create(
    *,
    by: Actor,
    from_location: Location,
    to_location: Location,
    lines: Sequence[Mapping[str, Any]],
    moved_on: date | None = None,
    note: str = "",
) -> StockTransfer:
    today = timezone.localdate()
    moved_on = moved_on or today
    errors: dict[str, list[str]] = {}
    visible = set(
        location_visible_to(by)
        .filter(pk__in=[from_location.pk, to_location.pk])
        .values_list("pk", flat=True)
    )
    for field, location in (("from_location", from_location), ("to_location", to_location)):
        if location.pk not in visible:
            errors[field] = [_("not found")]
        elif not location.is_active:
            errors[field] = [_("no longer in use")]
    if from_location.pk == to_location.pk:
        errors["to_location"] = [_("another location than where it comes from")]
    elif to_location.kind == Location.Kind.BAG:
        # a rep's bag is filled by a material issue, released by two reviewers
        errors["to_location"] = [_("a rep's bag is filled by a material issue")]
    if moved_on != today:
        # posted as it is done: the batches' expiry is judged on the day they move
        errors["moved_on"] = [_("a transfer is dated the day it is made")]
    if errors:
        raise ValidationFailed(extra={"fields": errors})
    checked = item_lines(lines)
    locked = items_locked((item for item, _q in checked), at=[from_location, to_location])
    transfer = StockTransfer(
        number=next_number(kind="TR", year=moved_on.year),
        from_location=from_location,
        to_location=to_location,
        moved_on=moved_on,
        note=note.strip()[:200],
        created_by=by,
    )
    model_save(instance=transfer, by=by)
    rows = StockTransferLine.objects.bulk_create(
        StockTransferLine(transfer=transfer, line_no=index, item=item, quantity=quantity)
        for index, (item, quantity) in enumerate(checked, start=1)
    )
    posted = move_between(
        source=transfer,
        lines=[(row.pk, locked[row.item_id], row.quantity) for row in rows],
        from_location=from_location,
        to_location=to_location,
        moved_on=moved_on,
        by=by,
        locked=locked,
    )
    for row in rows:
        row.value = posted.value_of_line(row.pk, to_location)
    bulk_set(StockTransferLine, rows, ["value"])
    transfer.total_value = sum((row.value for row in rows), ZERO)
    StockTransfer.objects.filter(pk=transfer.pk).update(total_value=transfer.total_value)
    return transfer
