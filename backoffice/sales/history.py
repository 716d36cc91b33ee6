# ruff: noqa: S608 - SQL here is built from table and column names of our own; values are
# always parameters.
"""Historical import (issue #6): regions, reps, customers, products, closed orders with
their lines, and opening receivables, from CSV files (UTF-8, header row) or .xlsx sheets
with the same columns — a company's history from spreadsheets or a previous system.

    python manage.py import_history DIR      (or the upload page, run by the task worker)

The rules:
- Every bad row is reported by file, line, column and message, and a batch with any bad row
  writes nothing: everything happens in one transaction.
- Running the same files again adds nothing: what exists (by code, by order number) is
  skipped, and an order imported before keeps its lines.
- Imported orders are closed: on their date they count as ordered, delivered and invoiced
  alike. They go to the history tables (models/history.py), whose lines, sums by order
  and category, and orders are the history's product, category and all-products facts;
  the import also sums the lines by month for the reports over whole months.
  They are not posted to the ledger; receivables still open come in as opening balances.
- Speed: the two big files (orders, order lines) never pass through Python row by row on
  PostgreSQL. They are streamed with COPY into temporary tables, checked with set-based
  queries, and written with INSERT … SELECT. Small files (customers and the like) are read
  row by row and checked in Python. Memory stays bounded: files are streamed, never loaded.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.accounts.models import Region
from backoffice.accounts.services import user_create
from backoffice.audit.services import audit_record
from backoffice.catalog.models import Product
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import line_amounts, round_amount
from backoffice.core.pinyin import pinyin_keys
from backoffice.core.tabular import cell_text
from backoffice.ledger.models import Receivable
from backoffice.ledger.services import AR, OPENING, journal_post
from backoffice.parties.imports import choice_value
from backoffice.parties.models import Customer
from backoffice.parties.validators import uscc_problem
from backoffice.sales.facts import adding_on_conflict
from backoffice.sales.models import (
    HistoryCategory,
    HistoryImport,
    HistoryLine,
    HistoryMonth,
    HistoryOrder,
    SalesOrder,
)

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
OPENING_SOURCE = "sales.opening"  # an opening receivable: one per customer, source_id = it
DEFAULT_VAT = Decimal("0.13")
CHUNK = 1 << 20

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


class _TooMany(Exception):
    pass


def sources_in(directory: Path) -> dict[str, Path]:
    """The import files found in a directory: <name>.csv or <name>.xlsx for each name."""
    found = {}
    for path in sorted(directory.iterdir()):
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if stem in FILES and suffix in (".csv", ".xlsx") and path.is_file():
            found[stem] = path
    return found


def _decimal(text: str, pattern: str) -> Decimal | None:
    if not re.match(pattern, text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def _date(text: str) -> date | None:
    if not re.match(DATE_RE, text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class _Run:
    """One import: stage, check, write. Raises HistoryImportFailed with every problem."""

    def __init__(self, sources: dict[str, Any], *, by: Any, record: HistoryImport, progress):
        self.sources = sources
        self.by = by
        self.record = record
        self.progress = progress
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}
        self.columns: dict[str, dict[str, str]] = {}  # file → field → staging column
        self.order_keys: dict[str, str] = {}  # file → what orders its staged rows
        self.postgres = connection.vendor == "postgresql"
        # The big files' staging tables and the codes they may use. On PostgreSQL
        # unlogged tables named for the import rather than temporary ones, which parallel
        # workers cannot read: the row checks run on both cores. Made in the import's
        # transaction, they go with it.
        self.staging = "UNLOGGED" if self.postgres else "TEMPORARY"
        suffix = f"_{record.pk}" if self.postgres else ""
        self.staged = {name: f"hist_{name}{suffix}" for name in (*STAGED, "known")}
        self.now = timezone.now()
        self.region_ids: dict[str, int] = {}
        self.rep_ids: dict[str, int] = {}
        self.customer_ids: dict[str, int] = {}
        self.product_codes: set[str] = set()
        self.balances: list[tuple[str, Decimal, date]] = []

    # --- problems -----------------------------------------------------------------------
    def problem(self, file: str, line: int, column: str, message: str) -> None:
        self.problems.append(Problem(self.filename(file), line, column, message))
        if len(self.problems) >= MAX_PROBLEMS:
            raise _TooMany

    def filename(self, name: str) -> str:
        source = self.sources.get(name)
        return Path(source).name if source else f"{name}.csv"

    # --- reading --------------------------------------------------------------------------
    def open(self, name: str) -> IO[bytes]:
        return Path(self.sources[name]).open("rb")

    def is_xlsx(self, name: str) -> bool:
        return self.filename(name).lower().endswith(".xlsx")

    def header(self, name: str, names: list[str]) -> dict[str, int] | None:
        """field → column index, or None (with problems) when a required column is missing."""
        required, optional = FILES[name]
        names = [n.strip().lower() for n in names]
        index = {}
        for field in required + optional:
            if field in names:
                index[field] = names.index(field)
            elif field in required:
                self.problem(name, 1, field, _("The column “%s” is missing.") % field)
        return None if len(index) < len(required) else index

    def rows(self, name: str) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of the data rows, the header first as line 1. Streamed."""
        with self.open(name) as handle:
            if self.is_xlsx(name):
                from openpyxl import load_workbook

                try:
                    sheet = load_workbook(handle, read_only=True, data_only=True).active
                except Exception:  # openpyxl raises many kinds for a broken file
                    self.problem(name, 1, "", _("This is not a readable .xlsx file."))
                    return
                for line, row in enumerate(sheet.iter_rows(values_only=True), 1):
                    cells = [cell_text(c) for c in row]
                    if any(cells):
                        yield line, cells
                return
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            line = 0
            try:
                for line, cells in enumerate(csv.reader(text), 1):
                    if any(cells):
                        yield line, cells
            except UnicodeDecodeError:
                self.problem(name, line + 1, "", _("The file is not UTF-8 encoded."))

    def records(self, name: str) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, {field: text}) for a small file checked in Python."""
        index = None
        for line, cells in self.rows(name):
            if index is None:
                index = self.header(name, cells)
                if index is None:
                    return
                continue
            yield line, {f: (cells[i] if i < len(cells) else "").strip() for f, i in index.items()}

    # --- staging the big files ------------------------------------------------------------
    def stage(self, name: str, share: tuple[float, float]) -> bool:
        """The file into a temporary table of text columns, then its statistics (without
        them the planner sorts a million rows to join them)."""
        if not self._stage(name, share):
            return False
        self.analyze(self.staged[name])
        return True

    def _stage(self, name: str, share: tuple[float, float]) -> bool:
        table = self.staged[name]
        with self.open(name) as handle:
            if self.postgres and not self.is_xlsx(name):
                first = handle.readline()
                try:
                    names = next(csv.reader([first.decode("utf-8-sig")]))
                except (UnicodeDecodeError, StopIteration):
                    self.problem(name, 1, "", _("The first line must be the header row."))
                    return False
                index = self.header(name, names)
                if index is None:
                    return False
                self.create_stage(table, len(names), index, name, numbered=False)
                return self.copy(name, table, handle, len(names), share)
        rows = self.rows(name)
        first = next(rows, None)
        if first is None:
            self.problem(name, 1, "", _("The file is empty."))
            return False
        index = self.header(name, first[1])
        if index is None:
            return False
        width = len(first[1])
        self.create_stage(table, width, index, name, numbered=True)
        cells = ", ".join(f"c{i}" for i in range(width))
        marks = ", ".join(["%s"] * (width + 1))
        sql = f"INSERT INTO {table} (line, {cells}) VALUES ({marks})"
        batch: list[list[Any]] = []
        with connection.cursor() as cursor:
            for line, row in rows:
                batch.append([line, *(row + [""] * width)[:width]])
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
        return True

    def create_stage(
        self, table: str, width: int, index: dict[str, int], name: str, *, numbered: bool
    ) -> None:
        """A table of text columns c0, c1…; `numbered`: with the file's line of each row.
        A file COPYed in has none: its rows lie in the table in the file's order, which
        their ctid gives (numbering a million rows as they come costs a third of the COPY);
        the few lines a problem names are counted out then (line_numbers)."""
        self.columns[name] = {field: f"c{i}" for field, i in index.items()}
        self.order_keys[name] = "line" if numbered else "ctid"
        cells = ", ".join(f"c{i} text" for i in range(width))
        line = "line bigint, " if numbered else ""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE {self.staging} TABLE {table} ({line}{cells})")

    def line_numbers(self, name: str, keys: list[Any]) -> dict[Any, int]:
        """The file's line of each row named by its order key (see create_stage)."""
        if self.order_keys[name] == "line" or not keys:
            return {key: key for key in keys}
        return dict(
            self.fetch(
                f"SELECT at, line FROM (SELECT ctid AS at, ROW_NUMBER() OVER (ORDER BY ctid) "
                f"+ 1 AS line FROM {self.staged[name]}) r WHERE at = ANY(%s::tid[])",
                [keys],
            )
        )

    def copy(self, name: str, table: str, handle: IO[bytes], width: int, share) -> bool:
        cells = ", ".join(f"c{i}" for i in range(width))
        size = max(1, Path(self.sources[name]).stat().st_size)
        done = 0
        try:
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                cursor.cursor.copy(  # psycopg's own cursor: COPY FROM STDIN
                    f"COPY {table} ({cells}) FROM STDIN WITH (FORMAT csv, "
                    f"FORCE_NOT_NULL ({cells}), ENCODING 'UTF8')"
                ) as copy,
            ):
                while chunk := handle.read(CHUNK):
                    copy.write(chunk)
                    done += len(chunk)
                    self.progress(share[0] + (share[1] - share[0]) * done / size, name)
        except Exception as exc:  # psycopg's errors, not wrapped by Django here
            cause = exc.__cause__ or exc
            diag = getattr(cause, "diag", None)
            if diag is None and not isinstance(exc, DatabaseError):
                raise
            context = getattr(diag, "context", "") or ""
            found = re.search(r"line (\d+)", context)
            line = int(found.group(1)) + 1 if found else 0
            detail = getattr(diag, "message_primary", None) or str(cause)
            self.problem(
                name, line, "", _("This line cannot be read: %(error)s") % {"error": detail}
            )
            return False
        return True

    # --- SQL helpers ----------------------------------------------------------------------
    def col(self, name: str, field: str) -> str:
        return self.columns[name][field]

    def matches(self, expression: str) -> str:
        return f"{expression} ~ %s" if self.postgres else f"{expression} REGEXP %s"

    def is_number(self, expression: str, whole: int, decimals: int) -> tuple[str, list]:
        """SQL true when the text is 1 to `whole` digits, then optionally a point and 1 to
        `decimals` digits (the pattern of number_pattern()). On PostgreSQL by counting
        characters: a million lines' regexes cost a second, this a third of it."""
        if not self.postgres:
            return self.matches(expression), [number_pattern(whole, decimals)]
        dot = f"strpos({expression}, '.')"
        return (
            f"CASE translate({expression}, '0123456789', '') "
            f"WHEN '' THEN length({expression}) BETWEEN 1 AND {whole} "
            f"WHEN '.' THEN {dot} BETWEEN 2 AND {whole + 1} "
            f"AND length({expression}) - {dot} BETWEEN 1 AND {decimals} ELSE false END",
            [],
        )

    def is_line_no(self, expression: str) -> tuple[str, list]:
        """SQL true for a whole number from 1 to 9999, leading zeros allowed (LINE_NO_RE)."""
        if not self.postgres:
            return self.matches(expression), [LINE_NO_RE]
        return (
            f"(translate({expression}, '0123456789', '') = '' "
            f"AND length(ltrim({expression}, '0')) BETWEEN 1 AND 4)",
            [],
        )

    def check(self, name: str, field: str, message: str, where: str, params=()) -> None:
        """Report the lines of a staged file WHERE the condition holds; %(value)s in the
        message is the cell's text."""
        self.checks(name, [(field, message, where, params)])

    def checks(self, name: str, rules: list[tuple[str, str, str, Any]]) -> None:
        """Several (field, message, condition, params) rules in one pass over the file."""
        tests = ", ".join(f"CASE WHEN {where} THEN 1 ELSE 0 END" for _f, _m, where, _p in rules)
        values = ", ".join(self.col(name, field) for field, _m, _w, _p in rules)
        either = " OR ".join(f"({where})" for _f, _m, where, _p in rules)
        params = [p for _f, _m, _w, ps in rules for p in ps]
        with connection.cursor() as cursor:
            cursor.execute(  # all bad rows (mostly none), then the first: see fence()
                f"SELECT * FROM (SELECT {self.order_keys[name]} AS at, {values}, {tests} "
                f"FROM {self.staged[name]} WHERE {either}{self.fence()}) x "
                f"ORDER BY at LIMIT {PER_CHECK}",
                params + params,
            )
            found = cursor.fetchall()
        lines = self.line_numbers(name, [at for at, *_cells in found])
        for at, *cells in found:
            for index, (field, message, _w, _p) in enumerate(rules):
                if cells[len(rules) + index]:
                    self.problem(name, lines[at], field, message % {"value": cells[index]})

    def analyze(self, table: str) -> None:
        """Statistics of a work table, from a small sample: enough for row counts and
        join plans, at a tenth of the default's cost."""
        if not self.postgres:
            self.execute(f"ANALYZE {table}")
            return
        self.execute("SET LOCAL default_statistics_target = 10")
        self.execute(f"ANALYZE {table}")
        self.execute("SET LOCAL default_statistics_target = DEFAULT")

    def fence(self) -> str:
        """Ends a subquery that PostgreSQL must plan on its own (OFFSET 0): without it a
        LIMIT outside invites a plan that expects to stop early, which over a million good
        rows means a million index probes; or expressions are computed once per use."""
        return " OFFSET 0" if self.postgres else ""

    def scalar(self, sql: str, params=()) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            row = cursor.fetchone()
        return row[0] if row else None

    def execute(self, sql: str, params=()) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return cursor.rowcount

    # --- the run --------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        if not self.sources:
            self.problem("orders", 0, "", _("No import files were found."))
        if self.postgres:  # big hash aggregates and joins in memory; no JIT compiling
            self.execute("SET LOCAL work_mem = '256MB'")
            self.execute("SET LOCAL jit = off")
            # One import at a time: another waits here until this one ends, then finds
            # what it brought in and skips it (SQLite's write lock, taken at BEGIN, does
            # the same there). Readers are not held up.
            table = connection.ops.quote_name(HistoryOrder._meta.db_table)
            self.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        else:
            self.sqlite_functions()
        self.progress(0.01, "regions")
        self.regions()
        self.reps()
        self.progress(0.03, "customers")
        self.products()
        self.customers()
        staged = True
        if "orders" in self.sources:
            staged = self.stage("orders", (0.05, 0.12)) and staged
        if "order_lines" in self.sources:
            staged = self.stage("order_lines", (0.12, 0.40)) and staged
        if ("order_lines" in self.sources) != ("orders" in self.sources):
            self.problem(
                "orders", 0, "", _("orders and order_lines are imported together, or neither.")
            )
        if staged and "orders" in self.sources and "order_lines" in self.sources:
            self.progress(0.40, "checks")
            self.known_codes()
            self.check_orders()
            self.check_lines()
            if self.problems:  # a good batch finds a line number twice by the primary key
                self.check_line_numbers()
        self.check_opening_balances()
        if self.problems:
            raise HistoryImportFailed(self.problems)
        if "orders" in self.sources and "order_lines" in self.sources:
            self.progress(0.50, "orders")
            self.write_orders()
        self.write_opening_balances()
        self.progress(0.99, "done")
        return self.counts

    def sqlite_functions(self) -> None:
        """On SQLite, line amounts in exact decimals by core.money's one rule (PostgreSQL's
        numeric ROUND gives the same, half away from zero)."""

        def gross(quantity, price):
            amounts = line_amounts(quantity=str(quantity), unit_price=str(price), vat_rate=0)
            return str(amounts.gross_amount)

        def net(quantity, price, rate):
            amounts = line_amounts(
                quantity=str(quantity), unit_price=str(price), vat_rate=str(rate)
            )
            return str(amounts.net_amount)

        connection.ensure_connection()
        connection.connection.create_function("history_gross", 2, gross, deterministic=True)
        connection.connection.create_function("history_net", 3, net, deterministic=True)

    # --- master data, checked in Python ---------------------------------------------------
    def regions(self) -> None:
        existing = dict(Region.objects.values_list("code", "pk"))
        self.region_ids = dict(existing)
        new = []
        if "regions" in self.sources:
            for line, row in self.records("regions"):
                code = row["code"]
                if not re.match(r"^[-a-zA-Z0-9_]{1,32}$", code):
                    self.problem("regions", line, "code", _("Use 1 to 32 letters, digits, - or _."))
                    continue
                if not row["name"] or len(row["name"]) > 100:
                    self.problem("regions", line, "name", _("A name of 1 to 100 characters."))
                if code in self.region_ids:
                    if code not in existing:
                        self.problem("regions", line, "code", _("This code is in the file twice."))
                    continue
                self.region_ids[code] = 0
                new.append(Region(code=code, name=row["name"]))
        self.created("regions", new, Region)
        self.region_ids.update(dict(Region.objects.values_list("code", "pk")))

    def created(self, name: str, objects: list, model: Any) -> None:
        if self.problems:
            return
        model.objects.bulk_create(objects, batch_size=2000)
        self.counts[name] = len(objects)

    def reps(self) -> None:
        users = get_user_model()
        self.rep_ids = dict(users.objects.values_list("username", "pk"))
        if "reps" not in self.sources:
            return
        validator = UnicodeUsernameValidator()
        new = []
        for line, row in self.records("reps"):
            code = row["code"]
            try:
                validator(code)
            except ValidationError:
                self.problem("reps", line, "code", _("Letters, digits and @ . + - _ only."))
                continue
            if not code or len(code) > 150:
                self.problem("reps", line, "code", _("Required."))
                continue
            if row["region_code"] not in self.region_ids:
                self.problem(
                    "reps",
                    line,
                    "region_code",
                    _("Unknown region “%s”.") % row["region_code"],
                )
            if code in self.rep_ids:
                if any(code == n[0] for n in new):
                    self.problem("reps", line, "code", _("This code is in the file twice."))
                continue
            new.append((code, row["name"][:100], row["region_code"]))
        if not self.problems:
            for code, name, region in new:  # a few dozen: the service sets role and regions
                user = user_create(username=code, role="rep", region_codes=[region], full_name=name)
                self.rep_ids[code] = user.pk
            self.counts["reps"] = len(new)
        else:
            self.rep_ids.update({code: 0 for code, _n, _r in new})

    def products(self) -> None:
        existing = set(Product.objects.values_list("code", flat=True))
        self.product_codes = existing
        if "products" not in self.sources:
            return
        new: dict[str, Product] = {}
        for line, row in self.records("products"):
            code = row["code"]
            if not code or len(code) > 32:
                self.problem("products", line, "code", _("A code of 1 to 32 characters."))
                continue
            if not row["name"] or len(row["name"]) > 200:
                self.problem("products", line, "name", _("A name of 1 to 200 characters."))
            if len(row["unit"]) > 20:
                self.problem("products", line, "unit", _("At most 20 characters."))
            price = _decimal(row["list_price"], PRICE_RE)
            if price is None:
                self.problem("products", line, "list_price", _("A price of 0 or more, like 12.50."))
            rate = DEFAULT_VAT
            if row.get("vat_rate"):
                text = row["vat_rate"]
                rate = _decimal(text.rstrip("%"), number_pattern(2, 4))
                if rate is not None and text.endswith("%"):
                    rate = rate / 100
                if rate is None or rate >= 1:
                    self.problem(
                        "products",
                        line,
                        "vat_rate",
                        _("A rate such as 0.13, or 13 with a percent sign."),
                    )
                    continue
            if code in new:
                self.problem("products", line, "code", _("This code is in the file twice."))
                continue
            if code in existing:
                continue
            pinyin, initials = pinyin_keys(row["name"])
            new[code] = Product(
                code=code,
                name=row["name"],
                name_pinyin=pinyin[:200],
                name_initials=initials[:100],
                unit=row["unit"] or "盒",
                list_price=price or 0,
                vat_rate=rate,
            )
        self.created("products", list(new.values()), Product)
        self.product_codes = existing | set(new)

    def customers(self) -> None:
        self.customer_ids = dict(Customer.objects.values_list("code", "pk"))
        if "customers" not in self.sources:
            return
        new: dict[str, Customer] = {}
        kinds: dict[str, str | None] = {}
        for line, row in self.records("customers"):
            code = row["code"]
            if not code or len(code) > 32:
                self.problem("customers", line, "code", _("A code of 1 to 32 characters."))
                continue
            if not row["name"] or len(row["name"]) > 200:
                self.problem("customers", line, "name", _("A name of 1 to 200 characters."))
            if row["kind"] not in kinds:  # a handful of texts over thousands of rows
                kinds[row["kind"]] = choice_value(row["kind"], Customer.Kind)
            kind = kinds[row["kind"]]
            if kind not in ("hospital", "distributor", "pharmacy", "enterprise"):
                self.problem(
                    "customers",
                    line,
                    "kind",
                    _("One of hospital, distributor, pharmacy, enterprise."),
                )
            region = self.region_ids.get(row["region_code"])
            if region is None:
                self.problem(
                    "customers", line, "region_code", _("Unknown region “%s”.") % row["region_code"]
                )
            rep = self.rep_ids.get(row["rep_code"])
            if rep is None:
                self.problem(
                    "customers",
                    line,
                    "rep_code",
                    _("Unknown rep “%(value)s”.") % {"value": row["rep_code"]},
                )
            tax_id = row.get("tax_id", "").upper()
            if tax_id and (problem := uscc_problem(tax_id)):
                self.problem("customers", line, "tax_id", str(problem))
            if code in new:
                self.problem("customers", line, "code", _("This code is in the file twice."))
                continue
            if code in self.customer_ids:
                continue
            pinyin, initials = pinyin_keys(row["name"])
            new[code] = Customer(
                code=code,
                name=row["name"],
                name_pinyin=pinyin[:200],
                name_initials=initials[:100],
                kind=kind or "",
                region_id=region,
                owner_id=rep,
                status=Customer.Status.ACTIVE,
                legal_name=row["name"] if tax_id else "",
                tax_id=tax_id,
            )
        self.created("customers", list(new.values()), Customer)
        self.customer_ids = dict.fromkeys(new, 0) | dict(Customer.objects.values_list("code", "pk"))

    # --- orders and lines, checked and written set-wise -----------------------------------
    def tables(self) -> dict[str, str]:
        quote = connection.ops.quote_name
        return {
            "customer": quote(Customer._meta.db_table),
            "product": quote(Product._meta.db_table),
            "user": quote(get_user_model()._meta.db_table),
            "order": quote(SalesOrder._meta.db_table),
            "history_order": quote(HistoryOrder._meta.db_table),
            "history_line": quote(HistoryLine._meta.db_table),
            "history_category": quote(HistoryCategory._meta.db_table),
        }

    def known_codes(self) -> None:
        """Customer, rep and product codes the orders may use: in the database or in this
        batch's files (checked even when a master file had problems and wrote nothing)."""
        known = self.staged["known"]
        self.execute(f"DROP TABLE IF EXISTS {known}")
        self.execute(f"CREATE {self.staging} TABLE {known} (kind text, code text)")
        with connection.cursor() as cursor:
            for kind, codes in (
                ("customer", self.customer_ids),
                ("rep", self.rep_ids),
                ("product", self.product_codes),
            ):
                if self.postgres:  # one statement, not one per code
                    cursor.execute(
                        f"INSERT INTO {known} (kind, code) SELECT %s, unnest(%s::text[])",
                        [kind, list(codes)],
                    )
                    continue
                cursor.executemany(
                    f"INSERT INTO {known} (kind, code) VALUES (%s, %s)",
                    [(kind, code) for code in codes],
                )
        self.execute(f"CREATE INDEX {known}_code ON {known} (kind, code)")
        self.execute(f"ANALYZE {known}")

    def known(self, kind: str, expression: str) -> str:
        return (
            f"NOT EXISTS (SELECT 1 FROM {self.staged['known']} k WHERE k.kind = '{kind}' "
            f"AND k.code = {expression})"
        )

    def check_orders(self) -> None:
        so = self.staged["orders"]
        t = self.tables()
        number, day = self.col("orders", "number"), self.col("orders", "date")
        customer, rep = self.col("orders", "customer_code"), self.col("orders", "rep_code")
        self.check(
            "orders",
            "number",
            _("An order number of 1 to 32 characters."),
            f"{number} = '' OR LENGTH({number}) > 32",
        )
        self.check(
            "orders",
            "number",
            _("The order number “%(value)s” is in the file twice."),
            f"{number} IN (SELECT {number} FROM {so} GROUP BY {number} HAVING COUNT(*) > 1)",
        )
        self.check(
            "orders",
            "number",
            _("The number “%(value)s” belongs to an order entered here, not imported."),
            f"EXISTS (SELECT 1 FROM {t['order']} o WHERE o.number = {so}.{number} "
            "AND o.history_import_id IS NULL)",
        )
        bad_days = [
            text
            for (text,) in self.fetch(f"SELECT DISTINCT {day} FROM {so}")
            if _date(text) is None
        ]
        if bad_days:
            marks = ", ".join(["%s"] * len(bad_days))
            self.check(
                "orders",
                "date",
                _("“%(value)s” is not a date like 2024-01-31."),
                f"{day} IN ({marks})",
                bad_days,
            )
        self.check(
            "orders",
            "customer_code",
            _("Unknown customer “%(value)s”."),
            self.known("customer", customer),
        )
        self.check(
            "orders",
            "rep_code",
            _("Unknown rep “%(value)s”."),
            self.known("rep", rep),
        )

    def fetch(self, sql: str, params=()) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, list(params))
            return cursor.fetchall()

    def check_lines(self) -> None:
        so, sl = self.staged["orders"], self.staged["order_lines"]
        t = self.tables()
        c = self.columns["order_lines"]
        number = self.col("orders", "number")
        self.check(
            "order_lines",
            "order_number",
            _("The order “%(value)s” is not in the orders file."),
            f"NOT EXISTS (SELECT 1 FROM {so} o WHERE o.{number} = {sl}.{c['order_number']})",
        )
        line_no, line_no_params = self.is_line_no(c["line_no"])
        quantity, quantity_params = self.is_number(c["quantity"], *QUANTITY)
        price, price_params = self.is_number(c["unit_price"], *PRICE)
        self.checks(
            "order_lines",
            [
                (
                    "line_no",
                    _("“%(value)s” is not a line number (1 to 9999)."),
                    f"NOT ({line_no})",
                    line_no_params,
                ),
                (  # a well-formed quantity is 0 when it has no digit but 0
                    "quantity",
                    _("“%(value)s” is not a quantity more than 0 (at most 3 decimals)."),
                    f"NOT ({quantity}) OR ltrim({c['quantity']}, '0.') = ''",
                    quantity_params,
                ),
                (
                    "unit_price",
                    _("“%(value)s” is not a price of 0 or more (at most 6 decimals)."),
                    f"NOT ({price})",
                    price_params,
                ),
            ],
        )
        self.check(
            "order_lines",
            "product_code",
            _("Unknown product “%(value)s”."),
            self.known("product", c["product_code"]),
        )
        self.check(
            "orders",
            "number",
            _("The order “%(value)s” has no lines in order_lines."),
            f"NOT EXISTS (SELECT 1 FROM {sl} l WHERE l.{c['order_number']} = "
            f"{so}.{number}) AND NOT EXISTS (SELECT 1 FROM {t['order']} o "
            f"WHERE o.number = {so}.{number}) AND NOT EXISTS (SELECT 1 FROM "
            f"{t['history_order']} o WHERE o.number = {so}.{number})",
        )

    def write_orders(self) -> None:
        """The new orders and their lines into the history tables, with their sums by
        category and by month (models/history.py): the lines, the sums by category and the
        orders are the history's product, category and all-products rows for the reports.
        Order ids are reserved first, so that the lines go in straight from the staged
        file, and the orders' totals are summed from the lines."""
        so, sl = self.staged["orders"], self.staged["order_lines"]
        t = self.tables()
        o, c = self.columns["orders"], self.columns["order_lines"]
        first_id = self.reserve_order_ids()
        # The new orders, resolved: customer, its region and kind, the rep. An order
        # imported before (here, or into the orders table by an earlier version) is left.
        day = f"CAST(s.{o['date']} AS date)" if self.postgres else f"s.{o['date']}"
        self.execute("DROP TABLE IF EXISTS hist_o")
        self.execute(
            "CREATE TEMPORARY TABLE hist_o AS SELECT "
            f"{first_id} - 1 + ROW_NUMBER() OVER (ORDER BY s.{self.order_keys['orders']}) "
            "AS id, "
            f"s.{o['number']} AS number, {day} AS day, c.id AS customer_id, "
            "c.region_id AS region_id, c.kind AS kind, u.id AS owner_id "
            f"FROM {so} s JOIN {t['customer']} c ON c.code = s.{o['customer_code']} "
            f"JOIN {t['user']} u ON u.username = s.{o['rep_code']} "
            f"WHERE NOT EXISTS (SELECT 1 FROM {t['history_order']} x "
            f"WHERE x.number = s.{o['number']}) "
            f"AND NOT EXISTS (SELECT 1 FROM {t['order']} x WHERE x.number = s.{o['number']})"
        )
        self.analyze("hist_o")
        new = self.scalar("SELECT COUNT(*) FROM hist_o") or 0
        self.counts["orders_skipped"] = (self.scalar(f"SELECT COUNT(*) FROM {so}") or 0) - new
        if self.postgres:
            self.scalar(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                [HistoryOrder._meta.db_table, first_id + max(new, 1) - 1],
            )
        last_id = first_id + new - 1
        # Each line's numbers are read from their text once, in an inner query that a
        # fence keeps apart (PostgreSQL would otherwise cast them again in each expression
        # that uses them), and its amounts computed from them outside.
        if self.postgres:
            quantity = f"CAST(s.{c['quantity']} AS numeric)"
            price = f"CAST(s.{c['unit_price']} AS numeric)"
            gross = "ROUND(s.quantity * s.unit_price, 2)"
            net = "ROUND(s.gross / (1 + s.vat_rate), 2)"
        else:
            quantity = f"s.{c['quantity']}"  # the text, which the functions read exactly
            price = f"s.{c['unit_price']}"
            gross = "history_gross(s.quantity, s.unit_price)"
            net = "history_net(s.quantity, s.unit_price, s.vat_rate)"
        # A product on two lines of an order counts that order once: the later lines are
        # found by one GROUP BY (few, if any) and count no order.
        self.execute("DROP TABLE IF EXISTS hist_again")
        self.execute(
            f"CREATE TEMPORARY TABLE hist_again AS SELECT {c['order_number']} AS number, "
            f"{c['product_code']} AS product, MIN(CAST({c['line_no']} AS integer)) AS first "
            f"FROM {sl} GROUP BY {c['order_number']}, {c['product_code']} "
            "HAVING COUNT(*) > 1"
        )
        self.execute("ANALYZE hist_again")
        self.progress(0.55, "order_lines")
        try:
            with transaction.atomic():  # a savepoint: a line number twice is reported below
                self.counts["order_lines"] = self.execute(
                    f"INSERT INTO {t['history_line']} (order_id, line_no, product_id, "
                    "quantity, unit_price, vat_rate, gross_amount, net_amount, day, "
                    "customer_id, region_id, owner_id, customer_kind, category_id, orders) "
                    "SELECT s.order_id, s.line_no, s.product_id, s.quantity, s.unit_price, "
                    f"s.vat_rate, s.gross, {net}, s.day, s.customer_id, s.region_id, "
                    "s.owner_id, s.kind, s.category_id, s.orders FROM (SELECT "
                    f"s.order_id, s.line_no, s.product_id, s.quantity, s.unit_price, "
                    f"s.vat_rate, {gross} AS gross, s.day, s.customer_id, s.region_id, "
                    "s.owner_id, s.kind, s.category_id, s.orders FROM (SELECT o.id AS "
                    f"order_id, CAST(s.{c['line_no']} AS integer) AS line_no, p.id AS "
                    f"product_id, {quantity} AS quantity, {price} AS unit_price, "
                    "p.vat_rate AS vat_rate, o.day AS day, o.customer_id AS customer_id, "
                    "o.region_id AS region_id, o.owner_id AS owner_id, o.kind AS kind, "
                    "COALESCE(p.category_id, 0) AS category_id, CASE WHEN a.first IS NULL "
                    f"OR a.first = CAST(s.{c['line_no']} AS integer) THEN 1 ELSE 0 END AS "
                    f"orders FROM {sl} s JOIN hist_o o ON o.number = "
                    f"s.{c['order_number']} JOIN {t['product']} p ON p.code = "
                    f"s.{c['product_code']} LEFT JOIN hist_again a ON a.number = "
                    f"s.{c['order_number']} AND a.product = s.{c['product_code']} "
                    f"{self.fence()}) s{self.fence()}) s"
                )
        except IntegrityError:
            self.check_line_numbers()
            raise HistoryImportFailed(self.problems) from None
        if self.postgres:  # its statistics, for the plans of the sums that read it next
            self.execute(f"ANALYZE {t['history_line']}")
        self.progress(0.75, "facts")
        self.write_months(first_id, last_id)
        # Per order and category: the history's category rows, which the orders' totals
        # add up.
        self.execute(
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
        self.progress(0.85, "orders")
        self.counts["orders"] = self.execute(
            f"INSERT INTO {t['history_order']} (id, history_import_id, number, day, "
            "customer_id, owner_id, region_id, customer_kind, quantity, gross_amount, "
            "net_amount, line_count) SELECT o.id, %s, o.number, o.day, o.customer_id, "
            "o.owner_id, o.region_id, o.kind, a.quantity, a.gross, a.net, a.lines "
            "FROM hist_o o JOIN (SELECT order_id, SUM(quantity) AS quantity, "
            "SUM(gross_amount) AS gross, SUM(net_amount) AS net, SUM(line_count) AS lines "
            f"FROM {t['history_category']} WHERE order_id BETWEEN %s AND %s "
            "GROUP BY order_id) a ON a.order_id = o.id",
            [self.record.pk, first_id, last_id],
        )

    def write_months(self, first_id: int, last_id: int) -> None:
        """The new lines summed by month, region and product (HistoryMonth), added to the
        months an earlier import wrote."""
        line = self.tables()["history_line"]
        table = connection.ops.quote_name(HistoryMonth._meta.db_table)
        key = ("product_id", "month", "region_id", "category_id")
        month = (
            "CAST(date_trunc('month', CAST(day AS timestamp)) AS date)"
            if self.postgres
            else "date(day, 'start of month')"
        )
        self.execute(
            f"INSERT INTO {table} ({', '.join(key)}, quantity, gross_amount, net_amount, "
            f"orders) SELECT product_id, {month}, region_id, category_id, SUM(quantity), "
            f"SUM(gross_amount), SUM(net_amount), SUM(orders) FROM {line} WHERE order_id "
            f"BETWEEN %s AND %s GROUP BY product_id, {month}, region_id, category_id "
            f"{adding_on_conflict(table, key)}",
            [first_id, last_id],
        )

    def reserve_order_ids(self) -> int:
        """The first of the ids the new orders take (one import at a time: see run)."""
        t = self.tables()
        if not self.postgres:
            return (self.scalar(f"SELECT MAX(id) FROM {t['history_order']}") or 0) + 1
        return self.scalar(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [HistoryOrder._meta.db_table]
        )

    def check_line_numbers(self) -> None:
        """Only when the lines' primary key refused one: which lines repeat a number."""
        sl = self.staged["order_lines"]
        c = self.columns["order_lines"]
        self.check(
            "order_lines",
            "line_no",
            _("Line %(value)s of this order is in the file twice."),
            f"({c['order_number']}, CAST({c['line_no']} AS integer)) IN (SELECT "
            f"{c['order_number']}, CAST({c['line_no']} AS integer) FROM {sl} "
            f"GROUP BY {c['order_number']}, CAST({c['line_no']} AS integer) "
            "HAVING COUNT(*) > 1)",
        )

    # --- opening balances -----------------------------------------------------------------
    def check_opening_balances(self) -> None:
        if "opening_balances" not in self.sources:
            return
        seen: set[str] = set()
        for line, row in self.records("opening_balances"):
            code = row["customer_code"]
            amount = _decimal(row["amount"], number_pattern(12, 2))
            as_of = _date(row["as_of"])
            if code not in self.customer_ids:
                self.problem(
                    "opening_balances",
                    line,
                    "customer_code",
                    _("Unknown customer “%(value)s”.") % {"value": code},
                )
            if amount is None or amount <= 0:
                self.problem(
                    "opening_balances",
                    line,
                    "amount",
                    _("An amount more than 0 with at most 2 decimals."),
                )
            if as_of is None:
                self.problem(
                    "opening_balances",
                    line,
                    "as_of",
                    _("“%(value)s” is not a date like 2024-01-31.") % {"value": row["as_of"]},
                )
            if code in seen:
                self.problem(
                    "opening_balances",
                    line,
                    "customer_code",
                    _("This customer is in the file twice."),
                )
            seen.add(code)
            self.balances.append((code, amount, as_of))

    def write_opening_balances(self) -> None:
        """One receivable per customer (never a second: the same file twice adds nothing),
        posted AR / retained earnings in one journal entry per date."""
        if "opening_balances" not in self.sources:
            return
        done = set(
            Receivable.objects.filter(source_model=OPENING_SOURCE).values_list(
                "source_id", flat=True
            )
        )
        by_day: dict[date, list[tuple[Customer, Decimal]]] = {}
        for start in range(0, len(self.balances), 1000):
            chunk = self.balances[start : start + 1000]
            customers = Customer.objects.only("pk", "code", "region_id", "owner_id").in_bulk(
                [code for code, _a, _d in chunk], field_name="code"
            )
            for code, amount, as_of in chunk:
                customer = customers[code]
                if customer.pk not in done:
                    by_day.setdefault(as_of, []).append((customer, round_amount(amount)))
        count = 0
        for as_of, balances in sorted(by_day.items()):
            Receivable.objects.bulk_create(
                [
                    Receivable(
                        customer=customer,
                        owner_id=customer.owner_id,
                        region_id=customer.region_id,
                        source_model=OPENING_SOURCE,
                        source_id=customer.pk,
                        document_number=_("Opening balance"),
                        issued_on=as_of,
                        due_on=as_of,
                        amount=amount,
                    )
                    for customer, amount in balances
                ],
                batch_size=2000,
            )
            total = sum((amount for _c, amount in balances), Decimal(0))
            journal_post(
                posted_on=as_of,
                source_model="sales.historyimport",
                source_id=self.record.pk,
                source_number=str(self.record),
                memo=_("Opening receivables"),
                lines=[(AR, customer.pk, amount, Decimal(0)) for customer, amount in balances]
                + [(OPENING, None, Decimal(0), total)],
                by=self.by,
            )
            count += len(balances)
        self.counts["opening_balances"] = count


def history_import_run(
    *,
    sources: dict[str, Any],
    by: Any,
    record: HistoryImport | None = None,
    progress: Progress | None = None,
) -> HistoryImport:
    """Import the files (name → path or storage file) in one transaction; the record ends
    succeeded with counts, or failed with every problem found (and nothing written)."""
    record = record or HistoryImport.objects.create(
        created_by=by if getattr(by, "is_authenticated", False) else None,
        files=sorted(Path(str(getattr(s, "name", s))).name for s in sources.values()),
    )
    progress = progress or (lambda fraction, label: None)
    HistoryImport.objects.filter(pk=record.pk).update(
        status=HistoryImport.Status.RUNNING, started_at=timezone.now()
    )
    run = _Run(sources, by=by, record=record, progress=progress)
    try:
        with transaction.atomic():
            try:
                counts = run.run()
            except DatabaseError as exc:  # a rule the checks did not foresee: say which
                run.problems.append(Problem("", 0, "", str(exc)))
                raise HistoryImportFailed(run.problems) from exc
            for table in (
                *run.staged.values(),
                "hist_o",
                "hist_again",
            ):
                run.execute(f"DROP TABLE IF EXISTS {table}")
            record.status = HistoryImport.Status.SUCCEEDED
            record.counts = counts
            record.errors = []
            record.finished_at = timezone.now()
            record.save(update_fields=["status", "counts", "errors", "finished_at", "updated_at"])
            audit_record(by=by, action="import", obj=record, changes=counts)
    except (HistoryImportFailed, _TooMany):
        record.status = HistoryImport.Status.FAILED
        record.errors = [asdict(p) for p in run.problems]
        record.counts = {}
        record.finished_at = timezone.now()
        record.save(update_fields=["status", "counts", "errors", "finished_at", "updated_at"])
        return record
    if connection.vendor == "postgresql":
        # Fresh statistics for the reports' plans; for the orders, outside a transaction,
        # also the visibility map, which lets their list pages read ids from an index
        # alone (autovacuum sees to the other tables' in its time).
        quote = connection.ops.quote_name
        vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        run.execute(f"{vacuum} {quote(HistoryOrder._meta.db_table)}")
        for model in (  # the lines were analyzed before their sums were read
            HistoryCategory,
            HistoryMonth,
            Customer,
            Product,
            Region,
            get_user_model(),
            Receivable,
        ):  # every table the import grew: plans read their statistics
            run.execute(f"ANALYZE {quote(model._meta.db_table)}")
    progress(1.0, "done")
    return record


# --- the upload page's way: files kept under var/, the import run by the task worker --------
def upload_directory(record: HistoryImport) -> Path:
    return Path(settings.VAR_DIR) / "imports" / "history" / str(record.pk)


STEPS = {
    "regions": gettext_lazy("Regions and reps"),
    "customers": gettext_lazy("Customers and products"),
    "orders": gettext_lazy("Orders"),
    "order_lines": gettext_lazy("Order lines"),
    "checks": gettext_lazy("Checking every row"),
    "facts": gettext_lazy("Sales statistics"),
    "done": gettext_lazy("Finishing"),
}


COUNT_LABELS = {
    "regions": gettext_lazy("Regions"),
    "reps": gettext_lazy("Reps"),
    "products": gettext_lazy("Products"),
    "customers": gettext_lazy("Customers"),
    "orders": gettext_lazy("Orders"),
    "orders_skipped": gettext_lazy("Orders already imported (left alone)"),
    "order_lines": gettext_lazy("Order lines"),
    "opening_balances": gettext_lazy("Opening balances"),
}


def count_rows(record: HistoryImport) -> list[tuple[str, int]]:
    """The counts of a finished import, named for people."""
    return [(str(COUNT_LABELS.get(name, name)), count) for name, count in record.counts.items()]


def progress_key(record_id: int) -> str:
    return f"history-import:{record_id}"


def history_progress(record: HistoryImport) -> dict[str, Any]:
    """What the progress bar shows: status, fraction done, the step, and at the end the
    counts or the problems."""
    live = cache.get(progress_key(record.pk)) or {}
    done = record.status in (HistoryImport.Status.SUCCEEDED, HistoryImport.Status.FAILED)
    return {
        "status": record.status,
        "status_display": record.get_status_display(),
        "fraction": 1.0 if done else live.get("fraction", 0.0),
        "step": str(STEPS.get(live.get("label", ""), "")) if not done else "",
        "counts": record.counts,
        "problems": len(record.errors),
    }


def history_upload(*, files: list[Any], by: Any) -> HistoryImport:
    """Keep the uploaded files (named as the import expects) and queue the import."""
    names = {}
    for upload in files:
        path = Path(upload.name)
        if path.stem.lower() not in FILES or path.suffix.lower() not in (".csv", ".xlsx"):
            raise ValidationFailed(
                _("“%(name)s” is not an import file: name them %(names)s (.csv or .xlsx).")
                % {"name": upload.name, "names": ", ".join(FILES)}
            )
        if any(Path(name).stem == path.stem.lower() for name in names):
            raise ValidationFailed(
                _("“%(name)s” is there twice (as .csv and .xlsx?): choose one.")
                % {"name": path.stem.lower()}
            )
        names[path.stem.lower() + path.suffix.lower()] = upload
    if not names:
        raise ValidationFailed(_("Choose the files to import."))
    with transaction.atomic():
        record = HistoryImport.objects.create(
            created_by=by, files=sorted(names), source=_("Upload")
        )
        directory = upload_directory(record)
        directory.mkdir(parents=True, exist_ok=True)
        for name, upload in names.items():
            with (directory / name).open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
        audit_record(by=by, action="create", obj=record, changes={"files": sorted(names)})
        transaction.on_commit(lambda: history_import_task.enqueue(record.pk))
    return record


@task()
def history_import_task(record_id: int) -> str:
    record = HistoryImport.objects.select_related("created_by").get(pk=record_id)

    def progress(fraction: float, label: str) -> None:
        cache.set(progress_key(record_id), {"fraction": fraction, "label": label}, 86400)

    record = history_import_run(
        sources=sources_in(upload_directory(record)),
        by=record.created_by,
        record=record,
        progress=progress,
    )
    return record.status
