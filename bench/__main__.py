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
    products = list(Product.objects.filter(code__startswith="B")[:200])
    for index in range(len(products), 200):
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
    from backoffice.sales.models import SalesOrder, SalesOrderLine
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

    order_table = connection.ops.quote_name(SalesOrder._meta.db_table)
    line_table = connection.ops.quote_name(SalesOrderLine._meta.db_table)

    def raw() -> None:
        now = timezone.now()
        for _ in range(repeat_orders):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {order_table} (created_at, updated_at, number, customer_id, "
                    "owner_id, region_id, status, ordered_on, note, gross_amount, net_amount, "
                    "tax_amount, block_override_reason, created_by_id) VALUES "
                    "(%s, %s, '', %s, %s, %s, 'approved', %s, '', 0, 0, 0, '', %s) RETURNING id",
                    [now, now, customer.pk, author.pk, customer.region_id, now.date(), author.pk],
                )
                order_id = cursor.fetchone()[0]
                cursor.executemany(
                    f"INSERT INTO {line_table} (order_id, line_no, product_id, quantity, "
                    "unit_price, vat_rate, is_gift, gross_amount, net_amount, tax_amount, "
                    "delivered_quantity, invoiced_quantity) VALUES "
                    "(%s, %s, %s, 3, 12.34, 0.13, FALSE, 37.02, 32.76, 4.26, 0, 0)",
                    [(order_id, n, p.pk) for n, p in enumerate(products[:lines_per_order], 1)],
                )

    ROWS.append(
        (
            f"order of {lines_per_order} lines: create+submit+audit ×{repeat_orders}",
            _best(ours, 2),
            _best(raw, 2),
        )
    )


def main() -> int:
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; best of 3 (orders: best of 2)")
    bench_numbering()
    bench_order(5, 20)
    bench_order(200, 3)
    width = max(len(name) for name, _, _ in ROWS)
    print(f"{'what':<{width}}  {'ours':>10}  {'raw SQL':>10}  {'ratio':>6}")
    for name, ours, bound in ROWS:
        print(
            f"{name:<{width}}  {ours * 1000:>8.1f}ms  {bound * 1000:>8.1f}ms  {ours / bound:>5.1f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
