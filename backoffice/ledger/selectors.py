"""Reads of the ledger: receipts by visibility, the customer statement, AR aging."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import (
    Count,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce

from backoffice.accounts.models import User
from backoffice.core.access import Actor, access_object, scope_for_user, visibility_selector
from backoffice.core.money import ZERO, round_amount
from backoffice.ledger.models import (
    Account,
    JournalEntry,
    JournalLine,
    Receipt,
    ReceiptAllocation,
    Receivable,
    SupplierInvoice,
    SupplierPayment,
)
from backoffice.ledger.models.receivables import OPEN as RECEIVABLE_OPEN

CUSTOMER_ACCOUNTS = ("1122", "2203")  # receivable and advances: what the customer owes net
BUCKETS = [(30, "0-30"), (60, "31-60"), (90, "61-90"), (180, "91-180"), (None, "180+")]


def receipt_visible_to(user: Any) -> QuerySet[Receipt]:
    return scope_for_user(
        Receipt.objects.all(),
        user,
        all_perm="ledger.view_all_receipts",
        region_perm="ledger.view_region_receipts",
    )


def receivable_visible_to(user: Any) -> QuerySet[Receivable]:
    """A receivable is visible when its customer is."""
    return Receivable.objects.filter(customer__in=customer_visible_to(user))


def journal_entry_visible_to(user: Any) -> QuerySet[JournalEntry]:
    """The whole book for those who see the general ledger; else the entries that post to a
    customer the user may see (a rep's receipts and invoices)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return JournalEntry.objects.none()
    if user.has_perm("ledger.view_general_ledger"):
        return JournalEntry.objects.all()
    lines = JournalLine.objects.filter(customer__in=customer_visible_to(user)).values("entry")
    return JournalEntry.objects.filter(pk__in=lines)


def access_receipt(by: Actor, receipt_id: Any) -> Receipt:
    return access_object(receipt_visible_to(by).select_related("customer"), receipt_id)


@dataclass(frozen=True)
class PayableSource:
    """What supplier invoices are recorded on (purchase contracts). The app that owns it
    plugs in which of them a user may see, which of those take a new invoice, and
    `check(source_id, gross_amount)`, which locks the source, enforces its rules (in force,
    within its amount) and returns it."""

    visible_to: Callable[[User], QuerySet]
    open_to: Callable[[User], QuerySet]
    check: Callable[[int, Decimal], Any]


_payable_source: list[PayableSource] = []


def register_payable_source(
    *,
    visible_to: Callable[[User], QuerySet],
    open_to: Callable[[User], QuerySet],
    check: Callable[[int, Decimal], Any],
) -> None:
    _payable_source[:] = [PayableSource(visible_to=visible_to, open_to=open_to, check=check)]


def payable_source() -> PayableSource:
    if not _payable_source:
        raise ImproperlyConfigured("no app registered what supplier invoices are recorded on")
    return _payable_source[0]


def supplier_invoice_visible_to(user: Any) -> QuerySet[SupplierInvoice]:
    """The supplier invoices on the purchase contracts the user may see."""
    return SupplierInvoice.objects.filter(contract__in=payable_source().visible_to(user))


def supplier_payment_visible_to(user: Any) -> QuerySet[SupplierPayment]:
    """A payment is visible when its supplier (a party) is."""
    return SupplierPayment.objects.filter(supplier__in=customer_visible_to(user))


def access_payable_source(by: Actor, source_id: Any) -> Any:
    """The purchase contract a supplier invoice is recorded on, if the user may see it."""
    return access_object(payable_source().visible_to(by), source_id)


def customer_visible_to(user: Any) -> QuerySet:
    """The customers this user may see, by the customers app's own rule (through the
    visibility registry: the ledger sits beside parties and does not import it)."""
    return visibility_selector("parties.customer")(user)


def access_customer(user: Any, customer_id: Any) -> Any:
    return access_object(customer_visible_to(user), customer_id)


def receivable_for_source(*, source_model: str, source_id: int) -> Receivable | None:
    return Receivable.objects.filter(source_model=source_model, source_id=source_id).first()


def customer_statement(*, customer: Any, date_from: date, date_to: date) -> dict[str, Any]:
    """The customer's subsidiary ledger: opening balance, movements, closing balance."""
    lines = JournalLine.objects.filter(customer=customer, account__code__in=CUSTOMER_ACCOUNTS)
    before = lines.filter(posted_on__lt=date_from).aggregate(d=Sum("debit"), c=Sum("credit"))
    opening = (before["d"] or ZERO) - (before["c"] or ZERO)
    balance = opening
    rows = []
    movements = (
        lines.filter(posted_on__gte=date_from, posted_on__lte=date_to)
        .select_related("entry", "account")
        .order_by("posted_on", "entry_id", "id")
    )
    for line in movements:
        balance += line.debit - line.credit
        rows.append(
            {
                "date": line.posted_on,
                "voucher": line.entry.number,
                "document": line.entry.source_number,
                "account": line.account.code,
                "memo": line.entry.memo,
                "debit": line.debit,
                "credit": line.credit,
                "balance": balance,
            }
        )
    return {"opening": opening, "lines": rows, "closing": balance}


@dataclass
class AgingRow:
    customer_id: int
    customer: str
    buckets: dict[str, Decimal] = field(default_factory=lambda: {b: ZERO for _d, b in BUCKETS})

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


def _bucket_sums(value: Any, due_field: str, as_of: date) -> dict[str, Any]:
    """Sum(value) per bucket of days past due: a bucket (lower, limit] in days past due is a
    range of due dates, so each bucket is a plain filtered SUM."""
    sums, lower = {}, None
    for index, (limit, _name) in enumerate(BUCKETS):
        condition = Q()
        if limit is not None:
            condition &= Q(**{f"{due_field}__gte": as_of - timedelta(days=limit)})
        if lower is not None:
            condition &= Q(**{f"{due_field}__lt": as_of - timedelta(days=lower)})
        sums[f"b{index}"] = Sum(value, filter=condition, output_field=DecimalField())
        lower = limit
    return sums


# What is still to be received on a receivable: its amount less what receipts paid and red
# letters reversed. Every receivables figure (dashboard, overdue list and to-dos, aging,
# credit check, statement) is read through these two, so they agree with account 1122.
OUTSTANDING = F("amount") - F("allocated_amount") - F("credited_amount")
OPEN = RECEIVABLE_OPEN


def receivables_open(customers: QuerySet) -> QuerySet[Receivable]:
    """The customers' receivables not yet settled (a red letter never is open: it nets
    against the invoice it reverses)."""
    return Receivable.objects.filter(OPEN, customer__in=customers)


def aging(*, as_of: date, customers: QuerySet) -> tuple[list[AgingRow], dict[str, Decimal]]:
    """Open receivables as of a date, by days past their due date (not yet due counts 0).

    Exact for any date, and fast where it matters: what was open as of a date is what is
    open now (a partial index holds only open receivables) plus what was settled after that
    date — shares allocated later (a share released back later is negative) and red letters
    issued later. Three GROUP BYs; settled history is never read."""
    open_now = (
        receivables_open(customers)
        .filter(issued_on__lte=as_of)
        .values("customer_id", "customer__name", "customer__name_pinyin")
        .annotate(**_bucket_sums(OUTSTANDING, "due_on", as_of))
        .order_by()
    )
    received_later = (
        ReceiptAllocation.objects.filter(
            allocated_on__gt=as_of,
            receivable__issued_on__lte=as_of,
            receivable__customer__in=customers,
        )
        .values(
            "receivable__customer_id",
            "receivable__customer__name",
            "receivable__customer__name_pinyin",
        )
        .annotate(**_bucket_sums(F("amount"), "receivable__due_on", as_of))
        .order_by()
    )
    reversed_later = (
        Receivable.objects.filter(
            issued_on__gt=as_of,
            reverses__issued_on__lte=as_of,
            customer__in=customers,
        )
        .values("customer_id", "customer__name", "customer__name_pinyin")
        .annotate(**_bucket_sums(-F("amount"), "reverses__due_on", as_of))
        .order_by()
    )
    sums: dict[int, list[Decimal]] = {}
    keys = [f"b{index}" for index in range(len(BUCKETS))]
    names: dict[int, tuple[str, str]] = {}
    for rows, key in (
        (open_now, "customer"),
        (received_later, "receivable__customer"),
        (reversed_later, "customer"),
    ):
        fields = (f"{key}_id", f"{key}__name", f"{key}__name_pinyin", *keys)
        for row in rows.values_list(*fields):
            names[row[0]] = (row[1], row[2])
            target = sums.get(row[0])
            if target is None:
                sums[row[0]] = [value or ZERO for value in row[3:]]
            else:
                for index, value in enumerate(row[3:]):
                    if value:
                        target[index] += value
    sums = {pk: values for pk, values in sums.items() if any(values)}
    rows: list[AgingRow] = []
    totals = {bucket: ZERO for _d, bucket in BUCKETS}
    for customer_id, values in sums.items():
        item = AgingRow(customer_id, names.get(customer_id, ("", ""))[0])
        for index, (_limit, bucket) in enumerate(BUCKETS):
            if values[index]:
                amount = round_amount(values[index])  # SQLite sums to more places
                item.buckets[bucket] = amount
                totals[bucket] += amount
        rows.append(item)
    rows.sort(key=lambda item: (names.get(item.customer_id, ("", ""))[1], item.customer_id))
    return rows, totals


def receivable_balances(customers: QuerySet, *, today: date) -> dict[str, Any]:
    """What the customers owe on invoices not yet settled: in all, overdue, and how many
    invoices are overdue (the same rule as receivables_overdue). One query."""
    money = DecimalField(max_digits=18, decimal_places=2)
    overdue = Q(due_on__lt=today)
    totals = receivables_open(customers).aggregate(
        open=Coalesce(Sum(OUTSTANDING), ZERO, output_field=money),
        overdue=Coalesce(Sum(OUTSTANDING, filter=overdue), ZERO, output_field=money),
        overdue_count=Count("id", filter=overdue),
    )
    return {
        "open": round_amount(totals["open"]),
        "overdue": round_amount(totals["overdue"]),
        "overdue_count": totals["overdue_count"],
    }


def receivables_overdue(customers: QuerySet, *, today: date) -> QuerySet[Receivable]:
    """Invoices past their due date and not yet settled."""
    return receivables_open(customers).filter(due_on__lt=today).select_related("customer")


def open_receivables(customer: Any) -> QuerySet[Receivable]:
    """One customer's invoices that can still take money, the oldest due first (the rows a
    receipt is allocated from)."""
    return Receivable.objects.filter(OPEN, customer=customer).order_by("due_on", "issued_on", "id")


def customer_open_receivables(customer: Any) -> Decimal:
    """What the customer still owes on its invoices (for the credit check): the same
    figure as its aging row, the dashboard and its account 1122."""
    money = DecimalField(max_digits=18, decimal_places=2)
    total = (
        open_receivables(customer)
        .order_by()
        .aggregate(open=Coalesce(Sum(OUTSTANDING), ZERO, output_field=money))["open"]
    )
    return round_amount(total)


def customer_credit(customer: Any, *, as_of: date | None = None) -> Decimal:
    """The customer's credit: what its receipts left unallocated (account 2203), to be
    applied to invoices later."""
    money = DecimalField(max_digits=18, decimal_places=2)
    receipts = Receipt.objects.filter(customer=customer)
    allocations = ReceiptAllocation.objects.filter(receipt__customer=customer)
    if as_of is not None:
        receipts = receipts.filter(received_on__lte=as_of)
        allocations = allocations.filter(allocated_on__lte=as_of)
    received = receipts.aggregate(s=Coalesce(Sum("amount"), ZERO, output_field=money))["s"]
    allocated = allocations.aggregate(s=Coalesce(Sum("amount"), ZERO, output_field=money))["s"]
    return round_amount(received - allocated)


def general_ledger(*, date_from: date, date_to: date) -> tuple[list[dict[str, Any]], dict]:
    """Per account: opening balance, the period's debits and credits, closing balance
    (debit − credit), in two GROUP BYs over the journal lines."""
    before = {
        row["account_id"]: row["balance"]
        for row in JournalLine.objects.filter(posted_on__lt=date_from)
        .values("account_id")
        .annotate(balance=Sum("debit") - Sum("credit"))
        .order_by()
    }
    during = {
        row["account_id"]: (row["debit"], row["credit"])
        for row in JournalLine.objects.filter(posted_on__gte=date_from, posted_on__lte=date_to)
        .values("account_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    }
    rows = []
    for account in Account.objects.order_by("code"):
        opening = round_amount(before.get(account.pk) or ZERO)
        debit, credit = (round_amount(v or ZERO) for v in during.get(account.pk, (ZERO, ZERO)))
        rows.append(
            {
                "account": account.code,
                "name": account.name,
                "kind": account.kind,
                "opening": opening,
                "debit": debit,
                "credit": credit,
                "closing": opening + debit - credit,
            }
        )
    totals = {
        key: sum((row[key] for row in rows), ZERO)
        for key in ("opening", "debit", "credit", "closing")
    }
    return rows, totals
