"""`python -m bench orderapi`: a 5-line order as a user pays for it (issue 16's last goal:
≤ 60 ms for the three requests, ≤ 20 ms for their service part).

Through HTTP, against gunicorn serving the bench database with production settings
(bench/server.py; one worker with two threads; BENCH_ORDERAPI_PORT, 8767): the clerk
creates the order (POST /api/v1/sales/orders/, five lines), submits it (POST
…/{id}/submit/), and a second clerk approves it (the audit, POST …/{id}/review/). Each
request is timed from send to the last byte of the answer, on a keep-alive connection
per user. Then the same three steps in-process, through the services only
(order_create, order_submit, review_decide): the part of the time that is ours beyond
HTTP, DRF and serialisation. The raw-SQL bound is the order and its lines inserted by hand.

Rows: per order, the median and the mean of ORDERS orders (after WARM_UP ones); each
request's median.
"""

import gc
import json
import os
import statistics
import time
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

ORDERS = 20
WARM_UP = 3
LINES = 5
PORT = int(os.environ.get("BENCH_ORDERAPI_PORT", "8767"))
VAR = Path(__file__).resolve().parents[1] / "var" / "bench-orderapi"  # the served app's files


def _fixtures():
    """The bench's customer, its first products and two clerks (as bench/__main__.py's)."""
    from backoffice.accounts.models import Region, User
    from backoffice.accounts.services import user_create
    from backoffice.catalog.models import Product
    from backoffice.catalog.services import product_save
    from backoffice.parties.models import Customer
    from backoffice.parties.services import customer_create

    region = Region.objects.get_or_create(code="bench", defaults={"name": "Bench"})[0]
    admin = User.objects.filter(username="bench_admin").first()
    if admin is None:  # who sets up the master data (the services check their permission)
        admin = User.objects.create_superuser("bench_admin")
    clerks = [
        User.objects.filter(username=name).first()
        or user_create(username=name, role="clerk", region_codes=[region.code])
        for name in ("bench_clerk", "bench_clerk2")
    ]
    customer = Customer.objects.filter(code="BENCH").first() or customer_create(
        by=admin,
        code="BENCH",
        name="基准医院",
        kind="hospital",
        region=region,
        owner=clerks[0],
        status="active",
    )
    products = list(Product.objects.filter(code__startswith="B").order_by("code")[:LINES])
    for index in range(len(products), LINES):
        products.append(
            product_save(
                by=admin, code=f"B{index:04d}", name=f"基准产品{index}", list_price=Decimal("12.34")
            )
        )
    return clerks, customer, products


def _through_http(customer, products, tokens: dict) -> list[list[float]]:
    """[create, submit, review] seconds of each timed order."""
    from bench import server as http_server

    author, reviewer = (
        http_server.Client(PORT, token=tokens[name]) for name in ("bench_clerk", "bench_clerk2")
    )
    body = {
        "customer": customer.pk,
        "lines": [{"product": p.pk, "quantity": "3", "unit_price": "12.34"} for p in products],
    }
    timed = []
    for n in range(WARM_UP + ORDERS):
        status, answer, create = author.post("/api/v1/sales/orders/", body)
        if status != 201:
            raise SystemExit(f"POST order: {status} {answer[:500]!r}")
        path = f"/api/v1/sales/orders/{json.loads(answer)['id']}"
        status, answer, submit = author.post(f"{path}/submit/", {})
        if status != 200:
            raise SystemExit(f"POST {path}/submit/: {status} {answer[:500]!r}")
        status, answer, review = reviewer.post(
            f"{path}/review/", {"verdict": "approve", "note": ""}
        )
        if status != 200 or json.loads(answer)["status"] != "approved":
            raise SystemExit(f"POST {path}/review/: {status} {answer[:500]!r}")
        if n >= WARM_UP:
            timed.append([create, submit, review])
    author.close()
    reviewer.close()
    return timed


def _in_process(customer, products, clerks) -> list[float]:
    """Seconds of each timed order's three service calls."""
    from django.test import override_settings

    from backoffice.reviews.services import review_decide
    from backoffice.sales.services import order_create, order_submit

    author, reviewer = clerks
    lines = [{"product": p, "quantity": "3", "unit_price": "12.34"} for p in products]
    timed = []
    gc.collect()
    gc.freeze()  # as a served worker does once started (config/wsgi.py)
    try:
        # as the served app (bench/server.py), with no cursor keeping every statement it ran
        with override_settings(QUALIFICATION_BLOCK_MODE="warn", DEBUG=False):
            for n in range(WARM_UP + ORDERS):
                start = time.perf_counter()
                order = order_create(customer=customer, by=author, lines=lines)
                order_submit(order=order, by=author)
                # as the API's review does: the review found from its document (reviews/apis.py)
                review_decide(document=order, by=reviewer, verdict="approve")
                if n >= WARM_UP:
                    timed.append(time.perf_counter() - start)
    finally:
        gc.unfreeze()
    return timed


def raw_order(customer, author, products) -> None:
    """The bound of one order: the order and its lines inserted by hand, approved at once
    (no audit, review or notification), in one transaction. `bench_order` uses it too."""
    from backoffice.sales.models import SalesOrder, SalesOrderLine

    order_table = connection.ops.quote_name(SalesOrder._meta.db_table)
    line_table = connection.ops.quote_name(SalesOrderLine._meta.db_table)
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {order_table} (created_at, updated_at, number, customer_id, "
            "owner_id, region_id, status, ordered_on, note, gross_amount, net_amount, "
            "tax_amount, block_override_reason, created_by_id) VALUES "
            "(%s, %s, '', %s, %s, %s, 'approved', %s, '', 0, 0, 0, '', %s) RETURNING id",
            [
                now,
                now,
                customer.pk,
                author.pk,
                customer.region_id,
                timezone.localdate(now),
                author.pk,
            ],
        )
        order_id = cursor.fetchone()[0]
        cursor.executemany(
            f"INSERT INTO {line_table} (order_id, line_no, product_id, quantity, "
            "unit_price, vat_rate, is_gift, gross_amount, net_amount, tax_amount, "
            "delivered_quantity, invoiced_quantity) VALUES "
            "(%s, %s, %s, 3, 12.34, 0.13, FALSE, 37.02, 32.76, 4.26, 0, 0)",
            [(order_id, n, p.pk) for n, p in enumerate(products, 1)],
        )


def _raw(customer, products, author) -> float:
    """The bound, per order."""
    start = time.perf_counter()
    for _ in range(ORDERS):
        raw_order(customer, author, products)
    return (time.perf_counter() - start) / ORDERS


def bench_order_api(rows: list) -> None:
    from rest_framework.authtoken.models import Token

    from bench import server as http_server

    clerks, customer, products = _fixtures()
    tokens = {clerk.username: Token.objects.get_or_create(user=clerk)[0].key for clerk in clerks}
    env = http_server.server_env(os.environ["DATABASE_URL"], VAR)
    (VAR / "static").mkdir(parents=True, exist_ok=True)  # no pages here: no files to collect
    server = http_server.serve(env, PORT, workers="1", threads="2")
    try:
        http = _through_http(customer, products, tokens)
    finally:
        http_server.stop(server)
    service = _in_process(customer, products, clerks)
    raw = _raw(customer, products, clerks[0])
    per_order = [sum(order) for order in http]
    rows.append(
        (
            f"order of {LINES} lines via the API: create+submit+audit, per order "
            f"(median of {ORDERS})",
            statistics.median(per_order),
            raw,
        )
    )
    rows.append((f"  mean of {ORDERS}", statistics.fmean(per_order), None))
    for index, name in enumerate(("POST order", "POST submit", "POST review")):
        rows.append((f"  {name}, median", statistics.median(o[index] for o in http), None))
    rows.append(
        (
            f"  its service part in-process, per order (median of {ORDERS})",
            statistics.median(service),
            raw,
        )
    )
    rows.append((f"    mean of {ORDERS}", statistics.fmean(service), None))
