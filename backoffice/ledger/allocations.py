"""Allocation (核销), one service for every kind of money and what it settles (DOMAIN §4).

Receipts settle customers' receivables; supplier payments settle supplier invoices; expense
verification and petty cash settle theirs next. Each pairing is declared once as an
`AllocationSide`: which rows are the open items, which of their fields hold the total and
what is settled so far, whose they are, and which row records a share.

Two steps, both inside the money document's transaction:
- `allocation_shares` reads the requested shares and refuses a share that is not more than
  0, or shares that add up to more than the money, before the document is written;
- `allocation_apply` locks the open items in id order (so two documents that settle the same
  items queue rather than deadlock), refuses an item that is not the party's or cannot take
  money, refuses any share beyond what is open with `OverAllocation` (409), then records
  the shares and raises the items' settled amounts.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import HALF_CENT, round_amount, sum_amounts, to_decimal
from backoffice.ledger.exceptions import OverAllocation


@dataclass(frozen=True)
class AllocationSide:
    item_model: type[models.Model]  # the open item: Receivable, SupplierInvoice
    item_field: str  # its key in a requested row and its foreign key on the allocation row
    total_field: str  # what the item is for
    settled_field: str  # what is settled of it so far
    party_field: str  # whose it is: the customer, the supplier
    allocation_model: type[models.Model]  # one row per share
    document_field: str  # the money document's foreign key on the allocation row
    not_open_message: Callable[[], str]  # an item that is not the party's or takes no money
    takes_money: Callable[[Any], bool] = lambda item: True
    deducted_field: str | None = None  # what else is taken off the total (red letters)

    def open_of(self, item: Any) -> Decimal:
        """What the item can still take."""
        deducted = getattr(item, self.deducted_field) if self.deducted_field else 0
        return getattr(item, self.total_field) - getattr(item, self.settled_field) - deducted


def _share_error(index: int, message: str) -> ValidationFailed:
    return ValidationFailed(extra={"fields": {"allocations": {str(index): {"amount": [message]}}}})


def allocation_shares(
    *, side: AllocationSide, rows: list[dict[str, Any]] | None, amount: Decimal
) -> list[tuple[int, Decimal]]:
    """The requested shares as (item id, amount); together never more than `amount`."""
    wanted = []
    for index, row in enumerate(rows or [], start=1):
        try:
            share = round_amount(to_decimal(row["amount"]))
        except ValueError:
            raise _share_error(index, _("not a number")) from None
        if share <= 0:
            raise _share_error(index, _("must be more than 0"))
        item = row[side.item_field]
        wanted.append((getattr(item, "pk", item), share))
    allocated = sum_amounts(share for _item, share in wanted)
    if allocated > amount:
        raise OverAllocation(
            _("%(allocated)s would be allocated, but the amount is only %(amount)s.")
            % {"allocated": allocated, "amount": amount},
            extra={"allocated": str(allocated), "amount": str(amount)},
        )
    return wanted


def allocation_apply(
    *,
    side: AllocationSide,
    document: models.Model,
    party_id: int,
    wanted: list[tuple[int, Decimal]],
    row_fields: dict[str, Any] | None = None,
) -> list[tuple[Any, Decimal]]:
    """Settle the open items by the shares; returns (item, share) in the order asked.
    `row_fields` are written on every allocation row (the day of a receipt's shares)."""
    items = {
        item.pk: item
        for item in side.item_model.objects.select_for_update()
        .filter(pk__in={pk for pk, _share in wanted})
        .order_by("pk")
    }
    applied = []
    for index, (pk, share) in enumerate(wanted, start=1):
        item = items.get(pk)
        if (
            item is None
            or getattr(item, f"{side.party_field}_id") != party_id
            or not side.takes_money(item)
        ):
            raise ValidationFailed(
                extra={
                    "fields": {
                        "allocations": {str(index): {side.item_field: [side.not_open_message()]}}
                    }
                }
            )
        settled, outstanding = getattr(item, side.settled_field), side.open_of(item)
        if share > outstanding:
            raise OverAllocation(
                _("%(document)s has %(open)s outstanding; %(share)s cannot be allocated.")
                % {"document": item, "open": outstanding, "share": share},
                extra={side.item_field: pk, "outstanding": str(outstanding)},
            )
        # The row is locked; the condition guards the database all the same.
        room = F(side.total_field) - share + HALF_CENT  # SQLite compares in floating point
        if side.deducted_field:
            room = room - F(side.deducted_field)
        updated = side.item_model.objects.filter(
            pk=pk, **{f"{side.settled_field}__lte": room}
        ).update(**{side.settled_field: settled + share})  # exact, the row being locked
        if not updated:  # pragma: no cover - only if the lock above did not hold
            raise OverAllocation(extra={side.item_field: pk})
        setattr(item, side.settled_field, settled + share)
        applied.append((item, share))
    side.allocation_model.objects.bulk_create(
        side.allocation_model(
            **{side.document_field: document, f"{side.item_field}_id": pk, "amount": share},
            **(row_fields or {}),
        )
        for pk, share in wanted
    )
    return applied
