"""Receipts from customers, allocated to receivables (the one allocation service) and
posted; the rest is kept as the customer's advance."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import permission_required
from backoffice.core.exceptions import ValidationFailed
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
# as received in its statistics): called in the allocating transaction with (receipt,
# [(receivable, amount)], the day); a share released back to the receipt is negative.
AllocationListener = Callable[[Receipt, list[tuple[Receivable, Decimal]], date], None]


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
    deducted_field="credited_amount",
)


def _allocated(receipt: Receipt, applied: list[tuple[Receivable, Decimal]], on: date) -> Decimal:
    """Record on the receipt what its shares changed, and tell the listeners."""
    change = sum_amounts(share for _item, share in applied)
    # the receipt is locked (or new): write the exact sum, never SQLite's float arithmetic
    receipt.allocated_amount += change
    Receipt.objects.filter(pk=receipt.pk).update(allocated_amount=receipt.allocated_amount)
    for listener in _allocation_listeners:
        listener(receipt, applied, on)
    return change


def _settle(receipt: Receipt, wanted: list[tuple[int, Decimal]], on: date) -> Decimal:
    """Settle the customer's receivables by the receipt's shares on a day: the one
    allocation service, then the receipt's total and the listeners."""
    applied = allocation_apply(
        side=RECEIPTS,
        document=receipt,
        party_id=receipt.customer_id,
        wanted=wanted,
        row_fields={"allocated_on": on},
    )
    return _allocated(receipt, applied, on)


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
    allocated = _settle(receipt, wanted, received_on)
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


@permission_required("ledger.add_receipt")
@transaction.atomic
def receipt_allocate(
    *, receipt: Receipt, by: User, allocations: list[dict[str, Any]], allocated_on: date
) -> Receipt:
    """Apply a receipt's credit (what it left unallocated) to the customer's open invoices
    later: the shares settle the invoices on `allocated_on` and move that much from the
    customer's advance (2203) to the receivables (1122)."""
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if allocated_on < receipt.received_on:
        raise ValidationFailed(
            extra={"fields": {"allocated_on": [_("cannot be before the money was received")]}}
        )
    wanted = allocation_shares(
        side=RECEIPTS, rows=allocations, amount=receipt.amount - receipt.allocated_amount
    )
    if not wanted:
        raise ValidationFailed(
            extra={"fields": {"allocations": [_("Allocate an amount to at least one invoice.")]}}
        )
    allocated = _settle(receipt, wanted, allocated_on)
    journal_post(
        posted_on=allocated_on,
        source_model="ledger.receipt",
        source_id=receipt.pk,
        source_number=receipt.number,
        memo=_("Credit of receipt %s applied") % receipt.number,
        lines=[
            (ADVANCES, receipt.customer_id, allocated, ZERO),
            (AR, receipt.customer_id, ZERO, allocated),
        ],
        by=by,
    )
    audit_record(
        by=by,
        action=AuditEvent.Action.ACTION,
        obj=receipt,
        changes={
            "allocated_amount": [
                str(receipt.allocated_amount - allocated),
                str(receipt.allocated_amount),
            ]
        },
        note=_("Credit applied to invoices"),
    )
    return receipt


def allocations_release(
    *, receivable: Receivable, amount: Decimal, on: date, memo: str, by: User
) -> None:
    """Give back `amount` of what receipts paid on a receivable (the latest shares first): the
    money returns to those receipts as the customer's credit, to be applied later. Used when
    an invoice is reversed after it was paid. The caller holds the receivable's lock."""
    left = amount
    paid = (
        ReceiptAllocation.objects.filter(receivable=receivable)
        .values("receipt_id")
        .annotate(net=Sum("amount"), last=Max("allocated_on"), last_id=Max("id"))
        .filter(net__gt=0)
        .order_by("-last", "-last_id")
    )
    released: list[tuple[int, Decimal]] = []
    for row in paid:
        if left <= 0:
            break
        take = min(row["net"], left)
        released.append((row["receipt_id"], take))
        left -= take
    if left > 0:  # pragma: no cover - allocated_amount is the sum of the shares
        raise ValidationFailed(_("Less was received on %s than is to be released.") % receivable)
    receipts = Receipt.objects.select_for_update().filter(pk__in=[pk for pk, _t in released])
    by_pk = {receipt.pk: receipt for receipt in receipts.order_by("pk")}
    for receipt_id, take in released:
        ReceiptAllocation.objects.create(
            receipt_id=receipt_id, receivable=receivable, amount=-take, allocated_on=on
        )
        _allocated(by_pk[receipt_id], [(receivable, -take)], on)
    receivable.allocated_amount -= amount
    Receivable.objects.filter(pk=receivable.pk).update(allocated_amount=receivable.allocated_amount)
    journal_post(
        posted_on=on,
        source_model="ledger.receivable",
        source_id=receivable.pk,
        source_number=receivable.document_number,
        memo=memo,
        lines=[
            (AR, receivable.customer_id, amount, ZERO),
            (ADVANCES, receivable.customer_id, ZERO, amount),
        ],
        by=by,
    )
