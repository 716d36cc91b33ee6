"""Contract statistics (DOMAIN §3, S1 §2.2): per month, quarter or year, the contracts
signed and the contract business carried out — ordered, delivered, invoiced and received —
over the contracts the user may see."""

from datetime import date
from typing import Any

from django.db.models import Count, DateField, DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from backoffice.contracts.models import Contract
from backoffice.contracts.selectors import contract_visible_to
from backoffice.core.access import Actor
from backoffice.core.money import ZERO, round_amount
from backoffice.ledger.models import ReceiptAllocation
from backoffice.reports.selectors.params import refuse_if, report_dates
from backoffice.sales.models import Delivery, DeliveryLine, Invoice, SalesOrder, SalesOrderLine

PERIODS = ("month", "quarter", "year")
MEASURES = ("signed_amount", "ordered", "delivered", "invoiced", "received")


def period_label(month: date, period: str) -> str:
    if period == "year":
        return f"{month.year}"
    if period == "quarter":
        return f"{month.year}-Q{(month.month - 1) // 3 + 1}"
    return f"{month.year}-{month.month:02d}"


def contract_statistics_params(params: Any) -> tuple[date, date, str, str]:
    errors: dict[str, list[str]] = {}
    date_from, date_to = report_dates(params, errors)
    period = params.get("period") or "month"
    kind = params.get("kind") or ""
    if period not in PERIODS:
        errors["period"] = [_("choose from: %s") % ", ".join(PERIODS)]
    if kind and kind not in Contract.Kind.values:
        errors["kind"] = [_("choose from: %s") % ", ".join(Contract.Kind.values)]
    refuse_if(errors)
    return date_from, date_to, period, kind


def _by_month(queryset: QuerySet, date_field: str, value: Any) -> dict[date, Any]:
    rows = (
        # A datetime is truncated on the company's local day (the current time zone).
        queryset.annotate(month=TruncMonth(date_field, output_field=DateField()))
        .values("month")
        .annotate(total=value)
        .order_by()
    )
    return {row["month"]: row["total"] or ZERO for row in rows}


def contract_statistics(
    *, by: Actor, date_from: date, date_to: date, period: str = "month", kind: str = ""
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows of {period, signed, signed_amount, ordered, delivered, invoiced, received}."""
    contracts = contract_visible_to(by)
    if kind:
        contracts = contracts.filter(kind=kind)
    signed = contracts.filter(signed_on__gte=date_from, signed_on__lte=date_to)
    order_lines = SalesOrderLine.objects.filter(
        contract_line__contract__in=contracts,
        order__status__in=SalesOrder.COMMITTED_STATUSES,
        order__ordered_on__gte=date_from,
        order__ordered_on__lte=date_to,
    )
    delivered_value = ExpressionWrapper(
        F("quantity") * F("order_line__unit_price"),
        output_field=DecimalField(max_digits=30, decimal_places=9),
    )
    delivery_lines = DeliveryLine.objects.filter(
        order_line__contract_line__contract__in=contracts,
        delivery__status__in=(
            Delivery.Status.RELEASED,
            Delivery.Status.SHIPPED,
            Delivery.Status.SIGNED,
        ),
        delivery__released_at__date__gte=date_from,
        delivery__released_at__date__lte=date_to,
    )
    invoices = Invoice.objects.filter(
        order__contract__in=contracts,
        status=Invoice.Status.ISSUED,
        issued_on__gte=date_from,
        issued_on__lte=date_to,
    )
    allocations = ReceiptAllocation.objects.filter(
        receivable__source_model="sales.invoice",
        receivable__source_id__in=Invoice.objects.filter(order__contract__in=contracts).values(
            "id"
        ),
        receipt__received_on__gte=date_from,
        receipt__received_on__lte=date_to,
    )
    series = {
        "signed": _by_month(signed, "signed_on", Count("id")),
        "signed_amount": _by_month(signed, "signed_on", Sum("amount")),
        "ordered": _by_month(order_lines, "order__ordered_on", Sum("gross_amount")),
        "delivered": _by_month(delivery_lines, "delivery__released_at", Sum(delivered_value)),
        "invoiced": _by_month(invoices, "issued_on", Sum("gross_amount")),
        "received": _by_month(allocations, "receipt__received_on", Sum("amount")),
    }
    rows: dict[str, dict[str, Any]] = {}
    for measure, values in series.items():
        for month, value in values.items():
            label = period_label(month, period)
            row = rows.setdefault(
                label, {"period": label, "signed": 0, **dict.fromkeys(MEASURES, ZERO)}
            )
            row[measure] += value
    ordered_rows = [rows[label] for label in sorted(rows)]
    for row in ordered_rows:
        for measure in MEASURES:
            row[measure] = round_amount(row[measure])
    totals = {
        "signed": sum(row["signed"] for row in ordered_rows),
        **{m: sum((row[m] for row in ordered_rows), ZERO) for m in MEASURES},
    }
    return ordered_rows, totals
