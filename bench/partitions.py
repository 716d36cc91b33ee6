"""`make bench-partitions` (`python -m bench.partitions`; also the part "partitions" of `make
bench`): a 3-year report on a 6-year history, on the tables partitioned by year as migrated,
against the same report on an unpartitioned copy of the same database (issue 19 §5).
PostgreSQL only.

1. A fresh database on BENCH_DATABASE_URL's server, named after it with `_partitions`:
   migrated, then the generated history imported twice (bench/dataset.py, BENCH_ORDERS
   orders each, 200,000 ≈ 1M lines): the years 2020–2022, then 2023–2025, the same orders
   three years apart: six years, two million lines.
2. A copy of it (`CREATE DATABASE … TEMPLATE`), where the migrations that partitioned the
   tables are reversed (core.partitions.PartitionByYear backwards): the same rows in plain
   tables, with the same indexes.
3. Each database served by gunicorn (bench/server.py), the same requests on both, in turn:
   reports of 2023–2025 through the API, whole months (the monthly sums) and not (the daily
   facts and the imported lines). The median of BENCH_REPORTS_RUNS (5) after a warm-up, and
   the ratio partitioned ÷ plain. The answers must be the same on both.

BENCH_PARTITIONS_REUSE=1 keeps both databases of the previous run. BENCH_PARTITIONS_PORT
(8767; the copy's server the next), LOAD_WORKERS/LOAD_THREADS (2 × 2).
"""

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):  # run as a file: the project's root on the path, for `bench`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import server as http_server
from bench.reports import fresh_database, load, medians

ROOT = http_server.ROOT
VAR = ROOT / "var" / "bench-partitions"
PORT = int(os.environ.get("BENCH_PARTITIONS_PORT", "8767"))
ORDERS = int(os.environ.get("BENCH_ORDERS", "200000"))
REVERSED = [("sales", "0020"), ("ledger", "0010"), ("audit", "0003")]  # before partitioning
BASE = "/api/v1/reports/sales/?basis=ordered&period=month"
REQUESTS = [
    ("monthly totals, 2023–2025", f"{BASE}&date_from=2023-01-01&date_to=2025-12-31"),
    (
        "monthly per customer, 2023–2025",
        f"{BASE}&date_from=2023-01-01&date_to=2025-12-31&group_by=customer",
    ),
    (
        "monthly per region × product, 2023–2025",
        f"{BASE}&date_from=2023-01-01&date_to=2025-12-31&group_by=region,product",
    ),
    (
        "per product, 2023-01-15 – 2025-12-20 (days)",
        f"{BASE}&date_from=2023-01-15&date_to=2025-12-20&group_by=product",
    ),
    (
        "per customer, 2025-03-10 – 2025-09-20 (days)",
        f"{BASE}&date_from=2025-03-10&date_to=2025-09-20&group_by=customer",
    ),
]


def database_urls() -> tuple[str, str, str]:
    """(the server's maintenance database, the partitioned database, its plain copy)."""
    base = os.environ.get("BENCH_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench.partitions needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    parts = urlsplit(base)
    name = f"{parts.path.lstrip('/')}_partitions"
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{name}")),
        urlunsplit(parts._replace(path=f"/{name}_plain")),
    )


def manage(database_url: str, *args: str) -> None:
    """`manage.py` on `database_url`, as the served app is set up."""
    env = http_server.server_env(database_url, VAR)
    subprocess.run(  # noqa: S603 - this interpreter, our manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True
    )


def prepare(database_url: str) -> dict:
    """Migrated; six years of history imported (timed); the superuser's token."""
    http_server.django_setup(http_server.server_env(database_url, VAR))
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from backoffice.accounts.models import User
    from backoffice.sales.history import history_import_run, sources_in
    from backoffice.sales.models import HistoryImport
    from bench.dataset import Size, generate

    call_command("migrate", verbosity=0)
    http_server.collect_static(VAR)
    for first_day, prefix in ((date(2020, 1, 1), "G"), (date(2023, 1, 1), "H")):
        directory = ROOT / "var" / "bench-history" / f"{ORDERS}-{first_day.year}"
        if not (directory / "order_lines.csv").exists():
            generate(directory, Size.for_orders(ORDERS), first_day=first_day, prefix=prefix)
        sources = {k: v for k, v in sources_in(directory).items() if k != "opening_balances"}
        started = time.perf_counter()
        record = history_import_run(sources=sources, by=None)
        if record.status != HistoryImport.Status.SUCCEEDED:
            raise SystemExit(f"import failed: {record.errors[:5]}")
        print(
            f"imported {record.counts['order_lines']:,} lines from {first_day.year} in "
            f"{time.perf_counter() - started:.1f} s"
        )
    admin = User.objects.filter(username="bench_admin").first() or User.objects.create_superuser(
        "bench_admin"
    )
    token = Token.objects.get_or_create(user=admin)[0].key
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.inhparent::regclass::text, COUNT(*) FROM pg_inherits i JOIN pg_class c "
            "ON c.oid = i.inhparent WHERE c.relkind = 'p' GROUP BY 1 ORDER BY 1"
        )
        print("partitions: " + ", ".join(f"{table} {count}" for table, count in cursor.fetchall()))
    connection.close()
    return {"token": token}


def plain_copy(maintenance_url: str, source: str, copy: str) -> None:
    """`copy`: the same database, its partitioned tables made plain again."""
    import psycopg
    from psycopg import sql

    source_name = urlsplit(source).path.lstrip("/")
    copy_name = urlsplit(copy).path.lstrip("/")
    started = time.perf_counter()
    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy_name))
        )
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(copy_name), sql.Identifier(source_name)
            )
        )
    for app, migration in REVERSED:
        manage(copy, "migrate", app, migration, "--verbosity", "0")
    print(f"unpartitioned copy made in {time.perf_counter() - started:.1f} s")


def main() -> int:
    maintenance_url, partitioned, plain = database_urls()
    reuse = os.environ.get("BENCH_PARTITIONS_REUSE") == "1"
    VAR.mkdir(parents=True, exist_ok=True)
    print(f"bench.partitions: {ORDERS:,} orders × 2 (2020–2025)")
    if not reuse:
        fresh_database(maintenance_url, urlsplit(partitioned).path.lstrip("/"))
    data = prepare(partitioned)
    if not reuse:
        plain_copy(maintenance_url, partitioned, plain)
    workers = os.environ.get("LOAD_WORKERS", "2")
    threads = os.environ.get("LOAD_THREADS", "2")
    servers = [
        http_server.serve(
            http_server.server_env(url, VAR), PORT + n, workers=workers, threads=threads
        )
        for n, url in enumerate((partitioned, plain))
    ]
    rows = []
    try:
        print(f"gunicorn {workers} × {threads} on each; load average {load()}")
        clients = [http_server.Client(PORT + n, token=data["token"]) for n in range(2)]
        for what, path in REQUESTS:
            answers: list[list] = [[], []]

            def getter(n: int, path: str = path, answers: list = answers):
                return lambda: answers[n].append(clients[n].get(path))

            ours, copy = medians(getter(0), getter(1))
            bodies = [json.loads(a[-1][1]) if a[-1][0] == 200 else None for a in answers]
            same = bodies[0] is not None and bodies[0] == bodies[1]
            rows.append((what, ours, copy, len(bodies[0]["rows"]) if bodies[0] else 0, same))
    finally:
        for server in servers:
            http_server.stop(server)
    print(f"load average at the end: {load()}\n")
    print("| report, through HTTP | rows | partitioned | plain copy | ratio | same answer |")
    print("| --- | --- | --- | --- | --- | --- |")
    for what, ours, copy, count, same in rows:
        print(
            f"| {what} | {count:,} | {ours * 1000:,.0f} ms | {copy * 1000:,.0f} ms | "
            f"{ours / copy:.2f}× | {'yes' if same else 'NO'} |"
        )
    return 0 if all(same for *_, same in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
