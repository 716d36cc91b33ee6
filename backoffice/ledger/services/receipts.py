"""Receipts from customers, allocated to receivables (the one allocation service) and
posted; the rest is kept as the customer's advance."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.core.access import permission_required
from backoffice.core.money import ZERO, sum_amounts
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.ledger.allocations import AllocationSide, allocation_apply, allocation_shares
from backoffice.ledger.models import (
    Receipt,
    ReceiptAllocation,
    Receivable,
)
from backoffice.ledger.services.journal import (
    ADVANCES,
    AR,
    BANK,
    BILLS,
    CASH,
    _money_checked,
    journal_post,
)

METHOD_ACCOUNT = {"bank": BANK, "bill": BILLS, "cash": CASH}


# Apps whose documents become receivables learn of money allocated to them (sales counts it
# as received in its statistics): called in the receipt's transaction with (receipt,
# [(receivable, amount)]).
AllocationListener = Callable[[Receipt, list[tuple[Receivable, Decimal]]], None]


_allocation_listeners: list[AllocationListener] = []


def register_allocation_listener(listener: AllocationListener) -> None:
    if listener not in _allocation_listeners:
        _allocation_listeners.append(listener)


# Money against open items (allocations.py): receipts settle receivables (a red letter's
# negative receivable takes no money), supplier payments settle supplier invoices.
RECEIPTS = AllocationSide(
    item_model=Receivable,
    item_field="receivable",
    total_field="amount",
    settled_field="allocated_amount",
    party_field="customer",
    allocation_model=ReceiptAllocation,
    document_field="receipt",
    not_open_message=lambda: _("not an open invoice of this customer"),
    takes_money=lambda receivable: receivable.amount > 0,
)


@permission_required("ledger.add_receipt")
@transaction.atomic
def receipt_create(
    *,
    customer: Any,
    by: User,
    amount: Any,
    received_on: date,
    method: str = Receipt.Method.BANK,
    bank_reference: str = "",
    allocations: list[dict[str, Any]] | None = None,
) -> Receipt:
    """Money received, allocated to receivables never beyond what is outstanding; any
    remainder stays with the customer as an advance (credit)."""
    amount = _money_checked(amount, method, METHOD_ACCOUNT)
    wanted = allocation_shares(side=RECEIPTS, rows=allocations, amount=amount)
    receipt = Receipt(
        number=next_number(kind="RC", year=received_on.year),
        customer=customer,
        owner_id=customer.owner_id,
        region_id=customer.region_id,
        received_on=received_on,
        amount=amount,
        method=method,
        bank_reference=bank_reference.strip(),
        created_by=by,
    )
    model_save(instance=receipt, by=by, validate=False)
    applied = allocation_apply(side=RECEIPTS, document=receipt, party_id=customer.pk, wanted=wanted)
    allocated = sum_amounts(share for _item, share in applied)
    Receipt.objects.filter(pk=receipt.pk).update(allocated_amount=allocated)
    receipt.allocated_amount = allocated
    for listener in _allocation_listeners:
        listener(receipt, applied)
    journal_post(
        posted_on=received_on,
        source_model="ledger.receipt",
        source_id=receipt.pk,
        source_number=receipt.number,
        memo=_("Receipt %s") % receipt.number,
        lines=[
            (METHOD_ACCOUNT[method], None, amount, ZERO),
            (AR, customer.pk, ZERO, allocated),
            (ADVANCES, customer.pk, ZERO, amount - allocated),
        ],
        by=by,
    )
    return receipt
