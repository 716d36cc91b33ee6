"""Writes of the ledger (DOMAIN §4): receivables from issued invoices, receipts allocated to
them, and the double-entry postings of both. Every entry balances; numbers are gapless."""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from backoffice.core.access import permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import ZERO, round_amount, sum_amounts, to_decimal
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.ledger.exceptions import OverAllocation, Unbalanced
from backoffice.ledger.models import (
    Account,
    JournalEntry,
    JournalLine,
    Receipt,
    ReceiptAllocation,
    Receivable,
)

CASH, BANK, BILLS, AR, ADVANCES, OUTPUT_VAT, REVENUE = (
    "1001",
    "1002",
    "1121",
    "1122",
    "2203",
    "22210106",
    "6001",
)
ACCOUNTS = [
    (CASH, "库存现金", Account.Kind.ASSET),
    (BANK, "银行存款", Account.Kind.ASSET),
    (BILLS, "应收票据", Account.Kind.ASSET),
    (AR, "应收账款", Account.Kind.ASSET),
    (ADVANCES, "预收账款", Account.Kind.LIABILITY),
    (OUTPUT_VAT, "应交税费—应交增值税（销项税额）", Account.Kind.LIABILITY),
    (REVENUE, "主营业务收入", Account.Kind.REVENUE),
]
# The payables side (purchase contracts): supplier invoices and payments.
INVENTORY, PREPAYMENTS, BILLS_PAYABLE, AP, INPUT_VAT = (
    "1405",
    "1123",
    "2201",
    "2202",
    "22210101",
)
ACCOUNTS += [
    (INVENTORY, "库存商品", Account.Kind.ASSET),
    (PREPAYMENTS, "预付账款", Account.Kind.ASSET),
    (BILLS_PAYABLE, "应付票据", Account.Kind.LIABILITY),
    (AP, "应付账款", Account.Kind.LIABILITY),
    (INPUT_VAT, "应交税费—应交增值税（进项税额）", Account.Kind.LIABILITY),
]
# Receivables brought in from a previous system (期初余额) are balanced against retained
# earnings: the revenue behind them was booked there before.
OPENING = "4104"
ACCOUNTS += [(OPENING, "利润分配—未分配利润", Account.Kind.EQUITY)]
METHOD_ACCOUNT = {"bank": BANK, "bill": BILLS, "cash": CASH}
PAYMENT_ACCOUNT = {"bank": BANK, "bill": BILLS_PAYABLE, "cash": CASH}


# Apps whose documents become receivables learn of money allocated to them (sales counts it
# as received in its statistics): called in the receipt's transaction with (receipt,
# [(receivable, amount)]).
AllocationListener = Callable[[Receipt, list[tuple[Receivable, Decimal]]], None]
_allocation_listeners: list[AllocationListener] = []


def register_allocation_listener(listener: AllocationListener) -> None:
    if listener not in _allocation_listeners:
        _allocation_listeners.append(listener)


def accounts_sync(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """The chart of accounts the postings use; applied after every migrate."""
    for code, name, kind in ACCOUNTS:
        Account.objects.using(using).get_or_create(code=code, defaults={"name": name, "kind": kind})


def journal_post(
    *,
    posted_on: date,
    source_model: str,
    source_id: int,
    source_number: str,
    memo: str,
    lines: list[tuple[str, int | None, Decimal, Decimal]],
    by: Any,
) -> JournalEntry:
    """One balanced entry: lines are (account code, customer id, debit, credit)."""
    lines = [(code, customer, round_amount(d), round_amount(c)) for code, customer, d, c in lines]
    lines = [line for line in lines if line[2] or line[3]]
    if sum_amounts(line[2] for line in lines) != sum_amounts(line[3] for line in lines):
        raise Unbalanced(extra={"lines": [[c, str(d), str(k)] for c, _, d, k in lines]})
    accounts = {a.code: a for a in Account.objects.filter(code__in={line[0] for line in lines})}
    entry = JournalEntry.objects.create(
        number=next_number(kind="JE", year=posted_on.year),
        posted_on=posted_on,
        source_model=source_model,
        source_id=source_id,
        source_number=source_number,
        memo=memo[:200],
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    JournalLine.objects.bulk_create(
        JournalLine(
            entry=entry,
            account=accounts[code],
            customer_id=customer,
            posted_on=posted_on,
            debit=debit,
            credit=credit,
        )
        for code, customer, debit, credit in lines
    )
    return entry


@transaction.atomic
def receivable_from_invoice(
    *,
    source_model: str,
    source_id: int,
    document_number: str,
    customer: Any,
    owner_id: int,
    region_id: int,
    issued_on: date,
    gross_amount: Decimal,
    net_amount: Decimal,
    tax_amount: Decimal,
    by: Any,
) -> Receivable:
    """An issued invoice becomes a receivable and posts AR / revenue / output VAT; a red
    letter (negative amounts) posts the reverse."""
    gross, net, tax = (round_amount(v) for v in (gross_amount, net_amount, tax_amount))
    receivable = Receivable.objects.create(
        customer=customer,
        owner_id=owner_id,
        region_id=region_id,
        source_model=source_model,
        source_id=source_id,
        document_number=document_number,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=customer.payment_terms_days),
        amount=gross,
    )
    if gross >= 0:
        lines = [
            (AR, customer.pk, gross, ZERO),
            (REVENUE, None, ZERO, net),
            (OUTPUT_VAT, None, ZERO, tax),
        ]
    else:
        lines = [
            (REVENUE, None, -net, ZERO),
            (OUTPUT_VAT, None, -tax, ZERO),
            (AR, customer.pk, ZERO, -gross),
        ]
    journal_post(
        posted_on=issued_on,
        source_model=source_model,
        source_id=source_id,
        source_number=document_number,
        memo=_("Invoice %s") % document_number,
        lines=lines,
        by=by,
    )
    return receivable


@permission_required("ledger.add_receipt")
@transaction.atomic
def receipt_create(
    *,
    customer: Any,
    by: Any,
    amount: Any,
    received_on: date,
    method: str = Receipt.Method.BANK,
    bank_reference: str = "",
    allocations: list[dict[str, Any]] | None = None,
) -> Receipt:
    """Money received, allocated to receivables never beyond what is outstanding; any
    remainder stays with the customer as an advance (credit)."""
    amount = round_amount(to_decimal(amount))
    if amount <= 0:
        raise ValidationFailed(extra={"fields": {"amount": [_("must be more than 0")]}})
    if method not in METHOD_ACCOUNT:
        raise ValidationFailed(extra={"fields": {"method": [_("unknown method")]}})
    wanted = []
    for index, row in enumerate(allocations or [], start=1):
        share = round_amount(to_decimal(row["amount"]))
        if share <= 0:
            raise ValidationFailed(
                extra={
                    "fields": {"allocations": {str(index): {"amount": [_("must be more than 0")]}}}
                }
            )
        wanted.append((getattr(row["receivable"], "pk", row["receivable"]), share))
    if sum_amounts(share for _r, share in wanted) > amount:
        raise OverAllocation(
            _("%(allocated)s allocated but only %(amount)s received.")
            % {"allocated": sum_amounts(s for _r, s in wanted), "amount": amount}
        )
    receivables = {
        r.pk: r
        for r in Receivable.objects.select_for_update().filter(pk__in=[r for r, _s in wanted])
    }
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
    allocated = ZERO
    for receivable_id, share in wanted:
        receivable = receivables.get(receivable_id)
        if receivable is None or receivable.customer_id != customer.pk or receivable.amount <= 0:
            raise ValidationFailed(
                extra={"fields": {"allocations": [_("not an open invoice of this customer")]}}
            )
        updated = Receivable.objects.filter(
            pk=receivable_id, allocated_amount__lte=F("amount") - share
        ).update(allocated_amount=F("allocated_amount") + share)
        if not updated:
            receivable.refresh_from_db()
            raise OverAllocation(
                _("Invoice %(invoice)s has %(open)s outstanding; %(share)s cannot be allocated.")
                % {
                    "invoice": receivable.document_number,
                    "open": receivable.open_amount,
                    "share": share,
                },
                extra={"receivable": receivable_id, "outstanding": str(receivable.open_amount)},
            )
        ReceiptAllocation.objects.create(receipt=receipt, receivable_id=receivable_id, amount=share)
        allocated += share
    Receipt.objects.filter(pk=receipt.pk).update(allocated_amount=allocated)
    receipt.allocated_amount = allocated
    for listener in _allocation_listeners:
        listener(receipt, [(receivables[pk], share) for pk, share in wanted])
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
