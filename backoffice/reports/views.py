"""Report pages of the staff UI.

A bad query parameter (`?date_from=abc`, an unknown grouping) is never a 500 nor a default
put silently in its place: the page comes back with status 400, the form holding what was
typed and the field's error beside it, and no figures until the values are right."""

import io
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook

from backoffice.core.api import query_date
from backoffice.core.excel import neutralise, xlsx_response
from backoffice.core.exceptions import ApplicationError, ValidationFailed
from backoffice.core.money import ZERO
from backoffice.reports.selectors.billing import GROUPS, billing_params, billing_statistics
from backoffice.reports.selectors.params import report_dates

PAGE_ROWS = 500  # sales statistics rows on a page
PRINT_ROWS = 1000  # and in its PDF (about sixty pages, some ten seconds of WeasyPrint)
CHART_COLOURS = ["#ef4444", "#3b82f6", "#f59e0b", "#10b981", "#8b5cf6", "#ec4899"]
OTHERS_COLOUR = "#9ca3af"


def _titles() -> dict[str, str]:
    """The form fields of the report pages, as their errors name them."""
    return {
        "date_from": _("Start date"),
        "date_to": _("End date"),
        "as_of": _("As of"),
        "period": _("Period"),
        "basis": _("Basis"),
        "group_by": _("Group by"),
        "kind": _("Contract kind"),
    }


def field_errors(
    error: ApplicationError, params: Mapping[str, Any], choices: Mapping[str, Iterable[str]]
) -> dict[str, list[str]]:
    """A report's refused parameters as its form shows them: {field: [message…]}. A value
    of a list that the form offers (`choices`) can only be wrong when typed into the
    address: it is "not one of the values offered", not the codes the API lists."""
    fields = (error.extra or {}).get("fields") or {"": [error.message]}
    errors = {}
    for field, messages in fields.items():
        allowed = choices.get(field)
        values = [v for v in str(params.get(field) or "").split(",") if v]
        if allowed is not None and any(v not in allowed for v in values):
            messages = [_("not one of the values offered")]
        errors[field] = [str(m) for m in messages]
    return errors


def error_context(errors: dict[str, list[str]]) -> dict[str, Any]:
    """What a report's form needs to show its errors: per field (to mark the input) and as
    a list of "field: message" (reports/form_errors.html)."""
    titles = _titles()
    return {
        "errors": errors,
        "error_list": [
            (titles.get(field, ""), message)
            for field, messages in errors.items()
            for message in messages
        ],
    }


def _typed(params: Mapping[str, Any], *names: str) -> dict[str, str]:
    """What was typed into a refused form, to show it again; what was left out, as the
    report would have read it."""
    from django.utils import timezone

    today = timezone.localdate()
    defaults = {
        "date_from": today.replace(month=1, day=1).isoformat(),
        "date_to": today.isoformat(),
        "as_of": today.isoformat(),
        "period": "month",
        "basis": "ordered",
    }
    return {name: params.get(name) or defaults.get(name, "") for name in names}


def _refused(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The report page without figures, its form showing the errors: status 400."""
    context = {**admin.site.each_context(request), **context}
    return TemplateResponse(request, template, context, status=400)


def _group_param(request: HttpRequest, default: str = "") -> Any:
    """The query with `group_by` from the form's grouping lists (`g`, repeated), or as
    the address gives it."""
    params = request.GET.copy()
    chosen = ",".join(g for g in request.GET.getlist("g") if g)
    params["group_by"] = chosen or params.get("group_by") or default
    return params


def billing_view(request: HttpRequest) -> HttpResponse:
    """Billing statistics: filters, a table with totals, and Excel export."""
    if not request.user.has_perm("sales.view_invoice"):
        raise PermissionDenied
    params = _group_param(request, default="month")
    labels = {
        "month": _("Month"),
        "rep": _("Rep"),
        "customer": _("Customer"),
        "invoice_type": _("Invoice type"),
    }
    try:
        date_from, date_to, group_by = billing_params(params)
    except ValidationFailed as error:
        chosen = params["group_by"].split(",")
        return _refused(
            request,
            "reports/billing.html",
            {
                "title": _("Billing statistics"),
                "form": _typed(params, "date_from", "date_to"),
                "groups": [(g, labels[g], g in chosen) for g in GROUPS],
                **error_context(field_errors(error, params, {"group_by": GROUPS})),
            },
        )
    rows, totals = billing_statistics(
        by=request.user, date_from=date_from, date_to=date_to, group_by=group_by
    )
    columns = []  # (row key, title): names, and a customer's code before its name
    for group in group_by:
        if group == "customer":
            columns.append(("customer", _("Customer code")))
        columns.append((f"{group}_name" if group != "month" else group, labels[group]))
    if request.GET.get("format") == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(
            [title for _key, title in columns]
            + [_("Invoices"), _("Amount (incl. VAT)"), _("Net amount"), _("VAT")]
        )
        for row in rows:
            sheet.append(
                [neutralise(row[key]) for key, _title in columns]
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
        "rows": [{"keys": [row[key] for key, _title in columns], **row} for row in rows],
        "totals": totals,
        "columns": [title for _key, title in columns],
        "groups": [(g, labels[g], g in group_by) for g in GROUPS],
        "form": {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
        "query": params.urlencode(),
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
    except ValidationFailed as error:
        return _refused(
            request,
            "reports/aging.html",
            {
                "title": _("Receivables aging"),
                "form": _typed(request.GET, "as_of"),
                **error_context(field_errors(error, request.GET, {})),
            },
        )
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
        "form": {"as_of": as_of.isoformat()},
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
    except ValidationFailed as error:
        chosen_period, chosen_kind = request.GET.get("period"), request.GET.get("kind")
        return _refused(
            request,
            "reports/contract_statistics.html",
            {
                "title": _("Contract statistics"),
                "form": _typed(request.GET, "date_from", "date_to"),
                "periods": [(p, p == chosen_period) for p in PERIODS],
                "kinds": [
                    (value, label, value == chosen_kind) for value, label in Contract.Kind.choices
                ],
                **error_context(
                    field_errors(
                        error, request.GET, {"period": PERIODS, "kind": Contract.Kind.values}
                    )
                ),
            },
        )
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
        "form": {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
        "query": request.GET.urlencode(),
    }
    return TemplateResponse(request, "reports/contract_statistics.html", context)


def general_ledger_view(request: HttpRequest) -> HttpResponse:
    """The general ledger for a period: per account, opening, debit, credit, closing."""
    from backoffice.ledger.selectors import general_ledger

    if not request.user.has_perm("ledger.view_general_ledger"):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    date_from, date_to = report_dates(request.GET, errors)
    if errors:
        return _refused(
            request,
            "reports/general_ledger.html",
            {
                "title": _("General ledger"),
                "form": _typed(request.GET, "date_from", "date_to"),
                **error_context(errors),
            },
        )
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
        "form": {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
    }
    return TemplateResponse(request, "reports/general_ledger.html", context)


def _chart_columns(chart: dict[str, Any]) -> dict[str, Any]:
    """The chart's stacked columns: per period, one segment per series (its height in per
    cent of the highest period), and the legend. A negative amount (a returned delivery, a
    red letter) is in the tooltip but draws nothing."""
    series = chart["series"]
    colours = [OTHERS_COLOUR if s["others"] else CHART_COLOURS[i % 6] for i, s in enumerate(series)]
    heights = [
        sum((max(s["amounts"][i], ZERO) for s in series), ZERO)
        for i in range(len(chart["periods"]))
    ]
    peak = max(heights, default=ZERO) or 1
    columns = []
    for i, period in enumerate(chart["periods"]):
        total = sum((s["amounts"][i] for s in series), ZERO)
        segments = [
            {
                "label": s["label"],
                "amount": s["amounts"][i],
                "height": float(max(s["amounts"][i], ZERO) * 100 / peak),
                "colour": colour,
            }
            for s, colour in zip(series, colours, strict=True)
            if s["amounts"][i]
        ]
        columns.append({"period": period, "total": total, "segments": segments})
    return {
        "columns": columns,
        "legend": [(colour, s["label"]) for s, colour in zip(series, colours, strict=True)],
        "grouped": len(series) > 1 or bool(series and series[0]["others"]),
    }


def sales_view(request: HttpRequest) -> HttpResponse:
    """Sales statistics: filters, a chart, the table with comparisons, Excel and PDF."""
    from backoffice.core.printing import print_language, render_document
    from backoffice.reports.selectors.sales import (
        BASES,
        GROUPS,
        PERIODS,
        SalesRows,
        basis_labels,
        group_columns,
        group_labels,
        sales_chart,
        sales_params,
        sales_statistics,
        sales_totals,
        sales_workbook,
    )

    if not request.user.has_perm("sales.view_salesorder"):
        raise PermissionDenied
    params = _group_param(request)
    labels = group_labels()
    period_labels = {
        "day": _("Daily"),
        "week": _("Weekly"),
        "month": _("Monthly"),
        "quarter": _("Quarterly"),
        "year": _("Annual"),
    }
    choices = {
        "group_choices": [(g, labels[g]) for g in GROUPS],
        "periods": [(p, period_labels[p]) for p in PERIODS],
        "bases": [(b, basis_labels()[b]) for b in BASES],
    }
    try:
        query = sales_params(params)
    except ValidationFailed as error:
        chosen = [g for g in params["group_by"].split(",") if g][:2]
        return _refused(
            request,
            "reports/sales.html",
            {
                "title": _("Sales statistics"),
                "form": _typed(params, "date_from", "date_to", "period", "basis"),
                "chosen": chosen + [""] * (2 - len(chosen)),
                **choices,
                **error_context(
                    field_errors(
                        error, params, {"period": PERIODS, "basis": BASES, "group_by": GROUPS}
                    )
                ),
            },
        )
    if request.GET.get("format") == "xlsx":
        report = sales_statistics(by=request.user, query=query)
        return xlsx_response(sales_workbook(query, report), filename=_("sales statistics"))
    columns = group_columns(query.group_by)
    # Three years by month, region and product is a hundred thousand rows: the page reads
    # and shows them a page at a time, the PDF the first few thousand; the workbook has them
    # all. The chart is summed by the database.
    printing = request.GET.get("format") == "pdf"
    rows = SalesRows(request.user, query)
    page = None if printing else Paginator(rows, PAGE_ROWS).get_page(request.GET.get("page"))
    shown = rows[:PRINT_ROWS] if page is None else page.object_list
    report = {"totals": sales_totals(by=request.user, query=query)}
    links = params.copy()
    links.pop("page", None)
    links.pop("g", None)  # carried as group_by
    context = {
        **admin.site.each_context(request),
        "title": _("Sales statistics"),
        "query": query,
        "form": {
            "date_from": query.date_from.isoformat(),
            "date_to": query.date_to.isoformat(),
            "period": query.period,
            "basis": query.basis,
        },
        "report": report,
        "rows": [  # a code is empty for a product in no category: shown as the packs do
            {"keys": [row[key] or "—" for key, _title in columns], **row} for row in shown
        ],
        "page": page,
        "row_count": len(rows),
        "print_rows": PRINT_ROWS,
        "group_columns": [title for _key, title in columns],
        "chosen": list(query.group_by) + [""] * (2 - len(query.group_by)),
        **choices,
        "basis_label": basis_labels()[query.basis],
        "chart": _chart_columns(sales_chart(request.user, query, rows.counts)),
        "querystring": links.urlencode(),
    }
    if printing:
        with print_language():  # a Chinese paper: its columns and basis worded in Chinese
            context["group_columns"] = [title for _key, title in group_columns(query.group_by)]
            context["basis_label"] = basis_labels()[query.basis]
        return render_document(request, "reports/sales_print.html", context, filename="sales")
    return TemplateResponse(request, "reports/sales.html", context)


EXPENSE_LABELS = {
    "region": gettext_lazy("Region"),
    "category": pgettext_lazy("expenses", "Category"),
    "month": gettext_lazy("Month"),
}


def _expense_measures() -> list[tuple[str, str]]:
    return [
        ("budget", _("Budget")),
        ("committed", _("Committed")),
        ("spent", _("Spent")),
        ("available", _("Available")),
        ("used_percent", _("Used %")),
        ("petty_cash", _("Petty cash")),
    ]


def _expense_workbook(columns, rows, totals, shares, holders) -> bytes:
    """Three sheets: against budget, marketing share of sales, petty cash per holder."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Against budget")
    measures = _expense_measures()
    sheet.append([str(title) for _key, title in columns] + [title for _key, title in measures])
    for row in [*rows, {**totals, **{key: "" for key, _t in columns}}]:
        sheet.append(
            [neutralise(row[key]) for key, _title in columns]
            + [row[key] if row[key] is not None else "" for key, _title in measures]
        )
    sheet.cell(row=sheet.max_row, column=1, value=_("Total"))
    share = book.create_sheet(_("Marketing share of sales"))
    share.append([_("Region"), _("Month"), _("Marketing spent"), _("Sales (excl. VAT)"), "%"])
    for row in shares:
        share.append(
            [
                neutralise(row["region_name"]),
                row["month"],
                row["marketing_spent"],
                row["sales"],
                row["share_percent"] if row["share_percent"] is not None else "",
            ]
        )
    petty = book.create_sheet(_("Petty cash per holder"))
    petty.append(
        [
            _("Holder"),
            _("Float"),
            _("Region"),
            _("Status"),
            _("Float amount"),
            _("Cash on hand"),
            _("Paid out"),
            _("Settled"),
            _("Not yet settled"),
        ]
    )
    for row in holders:
        petty.append(
            [neutralise(row["holder_name"]), row["float"], neutralise(row["region_name"])]
            + [str(row["status"])]
            + [row[k] for k in ("amount", "cash_on_hand", "spent", "settled", "unsettled")]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def expenses_view(request: HttpRequest) -> HttpResponse:
    """Expense statistics: spending against budget by region, category and month, marketing
    expense as a share of sales, petty cash per holder; Excel export."""
    from backoffice.reports.selectors.expenses import (
        GROUPS as EXPENSE_GROUPS,
    )
    from backoffice.reports.selectors.expenses import (
        expense_params,
        expense_statistics,
        marketing_share,
        petty_cash_holders,
    )

    if not request.user.has_perm("expenses.view_expenseapplication"):
        raise PermissionDenied
    params = _group_param(request, default="region,category")
    try:
        date_from, date_to, group_by = expense_params(params)
    except ValidationFailed as error:
        chosen = params["group_by"].split(",")
        return _refused(
            request,
            "reports/expenses.html",
            {
                "title": _("Expense statistics"),
                "form": _typed(params, "date_from", "date_to"),
                "groups": [(g, EXPENSE_LABELS[g], g in chosen) for g in EXPENSE_GROUPS],
                **error_context(field_errors(error, params, {"group_by": EXPENSE_GROUPS})),
            },
        )
    rows, totals = expense_statistics(
        by=request.user, date_from=date_from, date_to=date_to, group_by=group_by
    )
    shares = marketing_share(by=request.user, date_from=date_from, date_to=date_to)
    holders = petty_cash_holders(by=request.user, date_from=date_from, date_to=date_to)
    columns = [
        (f"{group}_name" if group != "month" else group, EXPENSE_LABELS[group])
        for group in group_by
    ]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            _expense_workbook(columns, rows, totals, shares, holders),
            filename=_("expense statistics"),
        )
    measures = _expense_measures()
    context = {
        **admin.site.each_context(request),
        "title": _("Expense statistics"),
        "columns": [title for _key, title in columns],
        "measures": [title for _key, title in measures],
        "rows": [
            {
                "keys": [row[key] for key, _t in columns],
                "values": [row[key] for key, _t in measures],
                "over": row["budget"] > 0 and row["available"] < 0,
            }
            for row in rows
        ],
        "totals": [totals[key] for key, _t in measures],
        "shares": shares,
        "holders": holders,
        "groups": [(g, EXPENSE_LABELS[g], g in group_by) for g in EXPENSE_GROUPS],
        "form": {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
        "query": params.urlencode(),
    }
    return TemplateResponse(request, "reports/expenses.html", context)


MATERIAL_LABELS = {
    "month": gettext_lazy("Month"),
    "kind": pgettext_lazy("material", "Kind"),
    "region": gettext_lazy("Region"),
    "rep": gettext_lazy("Rep"),
    "customer": gettext_lazy("Customer"),
    "purpose": pgettext_lazy("material issue", "Purpose"),
}


def _materials_workbook(columns, rows, totals, printing, mailing) -> bytes:
    """Three sheets: materials used (net of returns), printing jobs received, mailing."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Materials used")
    sheet.append([str(title) for _key, title in columns] + [_("Quantity"), _("Cost")])
    for row in rows:
        sheet.append([neutralise(row[key]) for key, _t in columns] + [row["quantity"], row["cost"]])
    sheet.append([_("Total")] + [""] * (len(columns) - 1) + [totals["quantity"], totals["cost"]])
    jobs = book.create_sheet(_("Printing"))
    jobs.append([_("Month"), str(MATERIAL_LABELS["kind"]), _("Jobs"), _("Quantity"), _("Cost")])
    for row in printing:
        jobs.append([row["month"], row["kind_name"], row["jobs"], row["quantity"], row["cost"]])
    mail = book.create_sheet(_("Mailing"))
    mail.append([_("Month"), _("Carrier"), _("Kind"), _("Shipments"), _("Cost")])
    for row in mailing:
        mail.append(
            [row["month"], row["carrier_name"], row["kind_name"], row["shipments"], row["cost"]]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def materials_view(request: HttpRequest) -> HttpResponse:
    """Materials cost statistics: what left stock, net of returns, by month, item kind,
    region, rep, customer and purpose; printing jobs received; Excel export."""
    from backoffice.reports.selectors.materials import GROUPS as MATERIAL_GROUPS
    from backoffice.reports.selectors.materials import (
        mailing_cost,
        materials_cost,
        materials_params,
        printing_cost,
    )

    if not request.user.has_perm("materials.view_stockmove"):
        raise PermissionDenied
    params = _group_param(request, default="month,kind")
    try:
        date_from, date_to, group_by = materials_params(params)
    except ValidationFailed as error:
        chosen = params["group_by"].split(",")
        return _refused(
            request,
            "reports/materials.html",
            {
                "title": _("Materials cost statistics"),
                "form": _typed(params, "date_from", "date_to"),
                "groups": [(g, MATERIAL_LABELS[g], g in chosen) for g in MATERIAL_GROUPS],
                **error_context(field_errors(error, params, {"group_by": MATERIAL_GROUPS})),
            },
        )
    rows, totals = materials_cost(
        by=request.user, date_from=date_from, date_to=date_to, group_by=group_by
    )
    printing = printing_cost(by=request.user, date_from=date_from, date_to=date_to)
    mailing = mailing_cost(by=request.user, date_from=date_from, date_to=date_to)
    columns = [(f"{g}_name", MATERIAL_LABELS[g]) for g in group_by]
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            _materials_workbook(columns, rows, totals, printing, mailing),
            filename=_("materials cost statistics"),
        )
    context = {
        **admin.site.each_context(request),
        "title": _("Materials cost statistics"),
        "columns": [title for _key, title in columns],
        "rows": [
            {
                "keys": [row[key] for key, _t in columns],
                "quantity": row["quantity"],
                "cost": row["cost"],
            }
            for row in rows
        ],
        "totals": totals,
        "printing": printing,
        "mailing": mailing,
        "groups": [(g, MATERIAL_LABELS[g], g in group_by) for g in MATERIAL_GROUPS],
        "form": {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()},
        "query": params.urlencode(),
    }
    return TemplateResponse(request, "reports/materials.html", context)
