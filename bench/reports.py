"""`make bench-reports` (`python -m bench.reports`; also the part "reports" of `make bench`):
issue 16's goals at a million lines, end to end through HTTP, against two bounds measured in
the same run.

1. A fresh PostgreSQL database on BENCH_DATABASE_URL's server, named after it with
   `_reports` (BENCH_REPORTS_DATABASE to name another): dropped if there, created, migrated;
   then the generated history (bench/dataset.py, 200,000 orders ≈ 1M lines, BENCH_ORDERS)
   imported into it with `history_import_run`, master data included, timed.
   BENCH_REPORTS_REUSE=1 keeps the database of the previous run and skips the import.
2. The app served by gunicorn on it (bench/server.py, as bench/load.py serves it); each
   request is timed from send to the last byte of the answer, on one keep-alive connection:
   the API with a token, the staff UI pages with a superuser's session.
3. Two bounds for the reports, from the lines the import wrote (`sales_historyline`):
   (a) the same question as a plain SQL GROUP BY over those lines, in the same database;
   (b) DuckDB (threads=2) scanning the same lines, loaded once into an in-memory table.
   Both fetch every row into Python, as the API reads every row it answers.

Each time is the median of BENCH_REPORTS_RUNS (5) runs after one warm-up; the note gives the
time of the first asking too (every row of a grouping is written then, and kept by period:
reports/selectors/sales.py; none are kept from an earlier run). Prints ours, the
two bounds, the ratios, the goal and whether it is met. With BENCH_STRICT=1 the exit status
is 1 when a goal is missed. BENCH_REPORTS_PORT (8766), LOAD_WORKERS/LOAD_THREADS (2 × 2).
"""

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):  # run as a file: the project's root on the path, for `bench`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import server as http_server

ROOT = http_server.ROOT
VAR = ROOT / "var" / "bench-reports"
PORT = int(os.environ.get("BENCH_REPORTS_PORT", "8766"))
RUNS = int(os.environ.get("BENCH_REPORTS_RUNS", "5"))
ORDERS = int(os.environ.get("BENCH_ORDERS", "200000"))
DATES = ("2023-01-01", "2025-12-31")
REPORT = (
    f"/api/v1/reports/sales/?date_from={DATES[0]}&date_to={DATES[1]}&period=month&basis=ordered"
)
# The lines as each bound reads them: one month per row, the grouping, the four sums.
SUMS = "SUM(quantity), SUM(gross_amount), SUM(net_amount), COUNT(DISTINCT order_id)"
LINE_COLUMNS = {
    "order_id": "BIGINT",
    "day": "DATE",
    "customer_id": "BIGINT",
    "product_id": "BIGINT",
    "region_id": "BIGINT",
    "owner_id": "BIGINT",
    "category_id": "BIGINT",
    "quantity": "DECIMAL(16,3)",
    "gross_amount": "DECIMAL(16,2)",
    "net_amount": "DECIMAL(16,2)",
}


@dataclass
class Row:
    what: str
    goal: str
    ours: float | None = None  # seconds; None when it failed
    bound_a: float | None = None
    bound_b: float | None = None
    met: bool = False
    note: str = field(default="")


def database_urls() -> tuple[str, str]:
    """(the server's maintenance database, the fresh database) on BENCH_DATABASE_URL's server."""
    base = os.environ.get("BENCH_DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("bench.reports needs PostgreSQL: set BENCH_DATABASE_URL=postgres://…")
    parts = urlsplit(base)
    name = os.environ.get("BENCH_REPORTS_DATABASE") or f"{parts.path.lstrip('/')}_reports"
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{name}")),
    )


def fresh_database(maintenance_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def prepare(reuse: bool) -> dict:
    """Migrate, import (timed, unless reused), collect static files; the superuser's token
    and session; the busiest customer and product."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    http_server.collect_static(VAR)
    from rest_framework.authtoken.models import Token

    from backoffice.accounts.models import User
    from backoffice.sales.history import history_import_run, sources_in
    from backoffice.sales.models import HistoryImport
    from bench.dataset import Size, generate

    data: dict = {"import": None}
    if not reuse:
        directory = ROOT / "var" / "bench-history" / str(ORDERS)
        if not (directory / "order_lines.csv").exists():
            generate(directory, Size.for_orders(ORDERS))
        started = time.perf_counter()
        record = history_import_run(sources=sources_in(directory), by=None)
        elapsed = time.perf_counter() - started
        if record.status != HistoryImport.Status.SUCCEEDED:
            raise SystemExit(f"import failed: {record.errors[:5]}")
        data["import"] = (record.counts["order_lines"], elapsed)
    admin = User.objects.filter(username="bench_admin").first()
    if admin is None:
        admin = User.objects.create_superuser("bench_admin")
    data["token"] = Token.objects.get_or_create(user=admin)[0].key
    data["session"] = http_server.session_key(admin)
    with connection.cursor() as cursor:
        for name in ("customer_id", "product_id"):
            cursor.execute(
                f"SELECT {name} FROM sales_historyline GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1"
            )
            data[name] = cursor.fetchone()[0]
    connection.close()
    return data


def medians(*fns, runs: int = RUNS) -> list[float]:
    """Each function's median time over `runs` rounds, after a warm-up of each (caches,
    plans, pages in memory). A round runs each once, in turn, so that what the machine's
    other work takes from one it takes from all of them alike."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, spent in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


class Bounds:
    """The bounds' two engines: PostgreSQL (same database) and DuckDB (in memory)."""

    def __init__(self, database_url: str) -> None:
        import duckdb
        import psycopg

        self.pg = psycopg.connect(database_url, autocommit=True)
        self.duck = duckdb.connect(":memory:", config={"threads": 2})
        columns = ", ".join(LINE_COLUMNS)
        handle, path = tempfile.mkstemp(suffix=".csv")
        try:
            with (
                os.fdopen(handle, "wb") as out,
                self.pg.cursor().copy(
                    f"COPY (SELECT {columns} FROM sales_historyline) TO STDOUT (FORMAT csv)"
                ) as copy,
            ):
                for chunk in copy:
                    out.write(chunk)
            types = ", ".join(f"'{name}': '{kind}'" for name, kind in LINE_COLUMNS.items())
            self.duck.execute(
                f"CREATE TABLE sales_historyline AS SELECT * FROM read_csv(?, header = false, "
                f"columns = {{{types}}})",
                [path],
            )
        finally:
            os.unlink(path)
        self.lines = self.duck.execute("SELECT COUNT(*) FROM sales_historyline").fetchone()[0]

    @staticmethod
    def query(dims: tuple[str, ...], where: str = "", limit: int | None = None) -> str:
        keys = "".join(f", {d}" for d in dims)
        groups = ", ".join(str(n) for n in range(1, len(dims) + 2))
        tail = f" ORDER BY {groups} LIMIT {limit}" if limit else ""
        return (
            f"SELECT CAST(date_trunc('month', day) AS DATE){keys}, {SUMS} FROM sales_historyline "
            f"WHERE day BETWEEN DATE '{DATES[0]}' AND DATE '{DATES[1]}'{where} "
            f"GROUP BY {groups}{tail}"
        )

    def runners(self, sql: str) -> tuple[list, list]:
        """The statement on PostgreSQL and on DuckDB, each fetching every row; PostgreSQL's
        answers are appended to the list."""
        answers: list = []

        def pg() -> None:
            answers.append(self.pg.execute(sql).fetchall())

        def duck() -> None:
            self.duck.execute(sql).fetchall()

        return [pg, duck], answers


def ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f} ms"


def measure(data: dict, bounds: Bounds) -> list[Row]:
    api = http_server.Client(PORT, token=data["token"])
    ui = http_server.Client(PORT, session=data["session"])
    rows: list[Row] = []

    def report(what: str, goal_ms: float, path: str, sql: str | None, *, duck: bool, page=False):
        """Ours through HTTP and the bounds in turn (`medians`); then whether the answer
        is the bound's and the goal met."""
        client = ui if page else api
        answers = []

        def get() -> None:
            answers.append(client.get(path, page=page))

        fns, lines = bounds.runners(sql) if sql else ([], [])
        started = time.perf_counter()
        get()  # the first asking: an every-row report writes its rows (none kept yet)
        first = time.perf_counter() - started
        ours, *bound = medians(get, *fns)
        bound_a, bound_b = bound or (None, None)
        failed = [status for status, _body, _seconds in answers if status != 200]
        body = answers[-1][1]
        answer = None
        if failed:
            ours, note = None, f"HTTP {failed[0]}"
        elif page:
            note = f"{len(body) // 1024} KiB"
        else:
            answer = json.loads(body)
            count = answer.get("count", len(answer["rows"]))
            note = f"{len(answer['rows']):,} of {count:,} rows; first asked {ms(first)}"
        same = True
        if lines:
            note += f"; bounds {len(lines[-1]):,} rows"
            if answer is not None and "limit=" not in path:
                # the same rows and the same gross amount as the lines (a filter the API does
                # not know would be ignored, not refused: the answer would be another question)
                amount = sum((Decimal(row["amount"]) for row in answer["rows"]), Decimal(0))
                bound = sum((row[-3] for row in lines[-1]), Decimal(0))
                if len(answer["rows"]) != len(lines[-1]) or amount != bound:
                    same = False
                    note += f"; NOT the bound's answer (amount {amount} ≠ {bound})"
        met = same and ours is not None and ours <= goal_ms / 1000
        goal = f"≤ {goal_ms:,.0f} ms"
        if duck:
            goal += ", below DuckDB"
            met = met and bound_b is not None and ours < bound_b
        rows.append(Row(what, goal, ours, bound_a, bound_b, met, note))

    groupings = [
        ("product", ("product_id",), 300, True),
        ("customer", ("customer_id",), 500, True),
        ("region,product", ("region_id", "product_id"), 700, False),
    ]
    report("1. monthly totals, 3 years", 50, REPORT, bounds.query(()), duck=False)
    for name, dims, goal, duck in groupings:
        what = f"{len(rows) + 1}. monthly per {name.replace(',', ' × ')}, every row"
        report(what, goal, f"{REPORT}&group_by={name}", bounds.query(dims), duck=duck)
    rows.append(after_a_sale(api, data))
    for name, dims, _goal, _duck in groupings:
        path = f"{REPORT}&group_by={name}&limit=500"
        what = f"5. first page of 500, per {name.replace(',', ' × ')}"
        report(what, 150, path, bounds.query(dims, limit=500), duck=False)
    for name in ("customer", "product"):
        one = data[f"{name}_id"]
        what = f"6. one {name}'s series (the busiest, id {one})"
        path = f"{REPORT}&{name}={one}"
        sql = bounds.query((), where=f" AND {name}_id = {int(one)}")
        report(what, 30, path, sql, duck=False)
    for name, path in (("customer", "/parties/customer/"), ("product", "/catalog/product/")):
        what = f"7. staff UI {name} list, first page of 50"
        report(what, 300, path, None, duck=False, page=True)
    path = f"/parties/customer/{data['customer_id']}/change/"
    report("8. staff UI customer file, busiest customer", 150, path, None, duck=False, page=True)
    # the file's other tabs are read when opened (one request each): the heaviest two
    for tab in ("timeline", "receivables"):
        what = f"8. its {tab} tab, when opened"
        tab_path = f"/parties/customer/{data['customer_id']}/tab/?key={tab}"
        report(what, 150, tab_path, None, duck=False, page=True)
    report("9. dashboard (start page)", 300, "/", None, duck=False, page=True)
    api.close()
    ui.close()
    return rows


def after_a_sale(api, data: dict) -> Row:
    """Every row per customer again, each time after a sale of the busiest customer in the
    range's last month (its facts and monthly sums, as an approval writes them): what the
    rows kept by period cost while orders come in. The sales cancel out (an even number,
    ± one cent), so the data ends as the bounds read it."""
    from backoffice.catalog.models import Product
    from backoffice.parties.models import Customer
    from backoffice.sales.facts import facts_add
    from backoffice.sales.models import SalesFact

    customer = Customer.objects.get(pk=data["customer_id"])
    product = Product.objects.get(pk=data["product_id"])
    last = date.fromisoformat(DATES[1]).replace(day=1)
    times, counts = [], set()
    for sign in [1, -1] * (RUNS // 2 + 1):
        cent = Decimal("0.01") * sign
        facts_add(
            basis=SalesFact.Basis.ORDERED,
            day=last,
            customer=customer,
            region_id=customer.region_id or 0,
            owner_id=customer.owner_id or 0,
            lines=[(product, Decimal(0), cent, cent)],
            orders=0,
        )
        status, body, seconds = api.get(f"{REPORT}&group_by=customer")
        if status != 200:
            return Row(
                "3. per customer, after a sale this month", "≤ 500 ms", None, note=f"HTTP {status}"
            )
        times.append(seconds)
        counts.add(len(json.loads(body)["rows"]))
    ours = statistics.median(times)
    shown = ", ".join(f"{n:,}" for n in sorted(counts))
    note = f"median of {len(times)}, each after a sale; {shown} rows"
    return Row(
        "3. per customer, after a sale this month", "≤ 500 ms", ours, met=ours <= 0.5, note=note
    )


def print_rows(rows: list[Row]) -> None:
    width = max(len(row.what) for row in rows)
    print(
        f"\n{'what':<{width}}  {'ours':>10}  {'(a) SQL':>10}  {'(b) DuckDB':>10}  "
        f"{'÷ (a)':>6}  {'÷ (b)':>6}  goal"
    )
    for row in rows:
        ratios = [
            f"{row.ours / bound:>5.2f}×" if row.ours is not None and bound else f"{'':>6}"
            for bound in (row.bound_a, row.bound_b)
        ]
        print(
            f"{row.what:<{width}}  {ms(row.ours):>10}  {ms(row.bound_a):>10}  "
            f"{ms(row.bound_b):>10}  {ratios[0]}  {ratios[1]}  {row.goal}: "
            f"{'met' if row.met else 'NOT met'}" + (f"  ({row.note})" if row.note else "")
        )


def print_markdown(rows: list[Row]) -> None:
    """The same as a table for RESULTS.md."""
    print(f"\n{time.strftime('%Y-%m-%d')}, load average {load()}:\n")
    print("| measure | ours | (a) plain SQL | (b) DuckDB | ours ÷ (a) / ÷ (b) | goal |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        ratios = " / ".join(
            f"{row.ours / bound:.2f}×" for bound in (row.bound_a, row.bound_b) if row.ours and bound
        )
        verdict = "met" if row.met else "**NOT met**"
        ours = ms(row.ours) + (f" ({row.note})" if "lines/s" in row.goal else "")
        print(
            f"| {row.what} | {ours} | {ms(row.bound_a)} | {ms(row.bound_b)} | "
            f"{ratios or '—'} | {row.goal}: {verdict} |"
        )


def load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> int:
    maintenance_url, database_url = database_urls()
    name = urlsplit(database_url).path.lstrip("/")
    reuse = os.environ.get("BENCH_REPORTS_REUSE") == "1"
    env = http_server.server_env(database_url, VAR)
    VAR.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(VAR / "reports", ignore_errors=True)  # no report rows kept from a last run
    print(f"bench.reports: database {name} ({'reused' if reuse else 'fresh'}), {ORDERS:,} orders")
    if not reuse:
        fresh_database(maintenance_url, name)
    http_server.django_setup(env)
    data = prepare(reuse)
    rows = []
    if data["import"]:
        lines, elapsed = data["import"]
        rate = lines / elapsed
        rows.append(
            Row(
                "10. history import, fresh database",
                "≥ 100,000 lines/s",
                elapsed,
                met=rate >= 100_000,
                note=f"{lines:,} lines, {rate:,.0f} lines/s",
            )
        )
    started = time.perf_counter()
    bounds = Bounds(database_url)
    print(f"DuckDB loaded {bounds.lines:,} lines in {time.perf_counter() - started:.1f} s")
    workers = os.environ.get("LOAD_WORKERS", "2")
    threads = os.environ.get("LOAD_THREADS", "2")
    server = http_server.serve(env, PORT, workers=workers, threads=threads)
    try:
        print(
            f"gunicorn {workers} workers × {threads} threads, {os.cpu_count()} cores; "
            f"median of {RUNS} runs after a warm-up; load average {load()}"
        )
        rows = measure(data, bounds) + rows
        print(f"load average at the end: {load()}")
    finally:
        http_server.stop(server)
    print_rows(rows)
    print_markdown(rows)
    missed = [row.what for row in rows if not row.met]
    print(f"\ngoals: {len(rows) - len(missed)} of {len(rows)} met")
    return 1 if missed and os.environ.get("BENCH_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
