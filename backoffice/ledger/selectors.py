"""Reads of the ledger: receipts by visibility, the customer statement, AR aging."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from backoffice.core.access import access_object, scope_for_user
from backoffice.core.money import ZERO, round_amount
from backoffice.ledger.models import Account, JournalLine, Receipt, ReceiptAllocation, Receivable

CUSTOMER_ACCOUNTS = ("1122", "2203")  # receivable and advances: what the customer owes net
BUCKETS = [(30, "0-30"), (60, "31-60"), (90, "61-90"), (180, "91-180"), (None, "180+")]


def receipt_visible_to(user: Any) -> QuerySet[Receipt]:
    return scope_for_user(
        Receipt.objects.all(),
        user,
        all_perm="ledger.view_all_receipts",
        region_perm="ledger.view_region_receipts",
    )


def access_receipt(by: Any, receipt_id: Any) -> Receipt:
    return access_object(receipt_visible_to(by).select_related("customer"), receipt_id)


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


def aging(*, as_of: date, customers: QuerySet) -> tuple[list[AgingRow], dict[str, Decimal]]:
    """Open receivables as of a date, by days past their due date (not yet due counts 0).

    One GROUP BY in the database: each receivable's amount less what was received by then,
    summed per customer into the buckets by due date. Nothing is loaded row by row."""
    received = (
        ReceiptAllocation.objects.filter(receivable=OuterRef("pk"), receipt__received_on__lte=as_of)
        .values("receivable")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    open_amount = ExpressionWrapper(
        F("amount") - Coalesce(Subquery(received), Value(ZERO)),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )
    buckets = {}
    lower = None
    for limit, name in BUCKETS:
        # days past due = as_of − due_on; a bucket (lower, limit] in days is a due_on range
        condition = Q()
        if limit is not None:
            condition &= Q(due_on__gte=as_of - timedelta(days=limit))
        if lower is not None:
            condition &= Q(due_on__lt=as_of - timedelta(days=lower))
        buckets[name] = Coalesce(
            Sum("open", filter=condition, output_field=DecimalField()), Value(ZERO)
        )
        lower = limit
    grouped = (
        Receivable.objects.filter(customer__in=customers, issued_on__lte=as_of)
        .annotate(open=open_amount)
        .values("customer_id")
        .annotate(**{f"b{index}": expr for index, expr in enumerate(buckets.values())})
        .order_by()
    )
    rows: list[AgingRow] = []
    totals = {bucket: ZERO for _d, bucket in BUCKETS}
    grouped = [row for row in grouped if any(row[f"b{i}"] for i in range(len(BUCKETS)))]
    customer_model = customers.model
    names = {
        pk: (name, pinyin)
        for pk, name, pinyin in customer_model.objects.filter(
            pk__in=[row["customer_id"] for row in grouped]
        ).values_list("pk", "name", "name_pinyin")
    }
    for row in grouped:
        item = AgingRow(row["customer_id"], names.get(row["customer_id"], ("", ""))[0])
        for index, (_limit, bucket) in enumerate(BUCKETS):
            amount = round_amount(row[f"b{index}"])  # SQLite sums decimals as floats' text
            item.buckets[bucket] = amount
            totals[bucket] += amount
        rows.append(item)
    rows.sort(key=lambda item: (names.get(item.customer_id, ("", ""))[1], item.customer_id))
    return rows, totals


def receivables_overdue(customers: QuerySet, *, today: date) -> QuerySet[Receivable]:
    """Invoices past their due date and not fully received."""
    return Receivable.objects.filter(
        customer__in=customers, due_on__lt=today, amount__gt=0, allocated_amount__lt=F("amount")
    ).select_related("customer")


def customer_open_receivables(customer: Any) -> Decimal:
    """Issued invoices not yet paid, net of red letters (for the credit check)."""
    totals = Receivable.objects.filter(customer=customer).aggregate(
        amount=Sum("amount"), received=Sum("allocated_amount")
    )
    return (totals["amount"] or ZERO) - (totals["received"] or ZERO)


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
