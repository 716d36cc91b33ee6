"""What goes into a report pack (the read side): the periods a day completes, and the
sections of a pack — sales summary and by region, rep, category or customer with the change
on the previous period and last year; from a month up contract statistics, billing statistics
and AR aging at the period's end."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from backoffice.core.access import COMPANY
from backoffice.core.money import ZERO, round_amount
from backoffice.ledger.selectors import BUCKETS, aging
from backoffice.parties.models import Customer
from backoffice.reports.models import PackKind
from backoffice.reports.selectors.billing import billing_statistics
from backoffice.reports.selectors.contracts import contract_statistics
from backoffice.reports.selectors.sales import (
    SalesQuery,
    group_columns,
    previous_start,
    sales_statistics,
)

PERIOD = {
    PackKind.DAILY: "day",
    PackKind.MONTHLY: "month",
    PackKind.QUARTERLY: "quarter",
    PackKind.ANNUAL: "year",
}


SIGNED_OFF_KINDS = (PackKind.MONTHLY, PackKind.QUARTERLY, PackKind.ANNUAL)


AGING_TOP = 30


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    note: str = ""
    text_columns: int = 1  # the leading columns that are words, not numbers


def pack_period(kind: str, start: date) -> tuple[date, date, str]:
    """The period of a pack beginning on `start`: (first day, last day, label)."""
    if kind == PackKind.DAILY:
        return start, start, start.isoformat()
    if kind == PackKind.ANNUAL:
        return start, date(start.year, 12, 31), f"{start.year}"
    months = 1 if kind == PackKind.MONTHLY else 3
    month = start.month - 1 + months
    end = date(start.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    if kind == PackKind.MONTHLY:
        return start, end, f"{start.year}-{start.month:02d}"
    return start, end, f"{start.year}-Q{(start.month - 1) // 3 + 1}"


def periods_completed(today: date) -> list[tuple[str, date]]:
    """The packs whose period ended yesterday: (kind, first day of the period)."""
    yesterday = today - timedelta(days=1)
    due = [(PackKind.DAILY, yesterday)]
    if today.day == 1:
        due.append((PackKind.MONTHLY, yesterday.replace(day=1)))
        if today.month in (1, 4, 7, 10):
            due.append((PackKind.QUARTERLY, previous_start(today.replace(day=1), "quarter")))
        if today.month == 1:
            due.append((PackKind.ANNUAL, date(today.year - 1, 1, 1)))
    return due


def _count(quantity: Decimal) -> Decimal | int:
    """Whole quantities read as whole numbers."""
    return int(quantity) if quantity == quantity.to_integral_value() else quantity


def _pct(change: str | None) -> str:
    return f"{change}%" if change is not None else "—"


def _sales_rows(query: SalesQuery, group: str) -> Section:
    """A section of the sales by one grouping, largest first: names in the pack's language,
    and a customer's code in its own column."""
    report = sales_statistics(by=COMPANY, query=query)
    titles = {
        "region": _("Sales by region"),
        "rep": _("Sales by rep"),
        "category": _("Sales by product category"),
        "customer": _("Sales by customer"),
    }
    columns = group_columns((group,))
    section = Section(
        title=titles[group],
        text_columns=len(columns),
        columns=[
            *(title for _key, title in columns),
            _("Quantity"),
            _("Amount (incl. VAT)"),
            _("Net amount"),
            _("Orders"),
            _("vs previous period"),
            _("vs last year"),
        ],
    )
    for row in sorted(report["rows"], key=lambda r: -r["amount"]):
        section.rows.append(
            [
                *(row[key] or "—" for key, _title in columns),
                _count(row["quantity"]),
                row["amount"],
                row["net_amount"],
                row["orders"],
                _pct(row["change_previous"]),
                _pct(row["change_last_year"]),
            ]
        )
    totals = report["totals"]
    section.total = [
        _("Total"),
        *[""] * (len(columns) - 1),
        _count(totals["quantity"]),
        totals["amount"],
        totals["net_amount"],
        totals["orders"],
        "",
        "",
    ]
    return section


def pack_sections(kind: str, start: date, end: date) -> list[Section]:
    period = PERIOD[kind]
    summary = Section(
        title=_("Summary"),
        columns=[
            _("Basis"),
            _("Amount (incl. VAT)"),
            _("Net amount"),
            _("Orders"),
            _("vs previous period"),
            _("vs last year"),
        ],
    )
    for basis, label in (
        ("ordered", _("Ordered")),
        ("delivered", _("Delivered")),
        ("invoiced", _("Invoiced")),
    ):
        report = sales_statistics(by=COMPANY, query=SalesQuery(start, end, period, (), basis))
        row = report["rows"][0] if report["rows"] else None
        summary.rows.append(
            [
                label,
                report["totals"]["amount"],
                report["totals"]["net_amount"],
                report["totals"]["orders"],
                _pct(row["change_previous"]) if row else "—",
                _pct(row["change_last_year"]) if row else "—",
            ]
        )
    sections = [summary]
    groups = (
        ("region", "rep", "customer") if kind == PackKind.DAILY else ("region", "rep", "category")
    )
    for group in groups:
        sections.append(_sales_rows(SalesQuery(start, end, period, (group,), "ordered"), group))
    if kind == PackKind.DAILY:
        return sections
    contracts, contract_totals = contract_statistics(
        by=COMPANY, date_from=start, date_to=end, period=period
    )
    measures = ["signed", "signed_amount", "ordered", "delivered", "invoiced", "received"]
    sections.append(
        Section(
            title=_("Contract performance"),
            columns=[
                _("Period"),
                _("Signed"),
                _("Signed amount"),
                _("Ordered"),
                _("Delivered"),
                _("Invoiced"),
                _("Received"),
            ],
            rows=[[row["period"], *(row[m] for m in measures)] for row in contracts],
            total=[_("Total"), *(contract_totals[m] for m in measures)],
        )
    )
    billing, billing_totals = billing_statistics(
        by=COMPANY, date_from=start, date_to=end, group_by=["invoice_type"]
    )
    sections.append(
        Section(
            title=_("Billing statistics"),
            columns=[
                _("Invoice type"),
                _("Invoices"),
                _("Amount (incl. VAT)"),
                _("Net amount"),
                _("VAT"),
            ],
            rows=[
                [
                    row["invoice_type_name"],
                    row["invoices"],
                    row["gross_amount"],
                    row["net_amount"],
                    row["tax_amount"],
                ]
                for row in billing
            ],
            total=[
                _("Total"),
                billing_totals["invoices"],
                billing_totals["gross_amount"],
                billing_totals["net_amount"],
                billing_totals["tax_amount"],
            ],
        )
    )
    rows, totals = aging(as_of=end, customers=Customer.objects.all())
    buckets = [name for _limit, name in BUCKETS]
    largest = sorted(rows, key=lambda row: -row.total)[:AGING_TOP]
    sections.append(
        Section(
            title=_("Receivables aging at %(date)s") % {"date": end.isoformat()},
            columns=[_("Customer"), *buckets, _("Total")],
            rows=[  # two decimals each, an empty bucket too (0.00, not 0)
                [row.customer, *(round_amount(row.buckets[b]) for b in buckets), row.total]
                for row in largest
            ],
            total=[
                _("Total"),
                *(round_amount(totals[b]) for b in buckets),
                round_amount(sum(totals.values(), ZERO)),
            ],
            note=_("The %(count)d customers who owe most, of %(all)d.")
            % {"count": len(largest), "all": len(rows)}
            if len(rows) > AGING_TOP
            else "",
        )
    )
    return sections
