"""`python -m bench materials`: issue 17's speed goals, as a user pays for them.

The data: 5,000 items × 50 locations, 1,000,000 movements (each pair of item and location
received once and issued from three times) and their 250,000 balances, written straight to
the tables (BENCH_MATERIAL_MOVES sets the count; SQLite gets a tenth by default).

1. The release of a 50-line issue: the second approval, through HTTP (POST
   …/issues/{id}/review/ against gunicorn, as bench.order_api serves it), median of ROUNDS;
   the raw bound is the same stock changes by hand (50 guarded updates of the balances, the
   items' figures, 50 movements inserted) in one transaction.
2. Stock on hand through the API: the first page of everything (its count over the 250,000
   balances), one location's (5,000 rows, its first page), one item's (50 rows, every one);
   the raw bound is the same SELECT with its COUNT(*).
"""

import os
import statistics
import time
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction

ITEMS, LOCATIONS = 5000, 50
ROUNDS = 5
PORT = int(os.environ.get("BENCH_MATERIALS_PORT", "8768"))
VAR = Path(__file__).resolve().parents[1] / "var" / "bench-materials"


def _people():
    from backoffice.accounts.models import User
    from backoffice.accounts.services import user_create

    return [
        User.objects.filter(username=name).first() or user_create(username=name, role=role)
        for name, role in (
            ("bench_mclerk", "clerk"),
            ("bench_mclerk2", "clerk"),
            ("bench_keeper", "warehouse"),
        )
    ]


def _data(moves: int, clerk) -> None:
    """Items, locations, movements and balances, unless the database has them already."""
    from backoffice.materials.models import Location, MaterialItem, StockBalance, StockMove

    if MaterialItem.objects.filter(code__startswith="BM").count() >= ITEMS:
        return
    started = time.perf_counter()
    MaterialItem.objects.bulk_create(
        MaterialItem(
            code=f"BM{n:05d}",
            name=f"基准物料{n}",
            kind="brochure",
            unit="份",
            unit_cost=Decimal("2.50"),
        )
        for n in range(ITEMS)
    )
    Location.objects.bulk_create(
        Location(code=f"BL{n:02d}", name=f"基准库位{n}", kind="warehouse") for n in range(LOCATIONS)
    )
    per_pair = max(1, moves // (ITEMS * LOCATIONS))
    item_table = MaterialItem._meta.db_table
    location_table = Location._meta.db_table
    move_table = StockMove._meta.db_table
    balance_table = StockBalance._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            series = f"generate_series(1, {per_pair}) AS k(n)"
        else:
            series = (
                f"(WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k "
                f"WHERE n < {per_pair}) SELECT n FROM k) AS k"
            )
        # the first movement of each pair receives 100 at 2.50; the others issue 1 each
        cursor.execute(
            f"INSERT INTO {move_table} (item_id, location_id, batch, expires_on, kind, moved_on, "
            "quantity, value, source_model, source_id, source_number, source_line, customer_id, "
            "created_by_id, created_at) "
            "SELECT i.id, l.id, '', NULL, CASE WHEN k.n = 1 THEN 'receipt' ELSE 'issue' END, "
            "'2026-01-02', CASE WHEN k.n = 1 THEN 100 ELSE -1 END, "
            "CASE WHEN k.n = 1 THEN 250.00 ELSE -2.50 END, 'bench', 0, '', NULL, NULL, %s, "
            f"CURRENT_TIMESTAMP FROM {item_table} i CROSS JOIN {location_table} l "
            f"CROSS JOIN {series} "
            "WHERE i.code LIKE 'BM%%' AND l.code LIKE 'BL%%'",
            [clerk.pk],
        )
        left = 100 - (per_pair - 1)
        cursor.execute(
            f"INSERT INTO {balance_table} (item_id, location_id, batch, expires_on, quantity) "
            f"SELECT i.id, l.id, '', NULL, {left} FROM {item_table} i "
            f"CROSS JOIN {location_table} l WHERE i.code LIKE 'BM%%' AND l.code LIKE 'BL%%'",
            [],
        )
        cursor.execute(
            f"UPDATE {item_table} SET stock_quantity = {left * LOCATIONS}, "
            f"stock_value = {left * LOCATIONS} * 2.50 WHERE code LIKE 'BM%%'",
            [],
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {move_table}")
            cursor.execute(f"ANALYZE {balance_table}")
    print(
        f"materials: {ITEMS} items × {LOCATIONS} locations, "
        f"{StockMove.objects.count():,} movements written in {time.perf_counter() - started:.1f} s"
    )


def _issue(requester, reviewer, location, items):
    """A 50-line issue, submitted and approved once: its next approval releases it."""
    from backoffice.materials.services import issue_create, issue_submit
    from backoffice.reviews.selectors import review_request_for
    from backoffice.reviews.services import review_decide

    issue = issue_create(
        by=requester,
        location=location,
        purpose="internal",
        lines=[{"item": item, "quantity": "1"} for item in items],
    )
    issue_submit(issue=issue, by=requester)
    review_decide(request=review_request_for(issue), by=reviewer, verdict="approve")
    return issue


def _raw_release(location, items, author) -> float:
    from backoffice.materials.models import MaterialItem, StockBalance, StockMove

    balance = connection.ops.quote_name(StockBalance._meta.db_table)
    item_table = connection.ops.quote_name(MaterialItem._meta.db_table)
    move = connection.ops.quote_name(StockMove._meta.db_table)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {balance} SET quantity = quantity - 1 "
            "WHERE item_id = %s AND location_id = %s AND batch = '' AND quantity >= 1",
            [(item.pk, location.pk) for item in items],
        )
        cursor.executemany(
            f"UPDATE {item_table} SET stock_quantity = stock_quantity - 1, "
            "stock_value = stock_value - 2.50 WHERE id = %s",
            [(item.pk,) for item in items],
        )
        values = ", ".join(
            ["(%s, %s, '', 'issue', %s, -1, -2.50, 'bench', 0, '', %s, %s)"] * len(items)
        )
        params = []
        for item in items:
            params += [item.pk, location.pk, "2026-01-03", author.pk, "2026-01-03T00:00:00Z"]
        cursor.execute(
            f"INSERT INTO {move} (item_id, location_id, batch, kind, moved_on, quantity, value, "
            f"source_model, source_id, source_number, created_by_id, created_at) VALUES {values}",
            params,
        )
    return time.perf_counter() - start


def _raw_stock(where: str, params: list) -> float:
    from backoffice.materials.models import StockBalance

    balance = connection.ops.quote_name(StockBalance._meta.db_table)
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {balance} b WHERE b.quantity > 0 {where}", params)
        cursor.fetchone()
        cursor.execute(
            f"SELECT b.item_id, b.location_id, b.batch, b.expires_on, b.quantity, "
            f"b.quantity * i.unit_cost FROM {balance} b JOIN materials_materialitem i "
            f"ON i.id = b.item_id WHERE quantity > 0 {where} "
            "ORDER BY b.item_id, b.location_id, b.expires_on, b.batch, b.id LIMIT 50",
            params,
        )
        cursor.fetchall()
    return time.perf_counter() - start


def bench_materials(rows: list) -> None:
    from rest_framework.authtoken.models import Token

    from backoffice.materials.models import Location, MaterialItem
    from bench import server as http_server

    default = "1000000" if connection.vendor == "postgresql" else "100000"
    clerk, clerk2, keeper = _people()
    _data(int(os.environ.get("BENCH_MATERIAL_MOVES", default)), clerk)
    location = Location.objects.get(code="BL00")
    items = list(MaterialItem.objects.filter(code__startswith="BM").order_by("code")[:50])
    other = Location.objects.get(code="BL07")
    one_item = items[7]
    token = Token.objects.get_or_create(user=keeper)[0].key
    issues = [_issue(clerk, clerk2, location, items) for _ in range(ROUNDS + 1)]
    env = http_server.server_env(os.environ["DATABASE_URL"], VAR)
    server = http_server.serve(env, PORT, workers="1", threads="2")
    try:
        client = http_server.Client(PORT, token=token)
        released = []
        for issue in issues:
            status, body, seconds = client.post(
                f"/api/v1/materials/issues/{issue.pk}/review/", {"verdict": "approve"}
            )
            if status != 200:
                raise SystemExit(f"release: {status} {body[:500]!r}")
            released.append(seconds)
        reads = {}
        for name, path in (
            ("stock on hand, first page of all", "/api/v1/materials/stock/"),
            (
                "stock on hand, one location (page of 50)",
                f"/api/v1/materials/stock/?location={other.pk}",
            ),
            ("stock on hand, one item (50 rows)", f"/api/v1/materials/stock/?item={one_item.pk}"),
        ):
            times = []
            for _ in range(ROUNDS + 1):
                status, body, seconds = client.get(path)
                if status != 200:
                    raise SystemExit(f"{path}: {status} {body[:500]!r}")
                times.append(seconds)
            reads[name] = statistics.median(times[1:])
        client.close()
    finally:
        http_server.stop(server)
    raw = min(_raw_release(location, items, keeper) for _ in range(3))
    rows.append(("release of a 50-line issue (HTTP, median)", statistics.median(released[1:]), raw))
    bounds = {
        "stock on hand, first page of all": ("", []),
        "stock on hand, one location (page of 50)": ("AND b.location_id = %s", [other.pk]),
        "stock on hand, one item (50 rows)": ("AND b.item_id = %s", [one_item.pk]),
    }
    for name, seconds in reads.items():
        where, params = bounds[name]
        rows.append(
            (f"{name} (HTTP, median)", seconds, min(_raw_stock(where, params) for _ in range(3)))
        )
