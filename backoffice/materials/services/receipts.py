"""Stock received (入库, issue 17 §4): from a supplier or a printing job, by a clerk or the
warehouse; posted as it is recorded, each line at its unit cost."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.lines import line_error, line_price, line_quantity
from backoffice.core.money import ZERO, check_bound, round_amount
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.materials.models import (
    Location,
    MaterialItem,
    StockMove,
    StockReceipt,
    StockReceiptLine,
)
from backoffice.materials.services.stock import Movement, items_locked, stock_post


def _receipt_lines(lines: Sequence[Mapping[str, Any]], today: date) -> list[dict[str, Any]]:
    """Each line checked: its item (active), quantity, unit cost, and for a batch-tracked
    item its batch and expiry."""
    if not lines:
        raise ValidationFailed(extra={"fields": {"lines": [_("at least one line")]}})
    checked = []
    for index, line in enumerate(lines, start=1):
        item = line.get("item")
        if not isinstance(item, MaterialItem):
            raise line_error(index, "item", _("not an item of the catalog"))
        if not item.is_active:
            raise line_error(index, "item", _("no longer in use"))
        quantity = line_quantity(index, line.get("quantity"))
        unit_cost = line_price(index, line.get("unit_cost"))
        # a cost known as a total (a printing job's) is kept to the cent; else qty × unit cost
        value = (
            round_amount(line["value"])
            if line.get("value") is not None
            else round_amount(quantity * unit_cost)
        )
        try:
            check_bound(value, "amount", field="unit_cost")
        except ValidationFailed:
            raise line_error(index, "unit_cost", _("quantity × unit cost is too large")) from None
        batch = (line.get("batch") or "").strip()
        expires_on = line.get("expires_on") or None
        if item.is_batch_tracked:
            if not batch:
                raise line_error(index, "batch", _("this item is batch-tracked: name the batch"))
            if expires_on is None:
                raise line_error(index, "expires_on", _("this item is batch-tracked: its expiry"))
            if expires_on < today:
                raise line_error(index, "expires_on", _("already expired"))
        elif batch or expires_on:
            raise line_error(index, "batch", _("this item is not batch-tracked"))
        if len(batch) > 40:
            raise line_error(index, "batch", _("at most 40 characters"))
        checked.append(
            {
                "item": item,
                "quantity": quantity,
                "unit_cost": unit_cost,
                "value": value,
                "batch": batch,
                "expires_on": expires_on,
            }
        )
    return checked


@permission_required("materials.add_stockreceipt")
@transaction.atomic
def receipt_create(
    *,
    by: Actor,
    location: Location,
    lines: Sequence[Mapping[str, Any]],
    received_on: date | None = None,
    supplier: str = "",
    note: str = "",
) -> StockReceipt:
    """Record and post a receipt: numbered, each line into stock at `location`."""
    today = timezone.localdate()
    received_on = received_on or today
    errors: dict[str, list[str]] = {}
    if received_on > today:
        errors["received_on"] = [_("cannot be in the future")]
    if not location.is_active:
        errors["location"] = [_("no longer in use")]
    if errors:
        raise ValidationFailed(extra={"fields": errors})
    checked = _receipt_lines(lines, today)
    locked = items_locked((line["item"] for line in checked), at=[location])
    receipt = model_save(
        instance=StockReceipt(
            number=next_number(kind="MR", year=received_on.year),
            location=location,
            received_on=received_on,
            supplier=supplier.strip()[:200],
            note=note.strip()[:200],
            total_value=sum((line["value"] for line in checked), ZERO),
            created_by=by,
        ),
        by=by,
    )
    rows = StockReceiptLine.objects.bulk_create(
        StockReceiptLine(
            receipt=receipt,
            line_no=index,
            item=line["item"],
            quantity=line["quantity"],
            unit_cost=line["unit_cost"],
            value=line["value"],
            batch=line["batch"],
            expires_on=line["expires_on"],
        )
        for index, line in enumerate(checked, start=1)
    )
    stock_post(
        movements=[
            Movement(
                item=row.item,
                location=location,
                quantity=row.quantity,
                batch=row.batch,
                expires_on=row.expires_on,
                value=row.value,
                line=row.pk,
                kind=StockMove.Kind.RECEIPT,
            )
            for row in rows
        ],
        moved_on=received_on,
        source=receipt,
        by=by,
        locked=locked,
    )
    return receipt
