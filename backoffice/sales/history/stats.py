"""The planner's statistics of every table the import grew, refreshed when it ends, so that
the reports' plans see the new rows (PostgreSQL; SQLite plans without them)."""

import logging
import threading

from django.contrib.auth import get_user_model
from django.db import connection

from backoffice.accounts.models import Region
from backoffice.catalog.models import Product
from backoffice.core.partitions import analyze_statements
from backoffice.ledger.models import Receivable
from backoffice.parties.models import Customer
from backoffice.sales.history.context import Run
from backoffice.sales.history.sql import execute
from backoffice.sales.models import HistoryCategory, HistoryOrder, SalesMonth

logger = logging.getLogger(__name__)


def statistics_refresh() -> None:
    """For the orders and the monthly sums, outside a transaction, also the visibility
    map, which lets the orders' list pages read ids from an index alone, and a report's
    rows be counted from an index alone (reports.selectors.sales.period_counts); autovacuum
    sees to the other tables' in its time. The lines were analyzed before their sums were
    read. Outside a transaction the monthly sums (the longest) are done on a second
    connection meanwhile."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    models = (SalesMonth, HistoryOrder, HistoryCategory, Customer, Product, Region)
    tables = [quote(model._meta.db_table) for model in (*models, get_user_model(), Receivable)]
    vacuum = [] if connection.in_atomic_block else tables[:2]  # VACUUM is not for a transaction
    months, *rest = analyze_statements(tables, vacuum=vacuum)  # the monthly sums first
    if connection.in_atomic_block:  # one connection: the transaction's rows are its own
        for sql in [months, *rest]:
            execute(sql)
        return
    beside = threading.Thread(target=_run_and_close, args=([months],), name="history-statistics")
    beside.start()
    try:
        for sql in rest:
            execute(sql)
    finally:
        beside.join()


def _run_and_close(statements: list[str]) -> None:
    """The import has committed: statistics that fail here are autovacuum's to take."""
    try:
        for sql in statements:
            execute(sql)
    except Exception:
        logger.warning("history import: statistics not refreshed", exc_info=True)
    finally:
        connection.close()


def masters_analyzed(run: Run) -> None:
    """The statistics of the master tables the import added to, before the orders are
    resolved against them: a table that was empty has none, and the planner, taking 20,000
    customers for a few hundred, would hash the million lines instead of the orders."""
    if not run.postgres:
        return
    quote = connection.ops.quote_name
    masters = (("reps", get_user_model()), ("products", Product), ("customers", Customer))
    grown = [quote(model._meta.db_table) for name, model in masters if run.counts.get(name)]
    for sql in analyze_statements(grown) if grown else []:
        execute(sql)
