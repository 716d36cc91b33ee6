# ruff: noqa: S608 - SQL here is built from table and column names of our own; values are
# always parameters.
"""The sales statistics of the new orders, which the reports read: the lines summed by
order and category (HistoryCategory, the history's category grain, which the orders'
totals add up), and everything summed by month at the grains of the reports (SalesMonth,
beside the documents' months: by product, by category, by customer, and by region, rep
and kind). History never changes after its import, so the sums stay exact; an import adds
to the months an earlier one, or the documents, wrote."""

from django.db import connection

from backoffice.sales.facts import EVERY_REGION, MONTH_KEY, SUMS, adding_on_conflict
from backoffice.sales.history.context import Run
from backoffice.sales.history.sql import execute, sums_of, tables
from backoffice.sales.models import SalesFact, SalesMonth


def _month(run: Run) -> str:
    return (
        "CAST(date_trunc('month', CAST(day AS timestamp)) AS date)"
        if run.postgres
        else "date(day, 'start of month')"
    )


def _add_months(run: Run, select: str, params: list, *, sums: str = "") -> None:
    """Adds the rows of `select` (the month key, then the sums) to SalesMonth; `sums`, a
    query named first (WITH), for `select` to read. Into an empty table taken over by the
    import (sql.indexes_after), the rows are inserted: each statement's keys are its own
    (it groups by them, and each grain has its own products and customers); the unique
    index is built after them, or (as the application's role) checks them as they go."""
    table = connection.ops.quote_name(SalesMonth._meta.db_table)
    adding = (
        ""
        if SalesMonth._meta.db_table in run.taken_empty
        else adding_on_conflict(table, MONTH_KEY, counted=True)
    )
    execute(f"{sums}INSERT INTO {table} ({', '.join(MONTH_KEY + SUMS)}) {select} {adding}", params)


def write_months(run: Run, first_id: int, last_id: int) -> None:
    """The new lines summed by month, region and product (with its category), and those
    sums summed over the regions (the product grain over every region)."""
    month, history = _month(run), SalesFact.Basis.HISTORY
    totals = sums_of("quantity", "gross_amount", "net_amount", then="SUM(orders)")
    _add_months(
        run,
        f"SELECT * FROM (SELECT {history}, product_id, 0, m, region_id, 0, '', category_id, "
        "quantity, gross_amount, net_amount, orders FROM r UNION ALL "
        f"SELECT {history}, product_id, {EVERY_REGION}, m, 0, 0, '', category_id, {totals} "
        "FROM r GROUP BY product_id, m, category_id) AS x WHERE true",
        [first_id, last_id],
        sums="WITH r (product_id, m, region_id, category_id, quantity, gross_amount, "
        f"net_amount, orders) AS (SELECT product_id, {month}, region_id, category_id, {totals} "
        f"FROM {tables()['history_line']} WHERE order_id BETWEEN %s AND %s "
        f"GROUP BY product_id, {month}, region_id, category_id) ",
    )


def write_order_months(run: Run, first_id: int, last_id: int) -> None:
    """The new orders summed by month: by category and region (from their sums by
    category), by customer, and by region, rep and kind (each order counts once)."""
    t, month, history = tables(), _month(run), SalesFact.Basis.HISTORY
    sums = sums_of("quantity", "gross_amount", "net_amount", then="COUNT(*)")
    _add_months(
        run,
        f"SELECT {history}, product_id, 0, {month}, region_id, 0, '', category_id, {sums} "
        f"FROM {t['history_category']} WHERE order_id BETWEEN %s AND %s "
        f"GROUP BY product_id, {month}, region_id, category_id",
        [first_id, last_id],
    )
    for customer in ("customer_id", "0"):
        group = "customer_id, " if customer != "0" else ""
        _add_months(
            run,
            f"SELECT {history}, 0, {customer}, {month}, region_id, owner_id, customer_kind, "
            f"0, {sums} FROM {t['history_order']} WHERE id BETWEEN %s AND %s "
            f"GROUP BY {month}, {group}region_id, owner_id, customer_kind",
            [first_id, last_id],
        )


def write_categories(run: Run, first_id: int, last_id: int) -> None:
    """Per order and category: the history's category rows (product id -1 - category)."""
    t = tables()
    sums = sums_of("quantity", "gross_amount", "net_amount", then="COUNT(*) AS lines")
    execute(
        f"INSERT INTO {t['history_category']} (order_id, category_id, product_id, day, "
        "customer_id, region_id, owner_id, customer_kind, quantity, gross_amount, "
        "net_amount, line_count) SELECT x.order_id, x.category_id, -1 - x.category_id, "
        "o.day, o.customer_id, o.region_id, o.owner_id, o.kind, x.quantity, x.gross_amount, "
        f"x.net_amount, x.lines FROM (SELECT order_id, category_id, {sums} FROM "
        f"{t['history_line']} WHERE order_id BETWEEN %s AND %s GROUP BY order_id, "
        "category_id) x JOIN hist_o o ON o.id = x.order_id",
        [first_id, last_id],
    )
