# ruff: noqa: S608 - the SQL here is built from our own table and column names; values are
# always parameters.
"""Sales statistics (DOMAIN §12, seed S1 §1.1): by day, week, month, quarter or year; by up to
two of region, rep, customer, customer kind, product and category; on the ordered,
delivered, invoiced or received basis; for one customer or one product; with quantity,
amount, net amount and order count, and the change against the previous period and the
same period last year.

Never the document lines: over whole months, the monthly sums at the grain the grouping
needs (SalesMonth: by customer, by product, by category, by region, rep and kind), so
three years by customer is 156,000 summary rows for 156,000 report rows; otherwise the
daily facts and the imported history through one view (SalesFactRow). One statement
computes a report's rows, the comparisons and the order; a page costs its page, and the
API's JSON is built by PostgreSQL (issue 16)."""

import gc
import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case, DateField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import (
    Cast,
    TruncDay,
    TruncMonth,
    TruncQuarter,
    TruncWeek,
    TruncYear,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg.abc import Buffer
from psycopg.adapt import Loader

from backoffice.accounts.models import Region, User
from backoffice.catalog.models import Product, ProductCategory
from backoffice.core.access import Actor
from backoffice.core.filters import MAX_ID, is_ascii_digits
from backoffice.core.money import (
    ZERO,
    round_amount,
    round_percent,
    round_quantity,
    sum_read,
)
from backoffice.core.periods import period_end, period_label, period_start, shift_start
from backoffice.core.replicas import replica_for_read
from backoffice.parties.models import Customer
from backoffice.reports.selectors.params import refuse_if, report_dates
from backoffice.sales.facts import EVERY_REGION
from backoffice.sales.models import SalesFact, SalesFactRow, SalesMonth
from backoffice.sales.models.facts import NOT_ZERO, FactRow
from backoffice.sales.selectors import sales_figures_visible_to

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
    customer: int | None = None  # one customer's sales only
    product: int | None = None  # one product's


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
    customer, product = (_id_param(params, name, errors) for name in ("customer", "product"))
    refuse_if(errors)
    return SalesQuery(date_from, date_to, period, group_by, basis, customer, product)


def _id_param(params: Any, name: str, errors: dict[str, list[str]]) -> int | None:
    raw = params.get(name) or ""
    if not raw:
        return None
    if not is_ascii_digits(raw) or not 1 <= int(raw) <= MAX_ID:
        errors[name] = [_("an id: a whole number, at least 1")]
        return None
    return int(raw)


def previous_start(start: date, period: str) -> date:
    return shift_start(start, period, -1)


def last_year_start(start: date, period: str) -> date:
    if period == "week":  # the same ISO week of the previous year
        year, week, _weekday = start.isocalendar()
        return date.fromisocalendar(year - 1, min(week, 52), 1)
    if start.month == 2 and start.day == 29:
        return start.replace(year=start.year - 1, day=28)
    return start.replace(year=start.year - 1)


DIMENSIONS = {  # a grouping's record: (model, its code, its name)
    "region": (Region, "code", "name"),
    "rep": (User, "username", "full_name"),
    "customer": (Customer, "code", "name"),
    "product": (Product, "code", "name"),
    "category": (ProductCategory, "code", "name"),
}


def change_percent(now: Decimal, before: Decimal | None) -> str | None:
    """The change on an earlier amount, in per cent to one decimal; None without one."""
    if not before:
        return None
    return str(round_percent((now - before) * 100 / abs(before)) + 0)  # never "-0.0"


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
def roomy_query(
    *, sorted_groups: bool = False, alias: str | None = None
) -> Iterator[BaseDatabaseWrapper]:
    """A report's statement on PostgreSQL: memory to sort and hash in, no JIT compiling (it
    costs more than it saves here), hash joins only, and with `sorted_groups` (the monthly
    sums) grouping by sorting instead of hashing, else parallel workers. Yields the
    connection to run it on: `alias`'s, else a replica's when the request reads one
    (core.replicas)."""
    alias = alias or replica_for_read() or DEFAULT_DB_ALIAS
    connection = connections[alias]
    with transaction.atomic(using=alias):
        if connection.vendor == "postgresql":
            planner = {
                "work_mem": "256MB",
                "jit": "off",  # compiling costs more than it saves here
                # a summary's groups are hard to estimate: a nested loop or a merge join
                # planned for a hundred rows costs seconds on a hundred thousand
                "enable_nestloop": "off",
                "enable_mergejoin": "off",
            }
            if sorted_groups:
                # a hundred thousand groups of a few summary rows each: sorted and summed in
                # order (the comparisons' windows read that order) costs half a hash table
                # of numeric sums. No parallel workers: starting them costs more than they
                # save on the sums (a first page 45 → 32 ms, the totals 21 → 13; the
                # windows, the order and the JSON after the sums are one process's anyway)
                planner |= {"enable_hashagg": "off", "max_parallel_workers_per_gather": "0"}
            else:
                # both cores for a big aggregate of the daily facts: partial hash aggregates
                # in parallel workers
                planner |= {"parallel_setup_cost": "0", "parallel_tuple_cost": "0.001"}
            with connection.cursor() as cursor:  # as SET LOCAL, all in one round trip
                cursor.execute(
                    "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(planner)),
                    [value for pair in planner.items() for value in pair],
                )
        yield connection


def group_keys(group_by: tuple[str, ...]) -> tuple[str, ...]:
    """A row's keys for its groupings: each grouping's code and its name (`region`,
    `region_name`)."""
    return tuple(key for g in group_by for key in (g, f"{g}_name"))


def visible_facts(by: Actor) -> QuerySet[FactRow]:
    """The daily facts and the imported history (SalesFactRow), by the same rule as the
    documents: all, own regions, or own customers (STYLE §7)."""
    return sales_figures_visible_to(SalesFactRow.objects.all(), by)


def _whole_months(query: SalesQuery) -> bool:
    """Whether the query reads whole months: periods of whole months from the first day
    of a month to the last day of one."""
    return (
        query.period in ("month", "quarter", "year")
        and query.date_from.day == 1
        and (query.date_to + timedelta(days=1)).day == 1
    )


def _source(by: Actor, query: SalesQuery, dims: set[str]) -> tuple[QuerySet, str, Q]:
    """Where a report reads, at the coarsest grain that answers it exactly: over whole
    months, the monthly sums (SalesMonth) when they keep every dimension asked for (a rep
    who sees only own customers, the sums that keep the rep); otherwise the daily facts
    and the history (SalesFactRow). Returns (rows, their date column, the grain)."""
    if _whole_months(query):
        months = sales_figures_visible_to(SalesMonth.objects.all(), by)
        every = by.has_perm("sales.view_all_orders")
        own_only = not (every or by.has_perm("sales.view_region_orders"))
        if dims <= {"region", "rep", "customer_kind"}:
            return months, "month", Q(product_id=0, customer_id=0)
        if "customer" in dims and dims <= {"customer", "region", "rep", "customer_kind"}:
            return months, "month", Q(product_id=0, customer_id__gt=0)
        if every and "product" in dims and dims <= {"product", "category"}:
            return months, "month", Q(product_id__gt=0, customer_id=EVERY_REGION)
        if not own_only and "product" in dims and dims <= {"product", "region", "category"}:
            return months, "month", Q(product_id__gt=0, customer_id=0)
        if not own_only and dims <= {"category", "region"}:
            return months, "month", Q(product_id__lt=0)
    grain = (
        Q(product_id__gt=0)
        if "product" in dims
        else Q(product_id__lt=0)
        if "category" in dims
        else Q(product_id=0)
    )
    return visible_facts(by), "day", grain


def _dims(query: SalesQuery, group_by: tuple[str, ...]) -> tuple[set[str], Q]:
    """The dimensions a read must keep (its groupings and its filters), and the filters."""
    dims, condition = set(group_by), Q()
    if query.customer is not None:
        dims.add("customer")
        condition &= Q(customer_id=query.customer)
    if query.product is not None:
        dims.add("product")
        condition &= Q(product_id=query.product)
    return dims, condition


def _periods(query: SalesQuery) -> list[tuple[date, date, date, str]]:
    """Each period from the earliest the comparisons need to the end of the range: its
    start, its previous period's, the same period's a year before, and its label."""
    period = query.period
    first = period_start(query.date_from, period)
    start = min(last_year_start(first, period), previous_start(first, period))
    periods = []
    while start <= query.date_to:
        periods.append(
            (
                start,
                previous_start(start, period),
                last_year_start(start, period),
                period_label(start, period),
            )
        )
        start = shift_start(start, period, 1)
    return periods


def _period_of(column: str, period: str) -> Any:
    """The start of a row's period, as a date (not a timestamp)."""
    if (column, period) == ("month", "month"):
        return F(column)
    return Cast(PERIODS[period](column), DateField())


def _periods_read(
    query: SalesQuery,
    periods: list[tuple[date, date, date, str]],
    within: tuple[date, date],
    column: str,
) -> Q:
    """The rows a page of periods reads: those periods', and those of the periods their
    comparisons look up (the previous one, the same a year earlier), as ranges of dates."""
    starts: set[date] = set()
    for start, before, year_ago, _label in periods:
        if within[0] <= start <= within[1]:
            starts |= {start, before, year_ago}
    ranges: list[list[date]] = []
    for start in sorted(starts):
        end = shift_start(start, query.period, 1) - timedelta(days=1)
        if ranges and ranges[-1][1] + timedelta(days=1) == start:
            ranges[-1][1] = end
        else:
            ranges.append([start, end])
    condition = Q()
    for start, end in ranges:
        condition |= Q(**{f"{column}__gte": start, f"{column}__lte": end})
    return condition


def _read(
    by: Actor,
    query: SalesQuery,
    *conditions: Q,
    since: date | None = None,
    within: tuple[date, date] | None = None,
) -> tuple[QuerySet, str]:
    """The rows a report reads (`_figures`), with the column of their date."""
    dims, filters = _dims(query, query.group_by)
    rows, column, grain = _source(by, query, dims)
    if within is not None:
        conditions = (*conditions, _periods_read(query, _periods(query), within, column))
    since = query.date_from if since is None else since
    found = (
        rows.filter(grain, filters, *conditions)
        .filter(basis__in=basis_codes(query.basis), **{f"{column}__gte": since})
        .filter(**{f"{column}__lte": query.date_to})
    )
    return found, column


def _figures(
    by: Actor,
    query: SalesQuery,
    keys: list[str],
    *conditions: Q,
    since: date | None = None,
    within: tuple[date, date] | None = None,
    flagged: bool = False,
) -> tuple[str, list, str]:
    """The figures a report reads, as SQL of (p: the period's start, d0…: the ids of `keys`,
    [cur,] q, a, n, o), from `since` (the range's first day when not given) to the range's
    last; with the column of their date ("month" for the monthly sums). `flagged`: rows
    before the range flagged apart (`cur` 0), where the first period starts before the
    range and the comparisons read it whole. `within` (a page's first and last period):
    only those periods and the periods their comparisons read."""
    rows, column = _read(by, query, *conditions, since=since, within=within)
    current = {}
    if flagged:
        current["cur"] = Case(
            When(**{f"{column}__gte": query.date_from}, then=Value(1)), default=Value(0)
        )
    d = [f"d{i}" for i in range(len(keys))]
    found = (
        rows.annotate(
            p=_period_of(column, query.period),
            **{name: F(key) for name, key in zip(d, keys, strict=True)},
            **current,
            q=F("quantity"),
            a=F("gross_amount"),
            n=F("net_amount"),
            o=F("orders"),
        )
        .values_list("p", *d, *current, "q", "a", "n", "o")
        .order_by()
    )
    sql, params = found.query.sql_with_params()
    return sql, list(params), column


# a group's sums show as a row (approved, then cancelled: nothing)
SHOWN = "SUM({t}q) <> 0 OR SUM({t}a) <> 0 OR SUM({t}o) <> 0"


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def period_counts(by: Actor, query: SalesQuery) -> list[tuple[date, int]]:
    """How many rows each period of a report has, oldest first: a page finds its periods
    from these, and the report's count is their sum. Over the monthly sums by month, where
    a group is mostly one row, the groups are counted from their rows that are not all
    zero, in an index's order (no sums: a group of one such row shows), and only a group of
    several has its sums added up (they could cancel out). Elsewhere, the sums of every
    group."""
    # the groupings in a fixed order, the indexes' (month, region, product; month, customer)
    keys = [column_name for g, column_name in GROUPS.items() if g in query.group_by]
    group = ", ".join(["p", *(f"d{i}" for i in range(len(keys)))])
    every_sql, every_params, column = _figures(by, query, keys)
    if (column, query.period) == ("month", "month"):
        shown_sql, shown_params, _column = _figures(by, query, keys, NOT_ZERO)
        same = " AND ".join(f"x.{key} = k.{key}" for key in group.split(", "))
        sql = (
            f"WITH k AS (SELECT {group}, COUNT(*) AS k FROM ({shown_sql}) s GROUP BY {group}) "
            f"SELECT k.p, COUNT(*) FROM k WHERE k.k = 1 OR (SELECT {SHOWN.format(t='x.')} "
            f"FROM ({every_sql}) x WHERE {same}) GROUP BY k.p ORDER BY k.p"
        )
        params = shown_params + every_params
    else:
        sql = (
            f"SELECT p, COUNT(*) FROM (SELECT {group} FROM ({every_sql}) s GROUP BY {group} "
            f"HAVING {SHOWN.format(t='')}) g GROUP BY p ORDER BY p"
        )
        params = every_params
    found = _fetch(sql, params, sorted_groups=column == "month")
    return [(_as_date(p), n) for p, n in found]


def _page_periods(
    counts: list[tuple[date, int]], limit: int, offset: int
) -> tuple[tuple[date, date] | None, int]:
    """The first and last period a page of a report falls in (None past the end), and
    where it starts among those periods' rows."""
    before, first, last, skip = 0, None, None, 0
    for start, n in counts:
        if first is None and before + n > offset:
            first, skip = start, offset - before
        if first is not None:
            last = start
            if before + n >= offset + limit:
                break
        before += n
    return (None if first is None else (first, last)), skip


def _report_sql(
    by: Actor,
    query: SalesQuery,
    *,
    limit: int | None,
    offset: int,
    as_json: bool,
    counts: list[tuple[date, int]] | None = None,
) -> tuple[str | None, list, bool, int | None]:
    """A report's statement (`_rows_sql`), or a page's over the periods the page falls in
    (a page costs its periods, not the report), with the count of the report's rows for a
    page (from `counts`, the report's `period_counts`, counted when not given); no
    statement for a page past the end."""
    if limit is None:
        return (*_rows_sql(by, query, limit=None, offset=0, as_json=as_json), None)
    counts = period_counts(by, query) if counts is None else counts
    total = sum(n for _start, n in counts)
    within, skip = _page_periods(counts, limit, offset)
    if within is None:
        return None, [], False, total
    sql, params, sorted_groups = _rows_sql(
        by, query, limit=limit, offset=skip, as_json=as_json, within=within
    )
    return sql, params, sorted_groups, total


def _none_label(group: str) -> str:
    return {"region": _("No region"), "rep": _("No rep"), "category": _("No category")}.get(
        group, "—"
    )


def _label_sql(group: str, alias: str, column: str) -> tuple[str, list, str, str, list]:
    """A grouping's (join, its params, code, name, the name's params): its record's code
    and name (the code when it has no name), the words for none on id 0 (a product
    without a category), the id itself for a record not found."""
    quote = connection.ops.quote_name
    text = "varchar" if connection.vendor == "postgresql" else "text"
    if group == "customer_kind":
        kinds = [(kind, str(label)) for kind, label in Customer.Kind.choices]
        values = ", ".join(["(%s, %s)"] * len(kinds))
        join = f"LEFT JOIN (VALUES {values}) AS {alias} ON {alias}.column1 = {column}"
        params = [value for pair in kinds for value in pair]
        return join, params, column, f"COALESCE({alias}.column2, {column})", []
    model, code, name = DIMENSIONS[group]
    join = f"LEFT JOIN {quote(model._meta.db_table)} {alias} ON {alias}.id = {column}"
    fallback = f"CAST({column} AS {text})"
    code_sql = (
        f"COALESCE({alias}.{quote(code)}, CASE WHEN {column} = 0 THEN '' ELSE {fallback} END)"
    )
    name_sql = (
        f"COALESCE(NULLIF({alias}.{quote(name)}, ''), {alias}.{quote(code)}, "
        f"CASE WHEN {column} = 0 THEN %s ELSE {fallback} END)"
    )
    return join, [], code_sql, name_sql, [_none_label(group)]


# The previous period and the same period a year earlier, as offsets of a period's start
# (PostgreSQL's window frames); a week's last year is the same ISO week, which no offset
# finds, so weeks look it up (previous_start, last_year_start) as SQLite does.
WINDOW_OFFSETS = {
    "day": ("1 day", "1 year"),
    "month": ("1 month", "1 year"),
    "quarter": ("3 months", "1 year"),
    "year": ("1 year", "1 year"),
}
# A report row's figures as the API gives them, written by PostgreSQL
# (sales_statistics_json) as JSON text: amounts as decimal strings, the change in per cent to
# one decimal (half away from zero, as core.money rounds), null without an earlier amount.
JSON_MEASURES = (
    ("quantity", "'\"' || r.q::text || '\"'"),
    ("amount", "'\"' || r.a::text || '\"'"),
    ("net_amount", "'\"' || r.n::text || '\"'"),
    ("orders", "r.o::text"),
    ("previous_amount", "'\"' || COALESCE(r.pa, 0.00)::text || '\"'"),
    (
        "change_previous",
        "CASE WHEN r.pa <> 0 THEN '\"' || round((r.a - r.pa) * 100 / abs(r.pa), 1)::text "
        "|| '\"' ELSE 'null' END",
    ),
    ("last_year_amount", "'\"' || COALESCE(r.la, 0.00)::text || '\"'"),
    (
        "change_last_year",
        "CASE WHEN r.la <> 0 THEN '\"' || round((r.a - r.la) * 100 / abs(r.la), 1)::text "
        "|| '\"' ELSE 'null' END",
    ),
)


def _json_object(pairs: list[tuple[str, str]]) -> str:
    """SQL writing a JSON object from (key, SQL of the value's JSON text) pairs, by
    concatenating text: a third cheaper than row_to_json over the same columns."""
    parts = [
        f"'{'{' if i == 0 else ','}\"{key}\":' || {value}" for i, (key, value) in enumerate(pairs)
    ]
    return " || ".join([*parts, "'}'"])


def _rows_sql(
    by: Actor,
    query: SalesQuery,
    *,
    limit: int | None,
    offset: int,
    as_json: bool,
    within: tuple[date, date] | None = None,
    by_period: bool = False,
) -> tuple[str, list, bool]:
    """One statement for a report's rows, or a page of them: the sums per period and group
    over the range and, flagged apart where the first period starts before it, over the
    earlier periods the comparisons need; the groups' codes and names; the order of period,
    then codes; each row's previous period and the same period a year earlier (by window
    frames for every row on PostgreSQL; looked up for the page's rows otherwise). Returns
    (sql, params, whether the sums are grouped by sorting). The rows are (period label,
    code and name per grouping, quantity, amount, net, orders, previous amount, last year's
    amount); with `as_json` (PostgreSQL), one row: (the rows as JSON objects joined by
    commas, how many). `within` (a page's first and last period, with `limit`): only those
    periods' rows, and the sums only of them and of the periods their comparisons read; a
    page's count is `period_counts`'. With `by_period` too, a row per period: (its start,
    its rows as JSON objects joined by commas, how many)."""
    periods = _periods(query)
    d = [f"d{i}" for i in range(len(query.group_by))]
    # The first period starts before the range: its part before the range is summed apart
    # (`cur` 0), for the comparisons, which read whole periods.
    straddles = period_start(query.date_from, query.period) < query.date_from
    source_sql, params, column = _figures(
        by,
        query,
        [GROUPS[g] for g in query.group_by],
        since=periods[0][0],
        within=within,
        flagged=straddles,
    )
    keys = "".join(f", {x}" for x in d)
    adapt = connection.ops.adapt_datefield_value
    for start, before, year_ago, label in periods:
        params += [adapt(start), adapt(before), adapt(year_ago), label]
    joins, codes, shown, names_params, joins_params = [], [], [], [], []
    for i, group in enumerate(query.group_by):
        join, join_params, code, name, name_params = _label_sql(group, f"g{i}", f"f.d{i}")
        joins.append(join)
        joins_params += join_params
        codes.append(code)
        shown += [f"{code} AS c{i}", f"{name} AS n{i}"]
        names_params += name_params
    # the names', the joins', the rows' condition
    after = [] if straddles else [adapt(query.date_from)]
    if within is not None:
        after += [adapt(within[0]), adapt(within[1])]
    params += names_params + joins_params + after
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    inner_order = ", ".join(["f.p", *(f"{c}{collate}" for c in codes), *(f"f.{x}" for x in d)])
    outer_order = ", ".join(
        ["r.p", *(f"r.c{i}{collate}" for i in range(len(d))), *(f"r.{x}" for x in d)]
    )
    whole = (
        f"SELECT p{keys}, SUM(a) AS a FROM f GROUP BY p{keys}"
        if straddles
        else f"SELECT p{keys}, a FROM f"
    )
    same = "".join(f" AND {{t}}.{x} = r.{x}" for x in d)
    cur = ", cur" if straddles else ""
    f_keys = "".join(f", f.{x}" for x in d)
    page = (
        "" if limit is None else f" ORDER BY {inner_order} LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    per = "per (p, prev, ly, label)"
    if as_json:
        pairs = [("period", "to_json(r.label)::text")]
        for i, group in enumerate(query.group_by):
            pairs += [
                (group, f"to_json(r.c{i})::text"),
                (f"{group}_name", f"to_json(r.n{i})::text"),
            ]
        pairs += list(JSON_MEASURES)
        # each row's JSON joined into one text in the rows' order: the answer crosses to
        # Python as one value, not a hundred thousand (or one per period)
        out = f"string_agg({_json_object(pairs)}, ',') AS rows, COUNT(*) FROM {{rows}}"
        if by_period:
            codes_order = ", ".join(
                [*(f"r.c{i}{collate}" for i in range(len(d))), *(f"r.{x}" for x in d)]
            )
            out = (
                f"r.p, string_agg({_json_object(pairs)}, ','"
                f"{f' ORDER BY {codes_order}' if d else ''}), COUNT(*) FROM r GROUP BY r.p"
            )
    else:
        out = (
            "r.label, "
            + "".join(f"r.c{i}, r.n{i}, " for i in range(len(d)))
            + "r.q, r.a, r.n, r.o, r.pa, r.la FROM {rows}"
        )
    # sorted before each row is written out: the sort moves narrow rows, not the text
    out = out.replace("{rows}", f"(SELECT * FROM r ORDER BY {outer_order}) AS r")
    sql = (
        f"WITH f AS (SELECT p{keys}{cur}, SUM(q) AS q, SUM(a) AS a, SUM(n) AS n, SUM(o) AS o "
        f"FROM ({source_sql}) s GROUP BY {', '.join([*d, 'p'])}{cur} "
        "HAVING SUM(q) <> 0 OR SUM(a) <> 0 OR SUM(o) <> 0), "  # approved, cancelled: nothing
        f"{per} AS (VALUES {', '.join(['(%s, %s, %s, %s)'] * len(periods))}), "
    )
    where = f"{'f.cur = 1' if straddles else 'f.p >= %s'}"
    if within is not None:
        where += " AND f.p >= %s AND f.p <= %s"
    # Every row, on PostgreSQL: the comparisons by window frames over the sums in their
    # groups' order (which the monthly sums' sorted grouping gives). A page: its rows
    # first, then their two earlier periods looked up, as everywhere else
    offsets = WINDOW_OFFSETS.get(query.period) if connection.vendor == "postgresql" else None
    sorted_groups = column == "month"
    if offsets and limit is None:
        # Each row's previous period and its period a year before, from the rows beside
        # it in its group's order (one sort; both parts of a split first period summed).
        group = f"PARTITION BY {', '.join(d)} " if d else ""
        frames = [
            f"SUM(a) OVER ({group}ORDER BY p RANGE BETWEEN INTERVAL '{back}' PRECEDING "
            f"AND INTERVAL '{back}' PRECEDING)"
            for back in offsets
        ]
        sql += (
            f"c AS (SELECT f.*, {frames[0]} AS pa, {frames[1]} AS la FROM f), "
            f"r AS (SELECT per.label, {', '.join([*shown, ''])}f.q, f.a, f.n, f.o, f.p{f_keys}, "
            f"f.pa, f.la FROM c AS f JOIN per ON per.p = f.p "
            f"{' '.join(joins)} WHERE {where} {page}) "
            f"SELECT {out}"
        )
        return sql, params, sorted_groups
    # elsewhere: each row's two earlier periods looked up in the sums of whole periods
    sql += (
        f"w AS ({whole}), "
        f"page_rows AS (SELECT per.label, {', '.join([*shown, ''])}f.q, f.a, f.n, f.o, "
        f"f.p{f_keys}, "
        f"per.prev, per.ly FROM f JOIN per ON per.p = f.p "
        f"{' '.join(joins)} WHERE {where} {page}), "
        f"r AS (SELECT r.*, pv.a AS pa, ly.a AS la FROM page_rows AS r "
        f"LEFT JOIN w pv ON pv.p = r.prev{same.format(t='pv')} "
        f"LEFT JOIN w ly ON ly.p = r.ly{same.format(t='ly')}) "
        f"SELECT {out}"
    )
    return sql, params, sorted_groups


def sales_totals(*, by: Actor, query: SalesQuery) -> dict[str, Any]:
    """The range's totals, from the all-products rows (an order with two products is
    still one order), or a product's when the report is filtered by one."""
    dims, filters = _dims(query, ())
    rows, column, grain = _source(by, query, dims)
    whole = (
        rows.filter(grain, filters)
        .filter(
            basis__in=basis_codes(query.basis),
            **{f"{column}__gte": query.date_from, f"{column}__lte": query.date_to},
        )
        .aggregate(
            quantity=Sum("quantity"),
            amount=Sum("gross_amount"),
            net_amount=Sum("net_amount"),
            orders=Sum("orders"),
        )
    )
    return {
        "quantity": round_quantity(whole["quantity"] or ZERO),
        "amount": round_amount(whole["amount"] or ZERO),
        "net_amount": round_amount(whole["net_amount"] or ZERO),
        "orders": whole["orders"] or 0,
    }


def _fetch(sql: str, params: list, sorted_groups: bool) -> list[tuple]:
    with roomy_query(sorted_groups=sorted_groups) as on, on.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def sales_statistics(
    *, by: Actor, query: SalesQuery, limit: int | None = None, offset: int = 0
) -> dict[str, Any]:
    """{"rows": [{period, <group>: code, <group>_name: name…, quantity, amount, net_amount,
    orders, previous_amount, change_previous, last_year_amount, change_last_year}],
    "totals": {…}, "count": how many rows in all}: every row, or a page (`limit`)."""
    rows, count = _statistics_rows(by, query, limit=limit, offset=offset)
    return {"rows": rows, "totals": sales_totals(by=by, query=query), "count": count}


def _statistics_rows(
    by: Actor,
    query: SalesQuery,
    *,
    limit: int | None,
    offset: int,
    counts: list[tuple[date, int]] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """The rows of `sales_statistics`, and how many the report has."""
    with collector_paused():
        sql, params, sorted_groups, total = _report_sql(
            by, query, limit=limit, offset=offset, as_json=False, counts=counts
        )
        found = _fetch(sql, params, sorted_groups) if sql else []
        keys = ("period", *group_keys(query.group_by), *ROW_MEASURES)
        width = 1 + 2 * len(query.group_by)
        rows = []
        for row in found:
            quantity, amount, net, orders, before, year_ago = row[width : width + 6]
            if connection.vendor != "postgresql":  # SQLite sums decimals in floating point
                quantity = round_quantity(sum_read(quantity))
                amount, net = round_amount(sum_read(amount)), round_amount(sum_read(net))
                before = None if before is None else round_amount(sum_read(before))
                year_ago = None if year_ago is None else round_amount(sum_read(year_ago))
            rows.append(
                dict(
                    zip(
                        keys,
                        (
                            *row[:width],
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
        return rows, total if total is not None else len(rows)


class SalesRows(Sequence):
    """A report's rows as the staff page pages them (Paginator's object list): how many
    from the rows each period has, a slice read as a page of the report."""

    def __init__(self, by: Actor, query: SalesQuery) -> None:
        self.by, self.query = by, query
        self.counts = period_counts(by, query)

    def __len__(self) -> int:
        return sum(n for _start, n in self.counts)

    def __getitem__(self, window: Any) -> Any:
        if not isinstance(window, slice) or window.step not in (None, 1):
            raise TypeError("a report's rows are read a slice at a time")
        first, stop, _step = window.indices(len(self))
        if stop <= first:
            return []
        rows, _count = _statistics_rows(
            self.by, self.query, limit=stop - first, offset=first, counts=self.counts
        )
        return rows


class _Utf8(Loader):
    """Text as the UTF-8 bytes it came as: a report's JSON goes out as it came in, never
    decoded into a str of 30 MB and encoded again."""

    def load(self, data: Buffer) -> bytes:
        return bytes(data)


def _fetch_utf8(
    sql: str, params: list, sorted_groups: bool, alias: str | None = None
) -> list[tuple]:
    """`_fetch`, with text as its UTF-8 bytes (`_Utf8`), on `alias` when given."""
    with roomy_query(sorted_groups=sorted_groups, alias=alias) as on, on.cursor() as cursor:
        cursor.cursor.adapters.register_loader("text", _Utf8)  # this cursor's only
        cursor.execute(sql, params)
        return cursor.fetchall()


def sales_statistics_json(
    *, by: Actor, query: SalesQuery, limit: int | None = None, offset: int = 0
) -> tuple[bytes, dict[str, Any], int]:
    """The rows of `sales_statistics` as a JSON array (UTF-8) built by PostgreSQL (a
    hundred thousand rows are never Python objects), with the totals and the count. Every
    row of a grouping over whole months comes from the periods' rows kept (`_kept_rows`)."""
    kept = _kept_rows(by, query) if limit is None and _keeps(by, query) else None
    if kept is not None:
        return kept[0], sales_totals(by=by, query=query), kept[1]
    sql, params, sorted_groups, total = _report_sql(
        by, query, limit=limit, offset=offset, as_json=True
    )
    rows, count = None, 0
    if sql is not None:
        ((rows, count),) = _fetch_utf8(sql, params, sorted_groups)
    count = total if total is not None else count or 0
    return b"[" + (rows or b"") + b"]", sales_totals(by=by, query=query), count


# Every row of a big report, kept: each period's rows as their JSON (one entry per period in
# the "reports" cache), reused while what they were written from is unchanged. A period's
# rows are written from the monthly sums of its months and of the months its comparisons
# read (the period before, the same a year earlier), and from the names of its groupings'
# records. Each monthly row's version moves with every write of its sums and rows are never
# deleted (SalesMonth.version), so the sum of a month's versions moves whenever any of its
# figures does; a period's entry is keyed by those sums, by a digest of the names, by the
# statement (the grouping, the basis, who reads, the language of the labels) and by the
# database (another database's sums could be the same numbers). An entry is stored only
# when the sums and the names read again after writing it are still those it is keyed by:
# it was written from them. So the first reading after a change writes again only the
# periods it touched (an order this month: this month's rows, and next month's and next
# year's comparisons when the report reaches them).
KEPT_CACHE = "reports"
KEPT_SECONDS = 7 * 24 * 3600  # an entry unread for a week goes


def _keeps(by: Actor, query: SalesQuery) -> bool:
    """Whether a report's rows are kept by period: on PostgreSQL, a grouping over whole
    periods that reads the monthly sums, not filtered to one customer or product (a series
    of a few dozen rows is cheaper to write than to look up)."""
    if connection.vendor != "postgresql" or not query.group_by:
        return False
    if query.customer is not None or query.product is not None:
        return False
    if period_start(query.date_from, query.period) != query.date_from:
        return False
    return _source(by, query, _dims(query, query.group_by)[0])[1] == "month"


def _kept_stamps(
    by: Actor, query: SalesQuery, since: date, alias: str
) -> tuple[str, dict[date, int]]:
    """What a report's kept rows are written from, read in one transaction on `alias`: the
    database (its cluster's identifier and its oid), a digest of its groupings' records'
    codes and names and of their row versions (xmin moves with every update: a name
    changed and changed back is another digest), the reader's regions, and each month's sum
    of the versions of the monthly sums it reads (from `since`)."""
    rows, _column = _read(by, query, since=since)
    versions_sql, versions_params = (
        rows.values("month").annotate(v=Sum("version")).values_list("month", "v").order_by()
    ).query.sql_with_params()
    quote = connection.ops.quote_name
    names = [
        "(SELECT system_identifier FROM pg_control_system())::text",
        "(SELECT oid FROM pg_database WHERE datname = current_database())::text",
    ]
    for group in query.group_by:
        if group in DIMENSIONS:
            model, code, name = DIMENSIONS[group]
            fields = " || chr(31) || ".join(
                f"COALESCE({quote(model._meta.get_field(f).column)}::text, '')"
                for f in ("id", code, name)
            )
            fields += " || chr(31) || xmin::text"
            names.append(
                f"(SELECT COUNT(*) || ':' || COALESCE(md5(string_agg({fields}, chr(30) "
                f"ORDER BY id)), '') FROM {quote(model._meta.db_table)})"
            )
    # the regions a regional reader sees (sales_figures_visible_to reads them in a subquery,
    # which the statement's text does not tell): another set of rows, their own versions
    regions_sql, regions_params = (
        by.regions.values_list("pk")
        if isinstance(by, User)
        else Region.objects.none().values_list("pk")
    ).query.sql_with_params()
    names.append(
        f"(SELECT COALESCE(string_agg(pk::text, ',' ORDER BY pk), '') FROM ({regions_sql}) AS x)"
    )
    with roomy_query(alias=alias) as on, on.cursor() as cursor:
        cursor.execute(f"SELECT {' || chr(29) || '.join(names)}", regions_params)
        ((stamp,),) = cursor.fetchall()
        cursor.execute(versions_sql, versions_params)
        versions = {_as_date(month): version for month, version in cursor.fetchall()}
    return stamp, versions


def _months(start: date, period: str) -> Iterator[date]:
    """The first day of each month of the period that starts on `start`."""
    month = start
    while month <= period_end(start, period):
        yield month
        month = shift_start(month, "month", 1)


def _kept_rows(by: Actor, query: SalesQuery) -> tuple[bytes, int] | None:
    """Every row of a report (`_keeps`) as a JSON array, and how many: each period's rows
    from the kept ones, those not kept written by one statement over the periods from the
    first to the last of them, and kept when nothing they read moved meanwhile (else None:
    the caller writes the whole report afresh, as kept periods beside newer ones could
    disagree). All on one connection: a replica behind another would write old rows under
    new stamps."""
    alias = replica_for_read() or DEFAULT_DB_ALIAS
    periods = _periods(query)
    shape = _rows_sql(by, query, limit=None, offset=0, as_json=True, by_period=True)
    stamps = _kept_stamps(by, query, periods[0][0], alias)
    stamp, versions = stamps
    digest = hashlib.sha256(repr((shape[:2], stamp)).encode()).hexdigest()
    keys = {}
    for start, before, year_ago, _label in periods:
        if start >= query.date_from:
            read = [
                versions.get(month, 0)
                for first in (start, before, year_ago)
                for month in _months(first, query.period)
            ]
            versions_read = f"{start.isoformat()}:{'.'.join(map(str, read))}"
            keys[start] = (
                f"sales:{hashlib.sha256(f'{digest}:{versions_read}'.encode()).hexdigest()}"
            )
    store = caches[KEPT_CACHE]
    kept = store.get_many(list(keys.values()))
    missing = [start for start, key in keys.items() if key not in kept]
    if missing:
        within = (missing[0], missing[-1])
        sql, params, sorted_groups = (
            shape
            if len(missing) == len(keys)
            else _rows_sql(
                by, query, limit=None, offset=0, as_json=True, within=within, by_period=True
            )
        )
        found = _fetch_utf8(sql, params, sorted_groups, alias)
        written = {_as_date(p): (rows, n) for p, rows, n in found}
        fresh = {
            keys[start]: written.get(start, (b"", 0))
            for start in keys
            if within[0] <= start <= within[1]
        }
        if _kept_stamps(by, query, periods[0][0], alias) != stamps:
            return None
        kept |= fresh
        store.set_many(fresh, KEPT_SECONDS)
    parts = [kept[key] for key in keys.values()]
    return b"[" + b",".join(rows for rows, n in parts if n) + b"]", sum(n for _r, n in parts)


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
    by: Actor,
    query: SalesQuery,
    counts: list[tuple[date, int]] | None = None,
    *,
    top: int | None = None,
) -> dict[str, Any]:
    """The chart of a report: {"periods": [label…], "series": [{"label", "amounts": [one per
    period], "others": bool}]}, each period with a row of the report (`counts`, its
    `period_counts`). Without a grouping, one series, the amount per period; with one, the
    `top` groups by amount over the whole range (of those whose amount is not nil), each a
    series under its names, and the rest added up as one series, "Others". Summed by the
    database (three statements over the report's rows): never the rows in Python."""
    top = CHART_SERIES if top is None else top
    counts = period_counts(by, query) if counts is None else counts
    starts = [start for start, n in counts if n]
    position = {start: i for i, start in enumerate(starts)}
    periods = [period_label(start, query.period) for start in starts]

    def amounts(sql: str, params: list) -> dict[tuple, list[Decimal]]:
        """(ids…) → the amount per period, from rows of (p, ids…, amount)."""
        found: dict[tuple, list[Decimal]] = {}
        for p, *ids, amount in _fetch(sql, params, sorted_groups=False):
            at = position.get(_as_date(p))
            if at is not None:
                found.setdefault(tuple(ids), [ZERO_AMOUNT] * len(starts))[at] = round_amount(
                    sum_read(amount) or ZERO
                )
        return found

    keys = [GROUPS[g] for g in query.group_by]
    d = [f"d{i}" for i in range(len(keys))]
    source, params, _column = _figures(by, query, keys)
    whole = amounts(f"SELECT p, SUM(a) FROM ({source}) s GROUP BY p", params).get(
        (), [ZERO_AMOUNT] * len(starts)
    )
    if not query.group_by:
        label = _("Amount (incl. VAT)")
        return {"periods": periods, "series": [{"label": label, "amounts": whole, "others": False}]}
    # the groups by their amount over the range, then by their names: the top, and how many
    names, joins, names_params, joins_params = [], [], [], []
    for i, group in enumerate(query.group_by):
        join, join_params, _code, name, name_params = _label_sql(group, f"g{i}", f"t.d{i}")
        names.append(name)
        names_params += name_params
        joins.append(join)
        joins_params += join_params
    ids = ", ".join(d)
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    title = " || ' · ' || ".join(f"({name})" for name in names)
    sql = (
        f"SELECT * FROM (SELECT {title} AS title, t.total, t.groups, "
        f"{', '.join(f't.{x}' for x in d)} FROM (SELECT {ids}, SUM(a) AS total, "
        f"COUNT(*) OVER () AS groups FROM ({source}) s GROUP BY {ids} "
        f"HAVING SUM(a) <> 0) t {' '.join(joins)}) x "
        f"ORDER BY x.total DESC, x.title{collate}, {ids} LIMIT {int(top) + 1}"
    )
    ranked = _fetch(sql, names_params + params + joins_params, sorted_groups=False)
    groups = ranked[0][2] if ranked else 0
    shown = ranked if groups <= top + 1 else ranked[:top]  # "Others" of one is itself
    by_group: dict[tuple, list[Decimal]] = {}
    if shown:
        which = Q()
        for row in shown:
            which |= Q(**dict(zip(keys, row[3:], strict=True)))
        source, params, _column = _figures(by, query, keys, which)
        by_group = amounts(f"SELECT p, {ids}, SUM(a) FROM ({source}) s GROUP BY p, {ids}", params)
    series = [
        {
            "label": row[0],
            "amounts": by_group.get(tuple(row[3:]), [ZERO_AMOUNT] * len(starts)),
            "others": False,
        }
        for row in shown
    ]
    if groups > len(shown):  # the rest: each period's whole less the groups shown
        others = [
            whole[at] - sum((s["amounts"][at] for s in series), ZERO) for at in range(len(starts))
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
    book = Workbook(write_only=True)  # rows streamed to the file, not kept as cells
    sheet = book.create_sheet(basis_labels()[query.basis])
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


def month_labels(first: date, count: int) -> list[tuple[date, str]]:
    """`count` months from `first`: each month's first day and its label (2025-03)."""
    months, start = [], first
    for _i in range(count):
        months.append((start, period_label(start, "month")))
        start = shift_start(start, "month", 1)
    return months


def monthly_series(
    by: Actor, *, group: str, ids: list[int], months: int, today: date | None = None
) -> tuple[list[str], dict[int, list[Decimal]]]:
    """The amount ordered (incl. VAT) of each customer or product (`group`) in each of the
    last `months` months to this one, oldest first: the lists' trend and the customer
    file's chart. One query over the monthly sums the user may see."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    first = shift_start(this_month, "month", 1 - months)
    calendar = month_labels(first, months)
    last = shift_start(this_month, "month", 1) - timedelta(days=1)
    query = SalesQuery(first, last, "month", (group,), "ordered")
    rows, column, grain = _source(by, query, {group})
    field = GROUPS[group]
    month = F(column) if column == "month" else TruncMonth(column)
    found = (
        rows.filter(grain, basis__in=basis_codes("ordered"))
        .filter(**{f"{field}__in": ids, f"{column}__gte": first, f"{column}__lte": last})
        .annotate(m=month)
        .values_list(field, "m")
        .annotate(Sum("gross_amount"))
        .order_by()
    )
    position = {start: i for i, (start, _label) in enumerate(calendar)}
    series = {pk: [ZERO_AMOUNT] * months for pk in ids}
    for pk, start, amount in found:
        at = position.get(start if isinstance(start, date) else date.fromisoformat(str(start)))
        if at is not None:
            series[pk][at] = round_amount(amount or ZERO)
    return [label for _start, label in calendar], series
