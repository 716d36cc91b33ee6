"""Sales statistics (DOMAIN §12, seed S1 §1.1): by day, week, month, quarter or year; by up to
two of region, rep, customer, customer kind, product and category; on the ordered,
delivered, invoiced or received basis; with quantity, amount, net amount and order count, and the
change against the previous period and the same period last year.

It reads the daily sales facts and the imported history through one view
(sales/models/facts.py, SalesFactRow), never the document lines, so a year over a million
lines is a GROUP BY over a few hundred thousand summary rows at most; without a product
grouping, over the all-product rows only. Whole months by product, region and category read
the imported lines summed by month instead (SalesFactMonthRow): three years by region and
product is a hundred thousand rows, not a million."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, DateField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import (
    Cast,
    TruncDay,
    TruncMonth,
    TruncQuarter,
    TruncWeek,
    TruncYear,
)
from django.utils.translation import gettext as _

from backoffice.accounts.models import Region, User
from backoffice.catalog.models import Product, ProductCategory
from backoffice.core.access import Actor
from backoffice.core.money import ZERO, round_amount, round_percent, round_quantity
from backoffice.parties.models import Customer
from backoffice.reports.selectors.params import refuse_if, report_dates
from backoffice.sales.models import SalesFact, SalesFactMonthRow, SalesFactRow
from backoffice.sales.models.facts import FactRow

PERIODS = {
    "day": TruncDay,
    "week": TruncWeek,
    "month": TruncMonth,
    "quarter": TruncQuarter,
    "year": TruncYear,
}
GROUPS = {
    "region": "region_id",
    "rep": "owner_id",
    "customer": "customer_id",
    "customer_kind": "customer_kind",
    "product": "product_id",
    "category": "category_id",
}
MONTHLY_GROUPS = {"product", "region", "category"}  # what HistoryMonth keeps
BASES = {
    "ordered": SalesFact.Basis.ORDERED,
    "delivered": SalesFact.Basis.DELIVERED,
    "invoiced": SalesFact.Basis.INVOICED,
    "received": SalesFact.Basis.RECEIVED,
}
ZERO_AMOUNT = Decimal("0.00")
ROW_MEASURES = (
    "quantity",
    "amount",
    "net_amount",
    "orders",
    "previous_amount",
    "change_previous",
    "last_year_amount",
    "change_last_year",
)


@dataclass(frozen=True)
class SalesQuery:
    date_from: date
    date_to: date
    period: str
    group_by: tuple[str, ...]
    basis: str


def basis_codes(basis: str) -> tuple[int, ...]:
    """A basis's facts, and imported history, which counts as ordered, delivered and
    invoiced (its receipts come in as opening balances, not as sales)."""
    if basis == "received":
        return (SalesFact.Basis.RECEIVED,)
    return (BASES[basis], SalesFact.Basis.HISTORY)


def sales_params(params: Any) -> SalesQuery:
    errors: dict[str, list[str]] = {}
    date_from, date_to = report_dates(params, errors)
    period = params.get("period") or "month"
    basis = params.get("basis") or "ordered"
    group_by = tuple(g for g in (params.get("group_by") or "").split(",") if g)
    if period not in PERIODS:
        errors["period"] = [_("choose from: %s") % ", ".join(PERIODS)]
    if basis not in BASES:
        errors["basis"] = [_("choose from: %s") % ", ".join(BASES)]
    if len(group_by) > 2 or len(set(group_by)) != len(group_by):
        errors["group_by"] = [_("up to two different groupings")]
    elif any(g not in GROUPS for g in group_by):
        errors["group_by"] = [_("choose from: %s") % ", ".join(GROUPS)]
    if "date_to" not in errors and (date_to - date_from).days > 3660:
        errors["date_to"] = [_("at most ten years at a time")]
    refuse_if(errors)
    return SalesQuery(date_from, date_to, period, group_by, basis)


def period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    if period == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if period == "year":
        return day.replace(month=1, day=1)
    return day


def period_label(start: date, period: str) -> str:
    if period == "week":
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{start.year}-{start.month:02d}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if period == "year":
        return f"{start.year}"
    return start.isoformat()


def previous_start(start: date, period: str) -> date:
    if period == "day":
        return start - timedelta(days=1)
    if period == "week":
        return start - timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[period]
    month = start.month - months
    year = start.year + (month - 1) // 12
    return start.replace(year=year, month=(month - 1) % 12 + 1)


def last_year_start(start: date, period: str) -> date:
    if period == "week":  # the same ISO week of the previous year
        year, week, _weekday = start.isocalendar()
        return date.fromisocalendar(year - 1, min(week, 52), 1)
    if start.month == 2 and start.day == 29:
        return start.replace(year=start.year - 1, day=28)
    return start.replace(year=start.year - 1)


def visible_facts(by: Actor, *, whole_months: bool = False) -> QuerySet[FactRow]:
    """The facts and the imported history (SalesFactRow), by the same rule as the
    documents: all, own regions, or own customers (STYLE §7). `whole_months`: the caller
    reads whole months, grouped by no more than product, region and category; then the
    imported lines come summed by month (SalesFactMonthRow), unless the rule is a rep's
    own customers (those sums have no rep)."""
    model = SalesFactMonthRow if whole_months else SalesFactRow
    if not getattr(by, "is_authenticated", False) or not by.is_active:
        return model.objects.none()
    if by.has_perm("sales.view_all_orders"):
        return model.objects.all()
    if by.has_perm("sales.view_region_orders"):
        regions = list(by.regions.values_list("pk", flat=True))
        return model.objects.filter(region_id__in=regions)
    return SalesFactRow.objects.filter(owner_id=by.pk)


def _whole_months(query: SalesQuery) -> bool:
    """Whether the monthly sums of the history can answer the query exactly: periods of
    whole months over whole months, grouped by nothing they do not keep."""
    return (
        query.period in ("month", "quarter", "year")
        and set(query.group_by) <= MONTHLY_GROUPS
        and query.date_from.day == 1
        and (query.date_to + timedelta(days=1)).day == 1
    )


DIMENSIONS = {  # a grouping's record: (model, its code, its name)
    "region": (Region, "code", "name"),
    "rep": (User, "username", "full_name"),
    "customer": (Customer, "code", "name"),
    "product": (Product, "code", "name"),
    "category": (ProductCategory, "code", "name"),
}


def _labels(group: str, ids: set) -> dict:
    """Each id of a grouping with its (code, name), in one query for the whole report: the
    code for the API and the workbook's code column, the name for the people who read."""
    if group == "customer_kind":
        kinds = dict(Customer.Kind.choices)
        return {kind: (kind, str(kinds.get(kind, kind))) for kind in ids}
    model, code, name = DIMENSIONS[group]
    rows = model.objects.values_list("pk", code, name)
    if len(ids) <= 1000:  # a long IN list costs more than reading every code
        rows = rows.filter(pk__in=ids)
    labels = {pk: (code, name or code) for pk, code, name in rows}
    none = {
        "region": _("No region"),
        "rep": _("No rep"),
        "category": _("No category"),
    }.get(group, "—")
    labels[0] = ("", none)  # a product without a category, an order without a rep
    return labels


def change_percent(now: Decimal, before: Decimal | None) -> str | None:
    """The change on an earlier amount, in per cent to one decimal; None without one."""
    if not before:
        return None
    return str(round_percent((now - before) * 100 / abs(before)))


@contextmanager
def collector_paused() -> Iterator[None]:
    """While a report builds a hundred thousand rows, Python's cyclic garbage collector
    would walk them again and again (a third of the time); rows hold no cycles, so it
    waits until they are built."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def roomy_query() -> Iterator[None]:
    """A report's big GROUP BY on PostgreSQL: memory to hash-aggregate instead of sorting on
    disk, parallel workers, and no JIT compiling (it costs more than it saves here)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL jit = off")
                # both cores for a big aggregate: partial hash aggregates in parallel workers
                cursor.execute("SET LOCAL parallel_setup_cost = 0")
                cursor.execute("SET LOCAL parallel_tuple_cost = 0.001")
        yield


def group_keys(group_by: tuple[str, ...]) -> tuple[str, ...]:
    """A row's keys for its groupings: each grouping's code and its name (`region`,
    `region_name`)."""
    return tuple(key for g in group_by for key in (g, f"{g}_name"))


def sales_statistics(*, by: Actor, query: SalesQuery) -> dict[str, Any]:
    """{"rows": [{period, <group>: code, <group>_name: name…, quantity, amount, net_amount, orders,
    previous_amount, change_previous, last_year_amount, change_last_year}], "totals": {…}}.

    One GROUP BY reads the range and, flagged apart, the earlier periods the comparisons
    need; rows are built from tuples (a year by customer is tens of thousands of rows)."""
    with collector_paused():
        return _sales_statistics(by=by, query=query)


def _sales_statistics(*, by: Actor, query: SalesQuery) -> dict[str, Any]:
    grain = (
        Q(product_id__gt=0)
        if "product" in query.group_by
        else Q(product_id__lt=0)
        if "category" in query.group_by
        else Q(product_id=0)
    )
    period = query.period
    first = period_start(query.date_from, period)
    lookback = min(last_year_start(first, period), previous_start(first, period))
    fields = [GROUPS[g] for g in query.group_by]
    facts = visible_facts(by, whole_months=_whole_months(query)).filter(
        basis__in=basis_codes(query.basis)
    )
    grouped = (
        facts.filter(grain, day__gte=lookback, day__lte=query.date_to)
        .annotate(
            start=Cast(PERIODS[period]("day"), DateField()),  # a date, not a timestamp
            current=Case(When(day__gte=query.date_from, then=Value(1)), default=Value(0)),
        )
        .values_list("start", *fields, "current")
        .annotate(Sum("quantity"), Sum("gross_amount"), Sum("net_amount"), Sum("orders"))
        .order_by()
    )
    with roomy_query():
        if connection.vendor == "postgresql":  # psycopg gives dates and exact decimals
            sql, params = grouped.query.sql_with_params()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                found = cursor.fetchall()
        else:
            found = list(grouped)
    # Rows are (start, dims…, current, quantity, amount, net, orders): the key is a slice.
    width = len(fields)
    n = 1 + width
    if connection.vendor != "postgresql":  # SQLite sums decimals in floating point
        found = [
            (
                *row[: n + 1],
                round_quantity(row[n + 1]),
                *(round_amount(v) for v in row[n + 2 : n + 4]),
                row[n + 4],
            )
            for row in found
        ]
    # Each key's amount over both ranges, for the comparisons to look up. A key is once in
    # the result, but twice when its period starts before date_from: then both parts.
    amounts = {row[:n]: row[n + 2] for row in found}
    if first < query.date_from:
        split: dict[tuple, Decimal] = {}
        for row in found:
            if row[0] == first:
                split[row[:n]] = split.get(row[:n], ZERO) + row[n + 2]
        amounts.update(split)
    current = [row for row in found if row[n]]
    del found  # a hundred thousand tuples: freed as the rows are built
    maps = [_labels(g, {row[1 + i] for row in current}) for i, g in enumerate(query.group_by)]
    starts: dict[date, tuple[str, date, date]] = {}
    named: dict[tuple, tuple] = {}  # dims → their codes and names, once per combination
    keys = ("period", *group_keys(query.group_by), *ROW_MEASURES)
    rows = []  # a year by customer is many rows: built straight, then sorted
    for row in current:
        start, quantity, amount, net, orders = row[0], *row[n + 1 :]
        if not (quantity or amount or orders):
            continue  # an order approved and cancelled again nets to nothing
        dims = row[1:n]
        info = starts.get(start)
        if info is None:
            info = starts[start] = (
                period_label(start, period),
                previous_start(start, period),
                last_year_start(start, period),
            )
        names = named.get(dims)
        if names is None:
            names = named[dims] = tuple(
                part
                for mapping, d in zip(maps, dims, strict=True)
                for part in mapping.get(d, (str(d), str(d)))
            )
        label, before_start, last_year = info
        before = amounts.get((before_start, *dims))
        year_ago = amounts.get((last_year, *dims))
        rows.append(
            dict(
                zip(
                    keys,
                    (
                        label,
                        *names,
                        quantity,
                        amount,
                        net,
                        orders,
                        ZERO_AMOUNT if before is None else before,
                        change_percent(amount, before),
                        ZERO_AMOUNT if year_ago is None else year_ago,
                        change_percent(amount, year_ago),
                    ),
                    strict=True,
                )
            )
        )
    rows.sort(key=itemgetter("period", *query.group_by))  # unique: measures never compared
    # Totals from the all-product rows: an order with two products is still one order.
    whole = facts.filter(product_id=0, day__gte=query.date_from, day__lte=query.date_to).aggregate(
        quantity=Sum("quantity"),
        amount=Sum("gross_amount"),
        net_amount=Sum("net_amount"),
        orders=Sum("orders"),
    )
    totals = {
        "quantity": round_quantity(whole["quantity"] or ZERO),
        "amount": round_amount(whole["amount"] or ZERO),
        "net_amount": round_amount(whole["net_amount"] or ZERO),
        "orders": whole["orders"] or 0,
    }
    return {"rows": rows, "totals": totals}


def group_labels() -> dict[str, str]:
    """Each grouping's column title, in the language of the moment."""
    return {
        "region": _("Region"),
        "rep": _("Rep"),
        "customer": _("Customer"),
        "customer_kind": _("Customer kind"),
        "product": _("Product"),
        "category": _("Category"),
    }


def basis_labels() -> dict[str, str]:
    return {
        "ordered": _("Ordered"),
        "delivered": _("Delivered"),
        "invoiced": _("Invoiced"),
        "received": _("Received"),
    }


def group_columns(group_by: tuple[str, ...]) -> list[tuple[str, str]]:
    """The (row key, title) of a report's grouping columns: each grouping's name, and
    before it the code of a customer or a product (the code people search for)."""
    labels = group_labels()
    code_labels = {"customer": _("Customer code"), "product": _("Product code")}
    columns = []
    for group in group_by:
        if group in code_labels:
            columns.append((group, code_labels[group]))
        columns.append((f"{group}_name", labels[group]))
    return columns


CHART_SERIES = 6  # the groups a chart shows as series; the rest are "Others"


def sales_chart(
    query: SalesQuery, rows: list[dict[str, Any]], *, top: int | None = None
) -> dict[str, Any]:
    """The chart of a report: {"periods": [label…], "series": [{"label", "amounts": [one per
    period], "others": bool}]}. Without a grouping, one series, the amount per period; with
    one, the `top` groups by amount over the whole range, each a series under its names,
    and the rest added up as one series, "Others"."""
    with collector_paused():  # a dict per group beside a hundred thousand rows
        return _sales_chart(query, rows, CHART_SERIES if top is None else top)


def _sales_chart(query: SalesQuery, rows: list[dict[str, Any]], top: int) -> dict[str, Any]:
    periods = sorted({row["period"] for row in rows})
    position = {label: i for i, label in enumerate(periods)}
    if not query.group_by:
        amounts = [ZERO] * len(periods)
        for row in rows:
            amounts[position[row["period"]]] += row["amount"]
        return {
            "periods": periods,
            "series": [{"label": _("Amount (incl. VAT)"), "amounts": amounts, "others": False}],
        }
    key_of = itemgetter(*query.group_by)  # one pass over the rows (a hundred thousand)
    cells: dict[Any, dict[int, Decimal]] = {}  # group → {period's position: amount}, sparse
    first: dict[Any, dict[str, Any]] = {}  # group → a row of it, for its names
    whole = [ZERO] * len(periods)
    for row in rows:
        key = key_of(row)
        at, amount = position[row["period"]], row["amount"]
        amounts = cells.get(key)
        if amounts is None:
            amounts = cells[key] = {}
            first[key] = row
        amounts[at] = amounts.get(at, ZERO) + amount
        whole[at] += amount
    titles = {
        key: " · ".join(str(row[f"{g}_name"]) for g in query.group_by) for key, row in first.items()
    }
    totals = {key: sum(amounts.values(), ZERO) for key, amounts in cells.items()}
    ranked = sorted(cells, key=lambda key: (-totals[key], titles[key]))
    shown = ranked if len(ranked) <= top + 1 else ranked[:top]  # "Others" of one is itself
    series = [
        {
            "label": titles[key],
            "amounts": [cells[key].get(at, ZERO) for at in range(len(periods))],
            "others": False,
        }
        for key in shown
    ]
    if len(ranked) > len(shown):  # the rest: each period's whole less the groups shown
        others = [
            whole[at] - sum((s["amounts"][at] for s in series), ZERO) for at in range(len(periods))
        ]
        series.append({"label": _("Others"), "amounts": others, "others": True})
    return {"periods": periods, "series": series}


def sales_workbook(query: SalesQuery, report: dict[str, Any]) -> bytes:
    """The report as a workbook: names (and the codes of customers and products) in the
    reader's language, every row."""
    import io

    from openpyxl import Workbook

    from backoffice.core.excel import neutralise

    columns = group_columns(query.group_by)
    book = Workbook()
    sheet = book.active
    sheet.title = basis_labels()[query.basis]
    sheet.append(
        [
            _("Period"),
            *[title for _key, title in columns],
            _("Quantity"),
            _("Amount (incl. VAT)"),
            _("Net amount"),
            _("Orders"),
            _("Previous period"),
            _("Change on previous period"),
            _("Same period last year"),
            _("Change on last year"),
        ]
    )
    for row in report["rows"]:
        sheet.append(
            [
                row["period"],
                *[neutralise(row[key]) for key, _title in columns],
                row["quantity"],
                row["amount"],
                row["net_amount"],
                row["orders"],
                row["previous_amount"],
                row["change_previous"],
                row["last_year_amount"],
                row["change_last_year"],
            ]
        )
    totals = report["totals"]
    sheet.append(
        [
            _("Total"),
            *[""] * len(columns),
            totals["quantity"],
            totals["amount"],
            totals["net_amount"],
            totals["orders"],
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
