"""Report pages of the staff UI."""

import io

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from backoffice.core.api import query_date
from backoffice.core.excel import neutralise, xlsx_response
from backoffice.core.exceptions import ApplicationError
from backoffice.reports.billing import GROUPS, billing_params, billing_statistics


def billing_view(request: HttpRequest) -> HttpResponse:
    """Billing statistics: filters, a table with totals, and Excel export."""
    if not request.user.has_perm("sales.view_invoice"):
        raise PermissionDenied
    try:
        date_from, date_to, group_by = billing_params(request.GET)
    except ApplicationError:
        from django.utils import timezone

        today = timezone.localdate()
        date_from, date_to, group_by = today.replace(month=1, day=1), today, ["month"]
    rows, totals = billing_statistics(
        by=request.user, date_from=date_from, date_to=date_to, group_by=group_by
    )
    labels = {
        "month": _("Month"),
        "rep": _("Rep"),
        "customer": _("Customer"),
        "invoice_type": _("Invoice type"),
    }
    columns = [(g, labels[g]) for g in group_by]
    if request.GET.get("format") == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(
            [label for _g, label in columns]
            + [_("Invoices"), _("Amount (incl. VAT)"), _("Net amount"), _("VAT")]
        )
        for row in rows:
            keys = [row.get(f"{g}_name") or row[g] for g, _label in columns]
            sheet.append(
                [neutralise(k) for k in keys]
                + [row["invoices"], row["gross_amount"], row["net_amount"], row["tax_amount"]]
            )
        sheet.append(
            [_("Total")]
            + [""] * (len(columns) - 1)
            + [
                totals["invoices"],
                totals["gross_amount"],
                totals["net_amount"],
                totals["tax_amount"],
            ]
        )
        buffer = io.BytesIO()
        book.save(buffer)
        return xlsx_response(buffer.getvalue(), filename=_("billing statistics"))
    context = {
        **admin.site.each_context(request),
        "title": _("Billing statistics"),
        "rows": [
            {"keys": [row.get(f"{g}_name") or row[g] for g, _label in columns], **row}
            for row in rows
        ],
        "totals": totals,
        "columns": columns,
        "groups": [(g, labels[g], g in group_by) for g in GROUPS],
        "date_from": date_from,
        "date_to": date_to,
        "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "reports/billing.html", context)


def aging_view(request: HttpRequest) -> HttpResponse:
    """AR aging as of a date: open receivables by days past due, per customer."""
    if not request.user.has_perm("ledger.view_receivable"):
        raise PermissionDenied
    from django.utils import timezone

    from backoffice.ledger.selectors import BUCKETS, aging
    from backoffice.parties.selectors import customer_visible_to

    try:
        as_of = query_date(request.GET, "as_of", timezone.localdate())
    except ApplicationError:
        as_of = timezone.localdate()
    rows, totals = aging(as_of=as_of, customers=customer_visible_to(request.user))
    buckets = [name for _limit, name in BUCKETS]
    if request.GET.get("format") == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append([_("Customer"), *buckets, _("Total")])
        for row in rows:
            sheet.append([neutralise(row.customer), *[row.buckets[b] for b in buckets], row.total])
        sheet.append([_("Total"), *[totals[b] for b in buckets], sum(totals.values())])
        buffer = io.BytesIO()
        book.save(buffer)
        return xlsx_response(buffer.getvalue(), filename=_("receivables aging"))
    context = {
        **admin.site.each_context(request),
        "title": _("Receivables aging"),
        "as_of": as_of,
        "buckets": buckets,
        "rows": [{"row": row, "amounts": [row.buckets[b] for b in buckets]} for row in rows],
        "totals": [totals[b] for b in buckets],
        "grand_total": sum(totals.values()),
    }
    return TemplateResponse(request, "reports/aging.html", context)
