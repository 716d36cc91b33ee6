"""Historical import (issue #6): regions, reps, customers, products, closed orders with
their lines, and opening receivables, from CSV files (UTF-8, header row) or .xlsx sheets
with the same columns — a company's history from spreadsheets or a previous system.

    python manage.py import_history DIR      (or the upload page, run by the task worker)

The rules:
- Every bad row is reported by file, line, column and message, and a batch with any bad row
  writes nothing: everything happens in one transaction.
- Running the same files again adds nothing: what exists (by code, by order number) is
  skipped, and an order imported before keeps its lines.
- Master data goes in through its own apps' bulk services, audited; customer rows follow
  the rules every customer import shares (parties.imports.customer_row_check).
- Imported orders are closed: on their date they count as ordered, delivered and invoiced
  alike. They go to the history tables (models/history.py), whose lines, sums by order
  and category, and orders are the history's product, category and all-products facts;
  the import also sums the lines by month for the reports over whole months.
  They are not posted to the ledger; receivables still open come in as opening balances.
- Speed: the two big files (orders, order lines) never pass through Python row by row on
  PostgreSQL. They are streamed with COPY into work tables, checked with set-based
  queries, and written with INSERT … SELECT. Small files (customers and the like) are read
  row by row and checked in Python. Memory stays bounded: files are streamed, never loaded.
  A first import, into empty history tables and monthly sums, builds their indexes after
  their rows (sql.indexes_after); the customers go in by one COPY through their service
  (core.bulk). On PostgreSQL the big files are staged and checked on a second connection
  while the master data is written (beside.py). `python -m bench.import_steps` times each
  step on a fresh database.

The steps, one module each: files (reading, staging), masters (regions, reps, products,
customers), beside (the big files staged and checked beside them), orders (orders and
lines, checked and written), sums (by category and month), balances (opening receivables),
stats (the planner's statistics), run (their order, one transaction), upload (the upload
page and the task worker); context holds the Run that they pass along, and sql the SQL
they share.
"""

from backoffice.sales.history.context import (
    FILES,
    LINE_NO_RE,
    PRICE,
    QUANTITY,
    HistoryImportFailed,
    Problem,
    Run,
    number_pattern,
)
from backoffice.sales.history.files import sources_in
from backoffice.sales.history.run import history_import_run
from backoffice.sales.history.upload import (
    count_rows,
    history_import_retry,
    history_import_task,
    history_progress,
    history_upload,
    upload_directory,
)

__all__ = [
    "FILES",
    "LINE_NO_RE",
    "PRICE",
    "QUANTITY",
    "HistoryImportFailed",
    "Problem",
    "Run",
    "count_rows",
    "history_import_retry",
    "history_import_run",
    "history_import_task",
    "history_progress",
    "history_upload",
    "number_pattern",
    "sources_in",
    "upload_directory",
]
