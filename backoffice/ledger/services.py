"""Writes of the ledger (DOMAIN §4): receivables from issued invoices and receipts allocated
to them; supplier invoices on purchase contracts and payments allocated to them; the
double-entry postings of all of them. Every entry balances; numbers are gapless."""

import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils.translation import gettext as _

from backoffice.accounts.models import User
from backoffice.core.access import permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import ZERO, round_amount, sum_amounts, to_decimal
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.ledger.allocations import AllocationSide, allocation_apply, allocation_shares
from backoffice.ledger.exceptions import Unbalanced
from backoffice.ledger.models import (
    Account,
    JournalEntry,
    JournalLine,
    PaymentAllocation,
    Receipt,
    ReceiptAllocation,
    Receivable,
    SupplierInvoice,
    SupplierPayment,
)
from backoffice.ledger.selectors import payable_source

# The chart of accounts' codes (企业会计准则) that postings name.
CASH, BANK, BILLS, AR, ADVANCES, OUTPUT_VAT, REVENUE = (
    "1001",
    "1002",
    "1121",
    "1122",
    "2203",
    "22210106",
    "6001",
)
# The payables side (purchase contracts): supplier invoices and payments.
INVENTORY, PREPAYMENTS, BILLS_PAYABLE, AP, INPUT_VAT = (
    "1405",
    "1123",
    "2201",
    "2202",
    "22210101",
)
# Receivables brought in from a previous system (期初余额) are balanced against retained
# earnings: the revenue behind them was booked there before. Sales registers it.
OPENING = "4104"
METHOD_ACCOUNT = {"bank": BANK, "bill": BILLS, "cash": CASH}
PAYMENT_ACCOUNT = {"bank": BANK, "bill": BILLS_PAYABLE, "cash": CASH}

# The chart of accounts: each app registers, from its apps.py, the accounts it posts to;
# `accounts_sync` writes them after every migrate.
_accounts: dict[str, tuple[str, str]] = {}


def register_account(code: str, name: str, kind: str) -> None:
    if _accounts.get(code, (name, kind)) != (name, kind):
        raise ImproperlyConfigured(f"account {code} is registered twice, differently")
    _accounts[code] = (name, kind)


def registered_accounts() -> list[tuple[str, str, str]]:
    """(code, name, kind) of every registered account, by code."""
    return [(code, name, kind) for code, (name, kind) in sorted(_accounts.items())]


def ledger_accounts_register() -> None:
    """The accounts the ledger's own services post to (called from LedgerConfig.ready)."""
    for code, name, kind in [
        (CASH, "库存现金", Account.Kind.ASSET),
        (BANK, "银行存款", Account.Kind.ASSET),
        (BILLS, "应收票据", Account.Kind.ASSET),
        (AR, "应收账款", Account.Kind.ASSET),
        (ADVANCES, "预收账款", Account.Kind.LIABILITY),
        (OUTPUT_VAT, "应交税费—应交增值税（销项税额）", Account.Kind.LIABILITY),
        (REVENUE, "主营业务收入", Account.Kind.REVENUE),
        (INVENTORY, "库存商品", Account.Kind.ASSET),
        (PREPAYMENTS, "预付账款", Account.Kind.ASSET),
        (BILLS_PAYABLE, "应付票据", Account.Kind.LIABILITY),
        (AP, "应付账款", Account.Kind.LIABILITY),
        (INPUT_VAT, "应交税费—应交增值税（进项税额）", Account.Kind.LIABILITY),
    ]:
        register_account(code, name, kind)


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
PAYMENTS = AllocationSide(
    item_model=SupplierInvoice,
    item_field="invoice",
    total_field="gross_amount",
    settled_field="paid_amount",
    party_field="supplier",
    allocation_model=PaymentAllocation,
    document_field="payment",
    not_open_message=lambda: _("not an open invoice of this supplier"),
)


def _money_checked(amount: Any, method: str, methods: dict[str, str]) -> Decimal:
    """The amount of a receipt or payment, more than 0, by a known method."""
    amount = round_amount(to_decimal(amount))
    if amount <= 0:
        raise ValidationFailed(extra={"fields": {"amount": [_("must be more than 0")]}})
    if method not in methods:
        raise ValidationFailed(extra={"fields": {"method": [_("unknown method")]}})
    return amount


def accounts_sync(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """The chart of accounts the postings use; applied after every migrate."""
    for code, name, kind in registered_accounts():
        Account.objects.using(using).get_or_create(code=code, defaults={"name": name, "kind": kind})


def journal_post(
    *,
    posted_on: date,
    source_model: str,
    source_id: int,
    source_number: str,
    memo: str,
    lines: list[tuple[str, int | None, Decimal, Decimal]],
    by: User | None,
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


# — Payables (应付): supplier invoices and payments on purchase contracts.


@permission_required("ledger.keep_payables")
@transaction.atomic
def supplier_invoice_create(
    *,
    contract: Any,
    by: User,
    vat_invoice_number: str,
    issued_on: date,
    gross_amount: Any,
    tax_amount: Any,
    due_on: date | None = None,
) -> SupplierInvoice:
    """A supplier's invoice on a purchase contract in force, within the contract's amount
    (the contract's own rules, registered by `contracts`): posts inventory and input VAT
    against accounts payable."""
    gross = round_amount(to_decimal(gross_amount))
    tax = round_amount(to_decimal(tax_amount))
    errors = {}
    number = vat_invoice_number.strip()
    if not re.fullmatch(r"\d{8}|\d{20}", number):
        errors["vat_invoice_number"] = [_("8 digits (paper) or 20 digits (fully digital)")]
    if gross <= 0:
        errors["gross_amount"] = [_("must be more than 0")]
    if tax < 0 or tax >= gross > 0:
        errors["tax_amount"] = [_("between 0 and the amount")]
    if errors:
        raise ValidationFailed(extra={"fields": errors})
    contract = payable_source().check(getattr(contract, "pk", contract), gross)
    supplier = contract.counterparty
    invoice = SupplierInvoice(
        number=next_number(kind="AP", year=issued_on.year),
        contract=contract,
        supplier=supplier,
        vat_invoice_number=number,
        issued_on=issued_on,
        due_on=due_on or issued_on + timedelta(days=supplier.payment_terms_days),
        gross_amount=gross,
        net_amount=gross - tax,
        tax_amount=tax,
        created_by=by,
    )
    model_save(instance=invoice, by=by)
    journal_post(
        posted_on=issued_on,
        source_model="ledger.supplierinvoice",
        source_id=invoice.pk,
        source_number=invoice.number,
        memo=_("Supplier invoice %(number)s on %(contract)s")
        % {"number": number, "contract": contract.number},
        lines=[
            (INVENTORY, None, gross - tax, ZERO),
            (INPUT_VAT, None, tax, ZERO),
            (AP, supplier.pk, ZERO, gross),
        ],
        by=by,
    )
    return invoice


@permission_required("ledger.keep_payables")
@transaction.atomic
def supplier_payment_create(
    *,
    supplier: Any,
    by: User,
    amount: Any,
    paid_on: date,
    method: str = SupplierPayment.Method.BANK,
    bank_reference: str = "",
    allocations: list[dict[str, Any]] | None = None,
) -> SupplierPayment:
    """A payment to a supplier, allocated to its invoices, never beyond what is outstanding;
    a remainder is a prepayment. Posts AP (and prepayment) against the bank."""
    amount = _money_checked(amount, method, PAYMENT_ACCOUNT)
    wanted = allocation_shares(side=PAYMENTS, rows=allocations, amount=amount)
    payment = SupplierPayment(
        number=next_number(kind="PY", year=paid_on.year),
        supplier=supplier,
        paid_on=paid_on,
        amount=amount,
        method=method,
        bank_reference=bank_reference.strip(),
        created_by=by,
    )
    model_save(instance=payment, by=by, validate=False)
    applied = allocation_apply(side=PAYMENTS, document=payment, party_id=supplier.pk, wanted=wanted)
    allocated = sum_amounts(share for _item, share in applied)
    journal_post(
        posted_on=paid_on,
        source_model="ledger.supplierpayment",
        source_id=payment.pk,
        source_number=payment.number,
        memo=_("Payment %s") % payment.number,
        lines=[
            (AP, supplier.pk, allocated, ZERO),
            (PREPAYMENTS, supplier.pk, amount - allocated, ZERO),
            (PAYMENT_ACCOUNT[method], None, ZERO, amount),
        ],
        by=by,
    )
    return payment
