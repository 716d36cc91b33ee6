"""`make bench`: speed of the hot paths, as ratios against a raw-SQL lower bound measured in
the same run (these machines are noisy; absolute times mean little on their own).

Runs against a scratch database: var/bench.sqlite3, or BENCH_DATABASE_URL (PostgreSQL; the
database must exist and is migrated here).
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
)

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.utils import timezone  # noqa: E402

ROUNDS = 2000
ROWS: list[tuple[str, float, float]] = []


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_numbering() -> None:
    from backoffice.core.models import DocumentCounter
    from backoffice.core.numbering import next_number

    DocumentCounter.objects.get_or_create(kind="RAWB", year=2026)
    table = connection.ops.quote_name(DocumentCounter._meta.db_table)

    def ours() -> None:
        for _ in range(ROUNDS):
            with transaction.atomic():
                next_number(kind="BENCH", year=2026)

    def raw() -> None:
        for _ in range(ROUNDS):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET last_number = last_number + 1 "
                    "WHERE kind = %s AND year = %s RETURNING last_number",
                    ["RAWB", 2026],
                )
                cursor.fetchone()

    ROWS.append((f"next_number ×{ROUNDS}", _best(ours), _best(raw)))


def _fixtures():
    from backoffice.accounts.models import Region, User
    from backoffice.accounts.services import user_create
    from backoffice.catalog.models import Product
    from backoffice.catalog.services import product_save
    from backoffice.parties.models import Customer
    from backoffice.parties.services import customer_create

    region = Region.objects.get_or_create(code="bench", defaults={"name": "Bench"})[0]
    clerks = []
    for name in ("bench_clerk", "bench_clerk2"):
        user = User.objects.filter(username=name).first() or user_create(
            username=name, role="clerk"
        )
        clerks.append(user)
    customer = Customer.objects.filter(code="BENCH").first() or customer_create(
        by=None,
        code="BENCH",
        name="基准医院",
        kind="hospital",
        region=region,
        owner=clerks[0],
        status="active",
    )
    products = list(Product.objects.filter(code__startswith="B").order_by("code")[:1000])
    for index in range(len(products), 1000):
        products.append(
            product_save(
                by=None, code=f"B{index:04d}", name=f"基准产品{index}", list_price=Decimal("12.34")
            )
        )
    return clerks, customer, products


def bench_order(lines_per_order: int, repeat_orders: int) -> None:
    """Create, submit and audit an order. The bench customer has no papers: the trade block
    is computed but set to warn, as a company running QUALIFICATION_BLOCK_MODE=warn would."""
    from backoffice.reviews.selectors import review_request_for
    from backoffice.reviews.services import review_decide
    from backoffice.sales.services import order_create, order_submit

    clerks, customer, products = _fixtures()
    from django.conf import settings

    settings.QUALIFICATION_BLOCK_MODE = "warn"
    author = clerks[0]
    lines = [
        {"product": p, "quantity": "3", "unit_price": "12.34"} for p in products[:lines_per_order]
    ]

    def ours() -> None:
        for _ in range(repeat_orders):
            order = order_create(customer=customer, by=author, lines=lines)
            order_submit(order=order, by=author)
            review_decide(request=review_request_for(order), by=clerks[1], verdict="approve")

    from bench.order_api import raw_order

    def raw() -> None:
        for _ in range(repeat_orders):
            raw_order(customer, author, products[:lines_per_order])

    ROWS.append(
        (
            f"order of {lines_per_order} lines: create+submit+audit ×{repeat_orders}",
            _best(ours, 2),
            _best(raw, 2),
        )
    )


def bench_delivery_release(lines_count: int = 1000) -> None:
    """Release (the second approval of) a delivery of 1,000 lines: the trade block, every
    order line's delivered quantity under lock, the order's status, the number, the audit."""
    from django.conf import settings

    from backoffice.reviews.selectors import review_request_for
    from backoffice.reviews.services import review_decide
    from backoffice.sales.models import SalesOrderLine
    from backoffice.sales.services import (
        delivery_create,
        delivery_submit,
        order_create,
        order_submit,
    )

    settings.QUALIFICATION_BLOCK_MODE = "warn"
    clerks, customer, products = _fixtures()
    from backoffice.accounts.models import User
    from backoffice.accounts.services import user_create

    third = User.objects.filter(username="bench_clerk3").first() or user_create(
        username="bench_clerk3", role="clerk"
    )
    author = clerks[0]
    lines = [{"product": p, "quantity": "3", "unit_price": "12.34"} for p in products[:lines_count]]
    times = []
    for _ in range(2):
        order = order_create(customer=customer, by=author, lines=lines)
        order_submit(order=order, by=author)
        review_decide(request=review_request_for(order), by=clerks[1], verdict="approve")
        delivery = delivery_create(
            order=order,
            by=author,
            lines=[{"order_line": line, "quantity": "3"} for line in order.lines.all()],
        )
        delivery_submit(delivery=delivery, by=author)
        review = review_request_for(delivery)
        review_decide(request=review, by=clerks[1], verdict="approve")
        start = time.perf_counter()
        review_decide(request=review, by=third, verdict="approve")  # the release
        times.append(time.perf_counter() - start)
    line_table = connection.ops.quote_name(SalesOrderLine._meta.db_table)
    order_id = order.pk

    def raw() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {line_table} WHERE order_id = %s FOR UPDATE"
                if connection.vendor == "postgresql"
                else f"SELECT id FROM {line_table} WHERE order_id = %s",
                [order_id],
            )
            ids = [row[0] for row in cursor.fetchall()]
            cursor.executemany(
                f"UPDATE {line_table} SET delivered_quantity = quantity WHERE id = %s",
                [(pk,) for pk in ids],
            )

    ROWS.append((f"release a delivery of {lines_count} lines", min(times), _best(raw, 2)))


def bench_ledger(lines_target: int) -> None:
    """A customer statement and AR aging over about `lines_target` journal lines: invoices
    (AR / revenue / VAT) and receipts (bank / AR) of 20,000 customers over 3 years."""
    from datetime import date, timedelta

    from backoffice.ledger.models import (
        Account,
        JournalEntry,
        JournalLine,
        Receipt,
        ReceiptAllocation,
        Receivable,
    )
    from backoffice.ledger.selectors import aging, customer_statement
    from backoffice.parties.models import Customer

    clerks, customer, _products = _fixtures()
    customer_count = 20_000
    invoices = lines_target * 3 // 11  # 3 lines per invoice, 2 per receipt, a receipt per 2
    existing = JournalLine.objects.filter(entry__source_model="bench.invoice").count()
    if existing < invoices * 3:
        _ledger_data(customer_count, invoices, clerks[0], customer.region_id)
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give
            cursor.execute("ANALYZE")
    customers = Customer.objects.filter(code__startswith="BL")
    busiest = customers.order_by("id").first()
    total_lines = JournalLine.objects.count()
    as_of = date(2025, 12, 31)

    def statement() -> None:
        customer_statement(customer=busiest, date_from=date(2025, 1, 1), date_to=as_of)

    ar_id = Account.objects.get(code="1122").pk
    adv_id = Account.objects.get(code="2203").pk
    jl = connection.ops.quote_name(JournalLine._meta.db_table)
    je = connection.ops.quote_name(JournalEntry._meta.db_table)
    rc = connection.ops.quote_name(Receivable._meta.db_table)

    def statement_raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COALESCE(SUM(debit) - SUM(credit), 0) FROM {jl} WHERE customer_id = %s "
                "AND account_id IN (%s, %s) AND posted_on < %s",
                [busiest.pk, ar_id, adv_id, date(2025, 1, 1)],
            )
            cursor.fetchone()
            cursor.execute(
                f"SELECT l.posted_on, e.number, e.source_number, e.memo, l.debit, l.credit "
                f"FROM {jl} l JOIN {je} e ON e.id = l.entry_id WHERE l.customer_id = %s "
                "AND l.account_id IN (%s, %s) AND l.posted_on BETWEEN %s AND %s "
                "ORDER BY l.posted_on, l.entry_id, l.id",
                [busiest.pk, ar_id, adv_id, date(2025, 1, 1), as_of],
            )
            cursor.fetchall()

    def aging_ours() -> None:
        aging(as_of=as_of, customers=Customer.objects.all())

    ra = connection.ops.quote_name(ReceiptAllocation._meta.db_table)
    rp = connection.ops.quote_name(Receipt._meta.db_table)

    def aging_raw() -> None:
        """The same question by hand, the same way: open now plus received after the date,
        bucketed by due date (two of the five buckets suffice for a lower bound)."""
        cut = as_of - timedelta(days=30)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT customer_id, "
                "SUM(CASE WHEN due_on >= %s THEN amount - allocated_amount ELSE 0 END), "
                "SUM(CASE WHEN due_on < %s THEN amount - allocated_amount ELSE 0 END) "
                f"FROM {rc} WHERE issued_on <= %s AND allocated_amount <> amount "
                "GROUP BY customer_id",
                [cut, cut, as_of],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT r.customer_id, SUM(CASE WHEN r.due_on >= %s THEN x.amount ELSE 0 END), "
                "SUM(CASE WHEN r.due_on < %s THEN x.amount ELSE 0 END) "
                f"FROM {ra} x JOIN {rp} p ON p.id = x.receipt_id "
                f"JOIN {rc} r ON r.id = x.receivable_id "
                "WHERE p.received_on > %s AND r.issued_on <= %s GROUP BY r.customer_id",
                [cut, cut, as_of, as_of],
            )
            cursor.fetchall()

    label = f"{total_lines:,} ledger lines"
    ROWS.append((f"customer statement, 1 year ({label})", _best(statement), _best(statement_raw)))
    ROWS.append(
        (
            f"AR aging, {customer_count:,} customers ({label})",
            _best(aging_ours, 2),
            _best(aging_raw, 2),
        )
    )


def _ledger_data(customer_count: int, invoices: int, owner, region_id: int) -> None:
    """Synthetic postings written straight to the tables (the bench measures reads)."""
    import random
    from datetime import date, timedelta

    from backoffice.ledger.models import (
        Account,
        JournalEntry,
        JournalLine,
        Receipt,
        ReceiptAllocation,
        Receivable,
    )
    from backoffice.parties.models import Customer

    rng = random.Random(42)
    now = timezone.now()
    existing = set(Customer.objects.filter(code__startswith="BL").values_list("code", flat=True))
    Customer.objects.bulk_create(
        [
            Customer(
                code=f"BL{n:05d}",
                name=f"基准客户{n}",
                name_pinyin=f"jizhunkehu{n}",
                kind="hospital",
                region_id=region_id,
                owner=owner,
                status="active",
            )
            for n in range(customer_count)
            if f"BL{n:05d}" not in existing
        ],
        batch_size=5000,
    )
    customer_ids = list(
        Customer.objects.filter(code__startswith="BL").order_by("id").values_list("id", flat=True)
    )
    accounts = dict(Account.objects.values_list("code", "id"))
    start = date(2023, 1, 1)
    batch = 20_000
    for offset in range(0, invoices, batch):
        entries, receivables, meta = [], [], []
        for n in range(offset, min(offset + batch, invoices)):
            # a skew: the first customer is the busiest (its statement is the worst case)
            customer_id = customer_ids[0] if n % 200 == 0 else rng.choice(customer_ids)
            day = start + timedelta(days=rng.randint(0, 1094))
            gross = Decimal(rng.randint(1000, 500000)) / 100
            tax = (gross * 13 / 113).quantize(Decimal("0.01"))
            entries.append(
                JournalEntry(
                    number=f"BJE-{n:09d}",
                    posted_on=day,
                    source_model="bench.invoice",
                    source_id=n,
                    source_number=f"BI{n:09d}",
                    memo="bench",
                )
            )
            meta.append((customer_id, day, gross, tax))
        JournalEntry.objects.bulk_create(entries, batch_size=5000)
        lines = []
        for entry, (customer_id, day, gross, tax) in zip(entries, meta, strict=True):
            lines += [
                JournalLine(
                    entry=entry,
                    account_id=accounts["1122"],
                    customer_id=customer_id,
                    posted_on=day,
                    debit=gross,
                    credit=0,
                ),
                JournalLine(
                    entry=entry,
                    account_id=accounts["6001"],
                    posted_on=day,
                    debit=0,
                    credit=gross - tax,
                ),
                JournalLine(
                    entry=entry, account_id=accounts["22210106"], posted_on=day, debit=0, credit=tax
                ),
            ]
            receivables.append(
                Receivable(
                    customer_id=customer_id,
                    owner=owner,
                    region_id=region_id,
                    source_model="bench.invoice",
                    source_id=entry.source_id,
                    document_number=entry.source_number,
                    issued_on=day,
                    due_on=day + timedelta(days=30),
                    amount=gross,
                    created_at=now,
                    updated_at=now,
                )
            )
        JournalLine.objects.bulk_create(lines, batch_size=5000)
        Receivable.objects.bulk_create(receivables, batch_size=5000)
        # every other invoice is paid in full some weeks later
        paid = receivables[::2]
        receipt_entries = [
            JournalEntry(
                number=f"BJR-{r.source_id:09d}",
                posted_on=r.due_on,
                source_model="bench.receipt",
                source_id=r.source_id,
                source_number=f"BR{r.source_id:09d}",
                memo="bench",
            )
            for r in paid
        ]
        JournalEntry.objects.bulk_create(receipt_entries, batch_size=5000)
        JournalLine.objects.bulk_create(
            [
                line
                for entry, r in zip(receipt_entries, paid, strict=True)
                for line in (
                    JournalLine(
                        entry=entry,
                        account_id=accounts["1002"],
                        posted_on=r.due_on,
                        debit=r.amount,
                        credit=0,
                    ),
                    JournalLine(
                        entry=entry,
                        account_id=accounts["1122"],
                        customer_id=r.customer_id,
                        posted_on=r.due_on,
                        debit=0,
                        credit=r.amount,
                    ),
                )
            ],
            batch_size=5000,
        )
        receipts = Receipt.objects.bulk_create(
            [
                Receipt(
                    number=f"BR{r.source_id:09d}",
                    customer_id=r.customer_id,
                    owner=owner,
                    region_id=region_id,
                    received_on=r.due_on,
                    amount=r.amount,
                    allocated_amount=r.amount,
                    created_by=owner,
                    created_at=now,
                    updated_at=now,
                )
                for r in paid
            ],
            batch_size=5000,
        )
        ReceiptAllocation.objects.bulk_create(
            [
                ReceiptAllocation(receipt=receipt, receivable=r, amount=r.amount)
                for receipt, r in zip(receipts, paid, strict=True)
            ],
            batch_size=5000,
        )
        Receivable.objects.filter(pk__in=[r.pk for r in paid]).update(allocated_amount=F("amount"))


def bench_history(orders: int) -> None:
    """Issue #6: import a generated history (default 200,000 orders ≈ 1M lines), then the
    reports on it against hand-written GROUP BYs, the dashboard and the API list."""
    from datetime import date

    from django.test import Client

    from backoffice.accounts.models import User
    from backoffice.reports.selectors.sales import SalesQuery, sales_statistics
    from backoffice.sales.history import history_import_run, sources_in
    from backoffice.sales.models import HistoryImport, HistoryLine, HistoryOrder
    from bench.dataset import Size, generate

    directory = ROOT / "var" / "bench-history" / str(orders)
    if not (directory / "order_lines.csv").exists():
        generate(directory, Size.for_orders(orders))
    _history_clear()
    started = time.perf_counter()
    record = history_import_run(sources=sources_in(directory), by=None)
    elapsed = time.perf_counter() - started
    if record.status != HistoryImport.Status.SUCCEEDED:
        raise SystemExit(f"import failed: {record.errors[:5]}")
    lines = record.counts["order_lines"]
    if connection.vendor == "postgresql":
        resolved, plain = _raw_copy(record, directory)
        ROWS.append((f"import {lines:,} order lines ({lines / elapsed:,.0f}/s)", elapsed, resolved))
        ROWS.append(
            (f"  order_lines.csv COPYed into a plain table ({lines / plain:,.0f}/s)", plain, None)
        )
    else:
        ROWS.append((f"import {lines:,} order lines ({lines / elapsed:,.0f}/s)", elapsed, None))
    admin = User.objects.filter(username="bench_admin").first()
    if admin is None:
        admin = User.objects.create_superuser("bench_admin")
    order = connection.ops.quote_name(HistoryOrder._meta.db_table)
    line = connection.ops.quote_name(HistoryLine._meta.db_table)
    month = (
        "date_trunc('month', o.day)"
        if connection.vendor == "postgresql"
        else "strftime('%%Y-%%m', o.day)"
    )
    year = (
        "date_trunc('year', o.day)"
        if connection.vendor == "postgresql"
        else "strftime('%%Y', o.day)"
    )

    def raw_group(period: str, dims: str, date_from: date, date_to: date):
        """The hand-written bound: the orders joined with their lines, grouped (as on a
        peer's normalised tables, BENCHMARKS.md), without comparisons or codes."""

        def run() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {period}, {dims}, SUM(l.quantity), SUM(l.gross_amount), "
                    f"SUM(l.net_amount), COUNT(DISTINCT o.id) FROM {line} l JOIN {order} o "
                    f"ON o.id = l.order_id WHERE o.day BETWEEN %s AND %s GROUP BY 1, {dims}",
                    [date_from, date_to],
                )
                cursor.fetchall()

        return run

    def ours(period: str, group_by: tuple, date_from: date, date_to: date):
        query = SalesQuery(date_from, date_to, period, group_by, "invoiced")
        return lambda: sales_statistics(by=admin, query=query)

    three = (date(2023, 1, 1), date(2025, 12, 31))
    one = (date(2025, 1, 1), date(2025, 12, 31))
    ROWS.append(
        (
            "sales by month × region × product, 3 years",
            _best(ours("month", ("region", "product"), *three)),
            _best(raw_group(month, "o.region_id, l.product_id", *three)),
        )
    )
    ROWS.append(
        (
            "sales by customer, one year",
            _best(ours("year", ("customer",), *one)),
            _best(raw_group(year, "o.customer_id", *one)),
        )
    )
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(admin)

    def timings(urls: list[str]) -> list[float]:
        result = []
        for url in urls:
            start = time.perf_counter()
            response = client.get(url)
            result.append(time.perf_counter() - start)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
        return sorted(result)

    client.get("/")  # warm the caches a first request fills
    dashboard = timings(["/"] * 5)
    ROWS.append(("dashboard (start page), median of 5", dashboard[2], None))
    # The start page's figures as if today were 2025-12-15: a full year of history to date.
    from backoffice.reports.selectors.kpis import sales_kpis

    ROWS.append(
        (
            "dashboard figures as of 2025-12-15 (a full year to date)",
            _best(lambda: sales_kpis(admin, today=date(2025, 12, 15))),
            None,
        )
    )
    # Pages anywhere in the imported orders (limit/offset), and one customer's.
    total = HistoryOrder.objects.count()
    rng = __import__("random").Random(5)
    urls = [
        f"/api/v1/sales/history-orders/?limit=50&offset={rng.randrange(0, max(1, total - 50))}"
        for _ in range(30)
    ]
    customers = list(HistoryOrder.objects.order_by().values_list("customer_id", flat=True)[:10])
    urls += [f"/api/v1/sales/history-orders/?customer={c}" for c in customers]
    urls += ["/api/v1/sales/orders/?limit=50"]  # the orders entered here, beside them
    api = timings(urls)
    p50, p95 = api[len(api) // 2], api[int(len(api) * 0.95) - 1]
    ROWS.append((f"API order list with lines, p50 of {len(api)}", p50, None))
    ROWS.append((f"API order list with lines, p95 of {len(api)}", p95, None))


def _history_clear() -> None:
    """Take out a previous run's import, so that each run measures a full one."""
    from backoffice.sales.models import HistoryImport

    if not HistoryImport.objects.exists():
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM sales_historyline")
        cursor.execute("DELETE FROM sales_historyorder")
        cursor.execute("DELETE FROM sales_salesmonth WHERE basis = 0")
        cursor.execute("DELETE FROM sales_historycategory")
        cursor.execute("DELETE FROM sales_salesfact WHERE basis = 0")
        cursor.execute("DELETE FROM ledger_receivable WHERE source_model = 'sales.opening'")
        cursor.execute(
            "DELETE FROM ledger_journalline WHERE entry_id IN (SELECT id FROM "
            "ledger_journalentry WHERE source_model = 'sales.historyimport')"
        )
        cursor.execute("DELETE FROM ledger_journalentry WHERE source_model = 'sales.historyimport'")
        cursor.execute("DELETE FROM sales_historyimport")
    if connection.vendor == "postgresql":  # as after a fresh start: no dead rows in the way
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def _raw_copy(record, directory: Path) -> tuple[float, float]:
    """Two raw COPY bounds: (1) the same writes as the import, COPYed in one transaction:
    the rows it wrote to the history tables (lines, orders, their sums by category and by
    month), already resolved and computed, into tables built like them (same columns,
    keys, indexes and checks); (2) the order-lines file as it is into a plain table of text
    columns (BENCHMARKS.md's "COPY into a plain table")."""
    import io

    from backoffice.sales.models import HistoryCategory, HistoryLine, HistoryOrder, SalesMonth

    quote = connection.ops.quote_name
    mine = f"SELECT id FROM sales_historyorder WHERE history_import_id = {int(record.pk)}"
    parts = [  # (model, rows of this import); the history's monthly sums are all this import's
        (HistoryLine, f"order_id IN ({mine})"),
        (HistoryOrder, f"history_import_id = {int(record.pk)}"),
        (HistoryCategory, f"order_id IN ({mine})"),
        (SalesMonth, "basis = 0"),
    ]
    buffers = []
    with connection.cursor() as cursor:
        for model, where in parts:
            table = quote(model._meta.db_table)
            columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields)
            buffer = io.BytesIO()
            with cursor.cursor.copy(
                f"COPY (SELECT {columns} FROM {table} WHERE {where}) TO STDOUT"
            ) as copy:
                for data in copy:
                    buffer.write(data)
            buffer.seek(0)
            raw = f"bench_raw_{model._meta.model_name}"
            cursor.execute(f"DROP TABLE IF EXISTS {raw}")
            cursor.execute(f"CREATE TABLE {raw} (LIKE {table} INCLUDING ALL)")
            buffers.append((raw, columns, buffer))
        cursor.execute("DROP TABLE IF EXISTS bench_plain_lines")
        cursor.execute(
            "CREATE TABLE bench_plain_lines (order_number text, line_no text, "
            "product_code text, quantity text, unit_price text)"
        )

    def copy_into(targets) -> float:
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, chunks, options in targets:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN {options}") as copy:
                    for chunk in chunks:
                        copy.write(chunk)
        return time.perf_counter() - start

    resolved = copy_into(
        [
            (raw, columns, iter(lambda b=buffer: b.read(1 << 20), b""), "")
            for raw, columns, buffer in buffers
        ]
    )
    with (directory / "order_lines.csv").open("rb") as handle:
        plain = copy_into(
            [
                (
                    "bench_plain_lines",
                    "order_number, line_no, product_code, quantity, unit_price",
                    iter(lambda: handle.read(1 << 20), b""),
                    "WITH (FORMAT csv, HEADER true)",
                )
            ]
        )
    with connection.cursor() as cursor:
        for raw, _columns, _buffer in buffers:
            cursor.execute(f"DROP TABLE {raw}")
        cursor.execute("DROP TABLE bench_plain_lines")
    return resolved, plain


def bench_reports() -> int:
    """Issue 16's goals through HTTP, in a process of its own on a fresh database of
    BENCH_DATABASE_URL's server (bench/reports.py); PostgreSQL only."""
    import subprocess

    if connection.vendor != "postgresql":
        print("reports: skipped (needs PostgreSQL: BENCH_DATABASE_URL=postgres://…)")
        return 0
    sys.stdout.flush()
    return subprocess.run([sys.executable, "-m", "bench.reports"], cwd=ROOT, check=False).returncode


def bench_partitions() -> int:
    """A 3-year report on six years of history, partitioned by year and not (issue 19 §5),
    in a process of its own on fresh databases (bench/partitions.py); PostgreSQL only."""
    import subprocess

    if connection.vendor != "postgresql":
        print("partitions: skipped (needs PostgreSQL: BENCH_DATABASE_URL=postgres://…)")
        return 0
    sys.stdout.flush()
    command = [sys.executable, "-m", "bench.partitions"]
    return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603 - ours


def main() -> int:
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; best of 3 (orders: best of 2)")
    only = set(sys.argv[1:])  # e.g. `python -m bench ledger` runs just that part
    failed = []  # parts that exit non-zero (the reports' missed goals with BENCH_STRICT=1)
    parts = {
        "numbering": bench_numbering,
        "orders": lambda: (bench_order(5, 20), bench_order(200, 3)),
        "delivery": lambda: bench_delivery_release(1000),
        "orderapi": lambda: __import__("bench.order_api").order_api.bench_order_api(ROWS),
        "ledger": lambda: bench_ledger(int(os.environ.get("BENCH_LEDGER_LINES", "1000000"))),
        "history": lambda: bench_history(
            int(
                os.environ.get(
                    "BENCH_ORDERS", "200000" if connection.vendor == "postgresql" else "20000"
                )
            )
        ),
        "materials": lambda: __import__("bench.materials").materials.bench_materials(ROWS),
        "office": lambda: __import__("bench.office").office.bench_office(ROWS),
        "reports": lambda: bench_reports() and failed.append("reports"),
        "partitions": lambda: bench_partitions() and failed.append("partitions"),
    }
    for name, run in parts.items():
        if not only or name in only:
            run()
    width = max((len(name) for name, _, _ in ROWS), default=4)
    print(f"{'what':<{width}}  {'ours':>10}  {'raw SQL':>10}  {'ratio':>6}")
    for name, ours, bound in ROWS:
        raw = f"{bound * 1000:>8.1f}ms" if bound else f"{'—':>10}"
        ratio = f"{ours / bound:>5.2f}x" if bound else f"{'':>6}"
        print(f"{name:<{width}}  {ours * 1000:>8.1f}ms  {raw}  {ratio}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
