"""The two big files (orders, order lines) staged and checked beside the master data: on
PostgreSQL, on a second connection in a thread of its own, while the import's own
connection checks and writes the regions, reps, products and customers (mostly Python:
each of the two cores has its share). The orders' checks need the codes the master files
bring, not their rows: they start once the master files are read (`codes_known`), and
read only what was committed before (the orders entered here, the history imported
earlier).

So the second connection is used only when the import is not itself inside a transaction
whose rows it could not see (a test's, say): there, and on SQLite, the same steps run on
the import's own connection after the master data. Either way the problems come out in
the same order (the master files', then the orders'), and the staged tables are the
import's to drop (run.py), whether it succeeds or fails.
"""

import threading
from dataclasses import dataclass, replace
from types import TracebackType

from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from backoffice.sales.history import orders
from backoffice.sales.history.context import MAX_PROBLEMS, Run, TooMany
from backoffice.sales.history.files import stage
from backoffice.sales.history.sql import big_statements, execute

LOCK_TIMEOUT = "60s"


def orders_staged(run: Run) -> bool:
    """Both files staged, and the orders that name a product twice found; whether the
    rows are to be checked (both files, each read)."""
    both = "orders" in run.sources and "order_lines" in run.sources
    staged = True
    if "orders" in run.sources:
        staged = stage(run, "orders", (0.05, 0.12)) and staged
    if "order_lines" in run.sources:
        staged = stage(run, "order_lines", (0.12, 0.40)) and staged
    if ("order_lines" in run.sources) != ("orders" in run.sources):
        run.problem("orders", 0, "", _("orders and order_lines are imported together, or neither."))
    if staged and both:
        orders.repeated_products_found(run)
    return staged and both


def orders_checked(run: Run, *, codes: "Codes") -> None:
    """Every staged row checked against the codes the master files' run knows (in the
    database or new in them)."""
    run.customer_ids, run.rep_ids, run.product_codes = codes.customers, codes.reps, codes.products
    run.progress(0.40, "checks")
    orders.known_codes(run)
    orders.check_orders(run)
    orders.check_lines(run)
    if run.problems or codes.problems:  # a good batch finds a line number twice by the key
        orders.check_line_numbers(run)
    else:
        orders.check_unchanged(run)


@dataclass(frozen=True)
class Codes:
    """What the master files' run knows when it has read them: their codes (a snapshot:
    its own thread goes on writing), and whether any of them had a problem."""

    customers: frozenset[str]
    reps: frozenset[str]
    products: frozenset[str]
    problems: bool

    @classmethod
    def of(cls, run: Run) -> "Codes":
        return cls(
            frozenset(run.customer_ids),
            frozenset(run.rep_ids),
            frozenset(run.product_codes),
            bool(run.problems),
        )


class OrdersBeside:
    """`with OrdersBeside(run) as beside:` around the master data's steps, which call
    `beside.codes_known()` once the master files are read. On leaving, the orders' files
    are staged and checked, and their problems follow the master files' in `run` (also
    those found before a check failed)."""

    def __init__(self, run: Run) -> None:
        self.run = run
        # the same tables and columns, its own problems; its progress stops it when the
        # master data failed
        self.own = replace(run, problems=[], progress=self._progress)
        self.threaded = run.postgres and not run.nested
        self.language = translation.get_language()  # a thread starts without it
        self.known = threading.Event()
        self.codes: Codes | None = None
        self.stop = False
        self.too_many = False
        self.failure: BaseException | None = None
        self.thread: threading.Thread | None = None

    def __enter__(self) -> "OrdersBeside":
        if self.threaded:
            self.thread = threading.Thread(target=self._beside, name="history-orders")
            self.thread.start()
        return self

    def codes_known(self) -> None:
        self.codes = Codes.of(self.run)
        self.known.set()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.thread is not None:
            self.stop = kind is not None  # the master data failed: the staging rolls back
            self.known.set()
            self.thread.join()
        elif kind is None:  # one connection: the same steps, now
            self.known.set()
            try:
                self._steps()
            except BaseException as exc:
                self.failure = exc
        if kind is not None:
            return
        self._merge()
        if self.failure is not None:
            raise self.failure

    def _progress(self, fraction: float, label: str) -> None:
        if self.stop:
            raise _Stopped
        self.run.progress(fraction, label)

    def _beside(self) -> None:
        try:
            with translation.override(self.language), transaction.atomic():
                big_statements()
                # a lock it would wait for behind one the import holds: fail, not hang
                execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
                self._steps()
        except _Stopped:
            pass
        except BaseException as exc:
            self.failure = exc
        finally:
            connection.close()

    def _steps(self) -> None:
        try:
            checking = orders_staged(self.own)
            self.known.wait()
            if self.stop:
                raise _Stopped
            if checking:
                orders_checked(self.own, codes=self.codes or Codes.of(self.run))
        except TooMany:
            self.too_many = True

    def _merge(self) -> None:
        self.run.repeated = self.own.repeated
        room = max(0, MAX_PROBLEMS - len(self.run.problems))
        self.run.problems.extend(self.own.problems[:room])
        if self.too_many or len(self.run.problems) >= MAX_PROBLEMS:
            raise TooMany


class _Stopped(Exception):
    """The import's own steps failed: the staging is rolled back with its transaction."""
