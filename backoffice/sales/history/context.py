"""What one import run carries from step to step (Run), the files it reads (FILES), the
shape of its problems, and the text patterns its checks share."""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core.access import Actor
from backoffice.core.exceptions import ValidationFailed
from backoffice.sales.models import HistoryImport

# file → (required columns, optional columns), in the order they are imported
FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "regions": (("code", "name"), ()),
    "reps": (("code", "name", "region_code"), ()),
    "customers": (("code", "name", "kind", "region_code", "rep_code"), ("tax_id",)),
    "products": (("code", "name", "unit", "list_price"), ("vat_rate",)),
    "orders": (("number", "date", "customer_code", "rep_code"), ()),
    "order_lines": (
        ("order_number", "line_no", "product_code", "quantity", "unit_price"),
        (),
    ),
    "opening_balances": (("customer_code", "amount", "as_of"), ()),
}
STAGED = ("orders", "order_lines")  # the big ones: set-based, COPY on PostgreSQL
MAX_PROBLEMS = 200  # enough to fix a file by; the rest would be the same mistakes again
PER_CHECK = 50
DEFAULT_VAT = Decimal("0.13")

LINE_NO_RE = r"^0*[1-9][0-9]{0,3}$"
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
QUANTITY = (11, 3)  # digits before and after the point
PRICE = (12, 6)


def number_pattern(whole: int, decimals: int) -> str:
    return rf"^[0-9]{{1,{whole}}}(\.[0-9]{{1,{decimals}}})?$"


PRICE_RE = number_pattern(*PRICE)

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: str
    message: str


class HistoryImportFailed(ValidationFailed):
    code = "import_failed"
    default_message = _("Nothing was imported: fix the rows listed and import again.")

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(extra={"problems": [asdict(p) for p in problems]})
        self.problems = problems


class TooMany(Exception):
    """MAX_PROBLEMS found: the run stops reading."""


@dataclass
class Run:
    """One import: its files, who runs it, its record, and what the steps found and made.

    The big files' staging tables (`staged`) are, on PostgreSQL, unlogged tables named for
    the import rather than temporary ones, which parallel workers cannot read: the row
    checks run on both cores. Made in the import's transaction, they go with it."""

    sources: dict[str, Any]
    by: Actor
    record: HistoryImport
    progress: Progress
    postgres: bool = field(default_factory=lambda: connection.vendor == "postgresql")
    # made inside a transaction (a test's, say), whose uncommitted rows only its own
    # connection sees: the orders' files are then staged on it too (beside.py)
    nested: bool = field(default_factory=lambda: connection.in_atomic_block)
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # file → field → column
    order_keys: dict[str, str] = field(default_factory=dict)  # file → what orders its rows
    staged: dict[str, str] = field(default_factory=dict)  # file → staging table
    region_ids: dict[str, int] = field(default_factory=dict)  # codes → ids (0: not written)
    rep_ids: dict[str, int] = field(default_factory=dict)
    customer_ids: dict[str, int] = field(default_factory=dict)
    product_codes: set[str] = field(default_factory=set)
    balances: list[tuple[str, Decimal, date]] = field(default_factory=list)
    # the order numbers whose lines name a product twice (orders.repeated_products_found)
    repeated: list[str] = field(default_factory=list)
    # tables taken over empty: inserted into, their indexes built after their rows
    # (sql.indexes_after)
    taken_empty: set[str] = field(default_factory=set)
    now: Any = field(default_factory=timezone.now)

    def __post_init__(self) -> None:
        suffix = f"_{self.record.pk}" if self.postgres else ""
        self.staged = {name: f"hist_{name}{suffix}" for name in (*STAGED, "known")}

    @property
    def staging(self) -> str:
        return "UNLOGGED" if self.postgres else "TEMPORARY"

    @property
    def note(self) -> str:
        """What the audit rows of the master data it adds say: which import added them."""
        return str(self.record)

    def problem(self, file: str, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.filename(file), line, column, str(message)))
        if len(self.problems) >= MAX_PROBLEMS:
            raise TooMany

    def filename(self, name: str) -> str:
        source = self.sources.get(name)
        return Path(source).name if source else f"{name}.csv"
