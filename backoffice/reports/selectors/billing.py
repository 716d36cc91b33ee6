"""Billing statistics for finance (DOMAIN §4): issued invoices and red letters by period,
rep, customer and invoice type, from the totals frozen on each invoice."""

from datetime import date
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from backoffice.core.access import Actor
from backoffice.core.money import ZERO, round_amount
from backoffice.reports.selectors.params import refuse_if, report_dates
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
    errors: dict[str, list[str]] = {}
    date_from, date_to = report_dates(params, errors)
    group_by = [g for g in (params.get("group_by") or "month").split(",") if g]
    if any(g not in GROUPS for g in group_by):
        errors["group_by"] = [_("choose from: %s") % ", ".join(GROUPS)]
    refuse_if(errors)
    return date_from, date_to, group_by


def billing_statistics(
    *, by: Actor, date_from: date, date_to: date, group_by: list[str]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Rows of {group values…, invoices, gross_amount, net_amount, tax_amount}, and totals.
    A rep, a customer and an invoice type come as their code (`rep`: the username) and
    their name in the reader's language (`rep_name`)."""
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
                item[f"{group}_name"] = row[name_field] or value
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
