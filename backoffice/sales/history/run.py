"""The import's order of steps, in one transaction, one import at a time: master data,
then the big files staged and checked, then (with no problem anywhere) the orders, their
lines and sums, and the opening balances; the record ends succeeded with counts, or failed
with every problem found and nothing written."""

import logging
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor
from backoffice.core.imports import import_heartbeat, import_started
from backoffice.sales.history import balances, masters, orders, sums
from backoffice.sales.history.beside import OrdersBeside
from backoffice.sales.history.context import (
    HistoryImportFailed,
    Problem,
    Progress,
    Run,
    TooMany,
)
from backoffice.sales.history.sql import (
    big_statements,
    execute,
    fetch,
    indexes_after,
    sqlite_functions,
)
from backoffice.sales.history.stats import masters_analyzed, statistics_refresh
from backoffice.sales.models import (
    HistoryCategory,
    HistoryImport,
    HistoryLine,
    HistoryOrder,
    SalesMonth,
)

logger = logging.getLogger(__name__)


def history_import_run(
    *,
    sources: dict[str, Any],
    by: Actor,
    record: HistoryImport | None = None,
    progress: Progress | None = None,
) -> HistoryImport:
    """Import the files (name → path or storage file) in one transaction; the record ends
    succeeded with counts, or failed with every problem found (and nothing written)."""
    record = record or HistoryImport.objects.create(
        created_by=by if getattr(by, "is_authenticated", False) else None,
        files=sorted(Path(str(getattr(s, "name", s))).name for s in sources.values()),
    )
    told = progress or (lambda fraction, label: None)

    def progress(fraction: float, label: str) -> None:
        told(fraction, label)
        import_heartbeat(record)  # each step is a sign of life (core.imports)

    import_started(record)
    run = Run(sources, by=by, record=record, progress=progress)
    try:
        with transaction.atomic():
            try:
                counts = _steps(run)
            except DatabaseError as exc:  # a rule the checks did not foresee: say which
                run.problems.append(Problem("", 0, "", str(exc)))
                raise HistoryImportFailed(run.problems) from exc
            for table in (*run.staged.values(), *orders.WORK_TABLES):
                execute(f"DROP TABLE IF EXISTS {table}")
            record.status = HistoryImport.Status.SUCCEEDED
            record.counts = counts
            record.errors = []
            record.finished_at = timezone.now()
            record.save(update_fields=["status", "counts", "errors", "finished_at", "updated_at"])
            audit_record(by=by, action=AuditEvent.Action.IMPORT, obj=record, changes=counts)
    except (HistoryImportFailed, TooMany):
        record.status = HistoryImport.Status.FAILED
        record.errors = [asdict(p) for p in run.problems]
        record.counts = {}
        record.finished_at = timezone.now()
        record.save(update_fields=["status", "counts", "errors", "finished_at", "updated_at"])
        return record
    finally:
        if not run.nested and run.postgres:  # staged beside and committed (beside.py)
            _staged_dropped(run.staged.values())
    statistics_refresh()
    progress(1.0, "done")
    return record


def _steps(run: Run) -> dict[str, int]:
    if not run.sources:
        run.problem("orders", 0, "", _("No import files were found."))
    _start(run)
    with OrdersBeside(run) as beside:  # the big files staged and checked meanwhile
        run.progress(0.01, "regions")
        masters.regions(run)
        masters.reps(run)
        run.progress(0.03, "customers")
        masters.products(run)
        new_customers = masters.customers(run)
        beside.codes_known()
        masters.customers_write(run, new_customers)
        masters_analyzed(run)
    both = "orders" in run.sources and "order_lines" in run.sources
    balances.check_opening_balances(run)
    if run.problems:
        raise HistoryImportFailed(run.problems)
    if both:
        run.progress(0.50, "orders")
        try:
            with indexes_after(run, HistoryOrder, HistoryCategory, HistoryLine, SalesMonth):
                first_id, last_id = orders.new_orders(run)
                orders.write_lines(run, first_id, last_id)
                run.progress(0.75, "facts")
                sums.write_months(run, first_id, last_id)
                sums.write_categories(run, first_id, last_id)
                run.progress(0.85, "orders")
                orders.write_orders(run, first_id, last_id)
                sums.write_order_months(run, first_id, last_id)
        except IntegrityError as exc:  # the lines' primary key, built after them
            orders.line_numbers_refused(run, exc)
    balances.write_opening_balances(run)
    if both:  # last: the order counters' locks are held from here to the commit
        orders.numbering_past(run)
    run.progress(0.99, "done")
    return run.counts


def _start(run: Run) -> None:
    if not run.postgres:
        sqlite_functions()
        return
    big_statements()
    # One import at a time: another waits here until this one ends, then finds what it
    # brought in and skips it (SQLite's write lock, taken at BEGIN, does the same there).
    # Readers are not held up.
    table = connection.ops.quote_name(HistoryOrder._meta.db_table)
    execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
    # The work tables an import killed meanwhile left behind (committed beside: beside.py);
    # the import that made them holds this lock while it uses them
    left = fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename "
        "~ '^hist_(orders|order_lines|known)_[0-9]+$' AND NOT tablename = ANY(%s)",
        [list(run.staged.values())],
    )
    _staged_dropped(name for (name,) in left)


def _staged_dropped(tables: Iterable[str]) -> None:
    """Staged tables dropped outside the import's transaction; one that cannot be (the
    connection lost, say) is logged and left to the next import."""
    for table in tables:
        try:
            with transaction.atomic():  # a savepoint inside the import's transaction
                execute(f"DROP TABLE IF EXISTS {table}")
        except Exception:
            logger.warning("history import: work table %s left behind", table, exc_info=True)
