# ruff: noqa: S608 - SQL here is built from table and column names of our own; values are
# always parameters.
"""The sales statistics of the new lines, which the reports read: the lines summed by order
and category (HistoryCategory, the history's category grain, which the orders' totals add
up) and by month, region and product (HistoryMonth, for the reports over whole months).
History never changes after its import, so the sums stay exact."""

from django.db import connection

from backoffice.sales.facts import adding_on_conflict
from backoffice.sales.history.context import Run
from backoffice.sales.history.sql import execute, tables
from backoffice.sales.models import HistoryMonth


def write_months(run: Run, first_id: int, last_id: int) -> None:
    """The new lines summed by month, region and product (HistoryMonth), added to the
    months an earlier import wrote."""
    line = tables()["history_line"]
    table = connection.ops.quote_name(HistoryMonth._meta.db_table)
    key = ("product_id", "month", "region_id", "category_id")
    month = (
        "CAST(date_trunc('month', CAST(day AS timestamp)) AS date)"
        if run.postgres
        else "date(day, 'start of month')"
    )
    execute(
        f"INSERT INTO {table} ({', '.join(key)}, quantity, gross_amount, net_amount, "
        f"orders) SELECT product_id, {month}, region_id, category_id, SUM(quantity), "
        f"SUM(gross_amount), SUM(net_amount), SUM(orders) FROM {line} WHERE order_id "
        f"BETWEEN %s AND %s GROUP BY product_id, {month}, region_id, category_id "
        f"{adding_on_conflict(table, key)}",
        [first_id, last_id],
    )


def write_categories(run: Run, first_id: int, last_id: int) -> None:
    """Per order and category: the history's category rows (product id -1 - category)."""
    t = tables()
    execute(
        f"INSERT INTO {t['history_category']} (order_id, category_id, product_id, day, "
        "customer_id, region_id, owner_id, customer_kind, quantity, gross_amount, "
        "net_amount, line_count) SELECT x.order_id, x.category_id, -1 - x.category_id, "
        "o.day, o.customer_id, o.region_id, o.owner_id, o.kind, x.quantity, x.gross, "
        "x.net, x.lines FROM (SELECT order_id, category_id, SUM(quantity) AS quantity, "
        "SUM(gross_amount) AS gross, SUM(net_amount) AS net, COUNT(*) AS lines FROM "
        f"{t['history_line']} WHERE order_id BETWEEN %s AND %s GROUP BY order_id, "
        "category_id) x JOIN hist_o o ON o.id = x.order_id",
        [first_id, last_id],
    )
