"""Report pages of the staff UI."""

import io

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from backoffice.core.api import query_date
from backoffice.core.excel import neutralise, xlsx_response
from backoffice.core.exceptions import ApplicationError
from backoffice.core.money import ZERO
from backoffice.reports.selectors.billing import GROUPS, billing_params, billing_statistics

PAGE_ROWS = 500  # sales statistics rows on a page
PRINT_ROWS = 3000  # and in its PDF (about seventy pages)


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


def _performance_sheet(performance) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = performance.contract.number
    measures = [_("Ordered"), _("Delivered"), _("Invoiced"), _("Paid")]
    sheet.append(
        [_("Line"), _("Product / item"), _("Contracted quantity"), _("Contracted amount")]
        + [f"{m} {_('quantity')}" for m in measures[:3]]
        + [f"{m} {_('amount')}" for m in measures]
        + [f"{m} %" for m in measures]
    )
    for row in [*performance.lines, performance.total]:
        data = row.as_dict()
        sheet.append(
            [
                data["line_no"] or _("Total"),
                neutralise(data["label"]),
                data["contracted_quantity"],
                data["contracted_amount"],
            ]
            + [data[f"{m}_quantity"] for m in ("ordered", "delivered", "invoiced")]
            + [data[f"{m}_amount"] for m in ("ordered", "delivered", "invoiced", "paid")]
            + [data[f"{m}_percent"] for m in ("ordered", "delivered", "invoiced", "paid")]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def contract_performance_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A contract's performance list; ?format=pdf is the statement sent to the customer,
    ?format=xlsx the list as a workbook."""
    from backoffice.contracts.selectors import access_contract
    from backoffice.core.exceptions import NotFound
    from backoffice.core.money import rmb_upper
    from backoffice.core.printing import render_document
    from backoffice.sales.performance import contract_performance

    if not request.user.has_perm("contracts.view_contract"):
        raise PermissionDenied
    try:
        contract = access_contract(request.user, pk)
    except NotFound as exc:
        from django.http import Http404

        raise Http404 from exc
    performance = contract_performance(contract)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(_performance_sheet(performance), filename=contract.number)
    context = {
        "contract": contract,
        "performance": performance,
        "rows": [row.as_dict() for row in performance.lines],
        "total": performance.total.as_dict(),
        "amount_words": rmb_upper(contract.amount),
    }
    if request.GET.get("format") == "pdf" or request.GET.get("print"):
        return render_document(
            request, "reports/contract_statement.html", context, filename=contract.number
        )
    context.update(admin.site.each_context(request), title=_("Performance of %s") % contract)
    return TemplateResponse(request, "reports/contract_performance.html", context)


def contract_statistics_view(request: HttpRequest) -> HttpResponse:
    """Monthly, quarterly or annual contract statistics: a table, a chart, Excel."""
    from django.utils import timezone

    from backoffice.contracts.models import Contract
    from backoffice.reports.selectors.contracts import (
        PERIODS,
        contract_statistics,
        contract_statistics_params,
    )

    if not request.user.has_perm("contracts.view_contract"):
        raise PermissionDenied
    try:
        date_from, date_to, period, kind = contract_statistics_params(request.GET)
    except ApplicationError as error:
        from django.contrib import messages

        messages.error(request, str(error.message))
        today = timezone.localdate()
        date_from, date_to, period, kind = today.replace(month=1, day=1), today, "month", ""
    rows, totals = contract_statistics(
        by=request.user, date_from=date_from, date_to=date_to, period=period, kind=kind
    )
    headers = [
        _("Period"),
        _("Contracts signed"),
        _("Signed amount"),
        _("Ordered"),
        _("Delivered"),
        _("Invoiced"),
        _("Received"),
    ]
    keys = ["signed", "signed_amount", "ordered", "delivered", "invoiced", "received"]
    if request.GET.get("format") == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(headers)
        for row in rows:
            sheet.append([row["period"], *[row[k] for k in keys]])
        sheet.append([_("Total"), *[totals[k] for k in keys]])
        buffer = io.BytesIO()
        book.save(buffer)
        return xlsx_response(buffer.getvalue(), filename=_("contract statistics"))
    series = [
        ("ordered", _("Ordered"), "#fca5a5"),
        ("delivered", _("Delivered"), "#ef4444"),
        ("invoiced", _("Invoiced"), "#991b1b"),
        ("received", _("Received"), "#16a34a"),
    ]
    peak = max([row[k] for row in rows for k, _l, _c in series] or [1]) or 1
    context = {
        **admin.site.each_context(request),
        "title": _("Contract statistics"),
        "headers": headers,
        "rows": [
            {
                "period": row["period"],
                "values": [row[k] for k in keys],
                "bars": [
                    (label, int(row[k] * 100 / peak), colour) for (k, label, colour) in series
                ],
            }
            for row in rows
        ],
        "totals": [totals[k] for k in keys],
        "legend": [(colour, label) for _k, label, colour in series],
        "periods": [(p, p == period) for p in PERIODS],
        "kinds": [(value, label, value == kind) for value, label in Contract.Kind.choices],
        "date_from": date_from,
        "date_to": date_to,
        "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "reports/contract_statistics.html", context)


def general_ledger_view(request: HttpRequest) -> HttpResponse:
    """The general ledger for a period: per account, opening, debit, credit, closing."""
    from django.utils import timezone

    from backoffice.ledger.selectors import general_ledger

    if not request.user.has_perm("ledger.view_general_ledger"):
        raise PermissionDenied
    today = timezone.localdate()
    try:
        date_from = query_date(request.GET, "date_from", today.replace(month=1, day=1))
        date_to = query_date(request.GET, "date_to", today)
    except ApplicationError:
        date_from, date_to = today.replace(month=1, day=1), today
    rows, totals = general_ledger(date_from=date_from, date_to=date_to)
    headers = [
        _("Account"),
        _("Name"),
        _("Opening balance"),
        _("Debit"),
        _("Credit side"),
        _("Closing balance"),
    ]
    if request.GET.get("format") == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(headers)
        for row in rows:
            sheet.append(
                [
                    row["account"],
                    row["name"],
                    row["opening"],
                    row["debit"],
                    row["credit"],
                    row["closing"],
                ]
            )
        sheet.append(
            [
                _("Total"),
                "",
                totals["opening"],
                totals["debit"],
                totals["credit"],
                totals["closing"],
            ]
        )
        buffer = io.BytesIO()
        book.save(buffer)
        return xlsx_response(buffer.getvalue(), filename=_("general ledger"))
    context = {
        **admin.site.each_context(request),
        "title": _("General ledger"),
        "headers": headers,
        "rows": rows,
        "totals": totals,
        "date_from": date_from,
        "date_to": date_to,
    }
    return TemplateResponse(request, "reports/general_ledger.html", context)


def sales_view(request: HttpRequest) -> HttpResponse:
    """Sales statistics: filters, a chart, the table with comparisons, Excel and PDF."""
    from collections import defaultdict

    from django.contrib import messages

    from backoffice.core.printing import render_document
    from backoffice.reports.selectors.sales import (
        BASES,
        GROUPS,
        PERIODS,
        sales_params,
        sales_statistics,
        sales_workbook,
    )

    if not request.user.has_perm("sales.view_salesorder"):
        raise PermissionDenied
    params = request.GET.copy()
    params["group_by"] = ",".join(g for g in request.GET.getlist("g") if g) or params.get(
        "group_by", ""
    )
    try:
        query = sales_params(params)
    except ApplicationError as error:
        messages.error(request, f"{error.message} {error.extra.get('fields', '')}")
        query = sales_params({})
    report = sales_statistics(by=request.user, query=query)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(sales_workbook(query, report), filename=_("sales statistics"))
    labels = {
        "region": _("Region"),
        "rep": _("Rep"),
        "customer": _("Customer"),
        "customer_kind": _("Customer kind"),
        "product": _("Product"),
        "category": _("Category"),
    }
    basis_labels = {
        "ordered": _("Ordered"),
        "delivered": _("Delivered"),
        "invoiced": _("Invoiced"),
        "received": _("Received"),
    }
    period_labels = {
        "day": _("Daily"),
        "week": _("Weekly"),
        "month": _("Monthly"),
        "quarter": _("Quarterly"),
        "year": _("Annual"),
    }
    per_period = defaultdict(lambda: ZERO)
    for row in report["rows"]:
        per_period[row["period"]] += row["amount"]
    # Three years by month, region and product is a hundred thousand rows: the page shows
    # them a page at a time, the PDF the first few thousand; the workbook has them all.
    printing = request.GET.get("format") == "pdf"
    page = Paginator(report["rows"], PAGE_ROWS).get_page(request.GET.get("page"))
    shown = report["rows"][:PRINT_ROWS] if printing else page.object_list
    links = request.GET.copy()
    links.pop("page", None)
    peak = max(per_period.values(), default=ZERO) or 1
    context = {
        **admin.site.each_context(request),
        "title": _("Sales statistics"),
        "query": query,
        "report": report,
        "rows": [  # a product in no category has the empty code: shown as the packs do
            {"keys": [row[g] or "—" for g in query.group_by], **row} for row in shown
        ],
        "page": page,
        "row_count": len(report["rows"]),
        "print_rows": PRINT_ROWS,
        "group_columns": [labels[g] for g in query.group_by],
        "group_choices": [(g, labels[g]) for g in GROUPS],
        "chosen": list(query.group_by) + [""] * (2 - len(query.group_by)),
        "periods": [(p, period_labels[p]) for p in PERIODS],
        "bases": [(b, basis_labels[b]) for b in BASES],
        "basis_label": basis_labels[query.basis],
        "chart": [
            (label, amount, int(amount * 100 / peak)) for label, amount in per_period.items()
        ],
        "querystring": links.urlencode(),
    }
    if printing:
        return render_document(request, "reports/sales_print.html", context, filename="sales")
    return TemplateResponse(request, "reports/sales.html", context)
