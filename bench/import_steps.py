"""Where the history import's seconds go, step by step, on a fresh PostgreSQL database.

    BENCH_SERVER_URL=postgres://user@host:5432 python -m bench.import_steps [ORDERS] [RUNS]

Each run copies a migrated template database (`import_steps_template`, made once, migrated
at each start) into a new one, imports the generated history of ORDERS orders (default
200,000: 987,535 lines; made with bench.dataset when missing) as `make bench` does, and
prints each step (run.py's steps, wrapped here) with its wall time and the CPU seconds of the
database backend and of Python: on a shared machine the CPU columns move less than the wall
clock. The database of a run is dropped after it; a failed run prints its first problems.
With BENCH_IMPORT_STATEMENTS=1, also each statement of over 50 ms, with its wall time, under
the step that ran it.
"""

import contextlib
import functools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
TEMPLATE = "import_steps_template"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{TEMPLATE}"


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(sql)


def _template() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE])
        if not found.fetchone():
            admin.execute(f"CREATE DATABASE {TEMPLATE}")
    # migrated each time: the migrations added since it was made, if any
    subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"],
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )


def main(orders: int, runs: int) -> None:
    _template()
    name = f"import_steps_{os.getpid()}"
    os.environ["DATABASE_URL"] = f"{SERVER}/{name}"
    import django

    django.setup()
    from django.db import connection

    from backoffice.sales.history import (
        balances,
        beside,
        history_import_run,
        masters,
        sources_in,
        sums,
    )
    from backoffice.sales.history import orders as order_steps
    from backoffice.sales.history import run as steps
    from bench.dataset import Size, generate

    directory = ROOT / "var" / "bench-history" / str(orders)
    if not (directory / "order_lines.csv").exists():
        generate(directory, Size.for_orders(orders))
    times: list[tuple[str, float, float, float]] = []
    backend = {}  # thread → its connection's backend: the orders' files are staged beside

    def backend_cpu() -> float:
        thread = threading.get_ident()
        if thread not in backend:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend[thread] = cursor.fetchone()[0]
        fields = Path(f"/proc/{backend[thread]}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @contextlib.contextmanager
    def timed(label: str):
        wall, cpu, python = time.perf_counter(), backend_cpu(), time.process_time()
        try:
            yield
        finally:
            beside = threading.current_thread() is not threading.main_thread()
            times.append(
                (
                    f"{label} (beside)" if beside else label,
                    time.perf_counter() - wall,
                    backend_cpu() - cpu,
                    time.process_time() - python,
                )
            )

    statements: dict[str, list[tuple[str, float]]] = {}

    def statement_timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - start
            if took > 0.05:
                step = next((label for label in reversed(opened()) if label), "")
                statements.setdefault(step, []).append((sql, took))

    local = threading.local()

    def opened() -> list[str]:
        """This thread's steps under way (and its connection's statements timed)."""
        if not hasattr(local, "steps"):
            local.steps = []
        wanted = os.environ.get("BENCH_IMPORT_STATEMENTS")
        if wanted and statement_timed not in connection.execute_wrappers:
            connection.execute_wrappers.append(statement_timed)
        return local.steps

    def wrap(module, function: str) -> None:
        original = getattr(module, function)

        @functools.wraps(original)
        def step(*args, **kwargs):
            opened().append(function)
            try:
                with timed(function):
                    return original(*args, **kwargs)
            finally:
                opened().pop()

        setattr(module, function, step)

    for function in ("regions", "reps", "products", "customers", "customers_write"):
        wrap(masters, function)
    for function in (
        "known_codes",
        "check_orders",
        "check_lines",
        "check_unchanged",
        "repeated_products_found",
        "new_orders",
        "write_lines",
        "write_orders",
    ):
        wrap(order_steps, function)
    for function in dir(sums):
        if function.startswith("write_"):
            wrap(sums, function)
    wrap(balances, "check_opening_balances")
    wrap(balances, "write_opening_balances")
    wrap(beside, "stage")
    wrap(steps, "statistics_refresh")
    if hasattr(steps, "indexes_after"):  # the indexes built after the rows (sql.py)
        after = steps.indexes_after

        @contextlib.contextmanager
        def indexes_after(*args):
            building = after(*args)
            building.__enter__()
            try:
                yield
            except BaseException:
                if not building.__exit__(*sys.exc_info()):
                    raise
                return
            opened().append("indexes built")
            try:
                with timed("indexes built"):
                    building.__exit__(None, None, None)
            finally:
                opened().pop()

        steps.indexes_after = indexes_after

    for number in range(1, runs + 1):
        connection.close()
        backend.clear()
        _admin(f"DROP DATABASE IF EXISTS {name}")
        _admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        times.clear()
        statements.clear()
        opened()
        backend_cpu()
        started, cpu, python = time.perf_counter(), backend_cpu(), time.process_time()
        record = history_import_run(sources=sources_in(directory), by=None)
        wall = time.perf_counter() - started
        cpu, python = backend_cpu() - cpu, time.process_time() - python
        lines = record.counts.get("order_lines", 0)
        print(f"run {number}: {record.status}, {lines:,} lines, {lines / wall:,.0f} lines/s")
        for problem in record.errors[:5]:  # a failed run says why
            print(f"  problem: {problem}")
        print(f"  {'step':24} {'wall s':>7} {'db cpu':>7} {'py cpu':>7}")
        for label, seconds, db, py in times:
            print(f"  {label:24} {seconds:7.2f} {db:7.2f} {py:7.2f}")
            for sql, took in statements.pop(label, []):
                print(f"      {took:6.2f}  {' '.join(sql.split())[:160]}")
        print(f"  {'total':24} {wall:7.2f} {cpu:7.2f} {python:7.2f}")
        connection.close()
    _admin(f"DROP DATABASE IF EXISTS {name}")


if __name__ == "__main__":
    arguments = [int(argument) for argument in sys.argv[1:3]]
    main(*(arguments + [200_000, 1][len(arguments) :]))
