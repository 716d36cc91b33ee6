"""Billing statistics for finance (DOMAIN §4): issued invoices and red letters by period,
rep, customer and invoice type, from the totals frozen on each invoice."""

from datetime import date
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.access import Actor
from backoffice.core.api import query_date
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import ZERO, round_amount
from backoffice.sales.models import Invoice
from backoffice.sales.selectors import invoice_visible_to

GROUPS = {
    "month": ("month", None),
    "rep": ("owner__username", "owner__full_name"),
    "customer": ("customer__code", "customer__name"),
    "invoice_type": ("invoice_type", None),
}


def billing_params(params: Any) -> tuple[date, date, list[str]]:
    """date_from (default 1 January), date_to (default today) and group_by from a query."""
    today = timezone.localdate()
    date_from = query_date(params, "date_from", today.replace(month=1, day=1))
    date_to = query_date(params, "date_to", today)
    group_by = [g for g in params.get("group_by", "month").split(",") if g]
    if not group_by or any(g not in GROUPS for g in group_by):
        raise ValidationFailed(
            extra={"fields": {"group_by": [_("choose from: %s") % ", ".join(GROUPS)]}}
        )
    return date_from, date_to, group_by


def billing_statistics(
    *, by: Actor, date_from: date, date_to: date, group_by: list[str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows of {group values…, invoices, gross_amount, net_amount, tax_amount}, and totals."""
    unknown = [g for g in group_by if g not in GROUPS]
    if unknown:
        raise ValueError(f"unknown grouping: {', '.join(unknown)}")
    invoices = invoice_visible_to(by).filter(
        status=Invoice.Status.ISSUED, issued_on__gte=date_from, issued_on__lte=date_to
    )
    if "month" in group_by:
        invoices = invoices.annotate(month=TruncMonth("issued_on"))
    keys = [field for g in group_by for field in GROUPS[g] if field]
    rows = (
        invoices.values(*keys)
        .annotate(
            invoices=Count("id"),
            gross=Sum("gross_amount"),
            net=Sum("net_amount"),
            tax=Sum("tax_amount"),
        )
        .order_by(*keys)
    )
    labels = dict(Invoice.InvoiceType.choices)
    result, totals = (
        [],
        {"invoices": 0, "gross_amount": ZERO, "net_amount": ZERO, "tax_amount": ZERO},
    )
    for row in rows:
        item: dict[str, Any] = {}
        for group in group_by:
            code_field, name_field = GROUPS[group]
            value = row[code_field]
            if group == "month":
                value = value.strftime("%Y-%m") if hasattr(value, "strftime") else str(value)[:7]
            item[group] = value
            if name_field:
                item[f"{group}_name"] = row[name_field]
            if group == "invoice_type":
                item["invoice_type_name"] = str(labels.get(value, value))
        amounts = {
            "gross_amount": round_amount(row["gross"] or 0),
            "net_amount": round_amount(row["net"] or 0),
            "tax_amount": round_amount(row["tax"] or 0),
        }
        item |= {"invoices": row["invoices"], **amounts}
        result.append(item)
        totals["invoices"] += row["invoices"]
        for key, value in amounts.items():
            totals[key] += value
    return result, totals
