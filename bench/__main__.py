"""`make bench`: speed of the platform's hot paths, as ratios against a raw-SQL lower bound
measured in the same run (these machines are noisy; absolute times mean little).

Runs against a scratch database: var/bench.sqlite3, or BENCH_DATABASE_URL (PostgreSQL).
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

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

ROUNDS = 2000


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_numbering() -> tuple[float, float]:
    from backoffice.core.numbering import next_number

    def ours() -> None:
        for _ in range(ROUNDS):
            with transaction.atomic():
                next_number(kind="BENCH", year=2026)

    def raw() -> None:
        table = "core_documentcounter"
        for _ in range(ROUNDS):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET last_number = last_number + 1 "
                    "WHERE kind = %s AND year = %s RETURNING last_number",
                    ["RAWB", 2026],
                )
                cursor.fetchone()

    from backoffice.core.models import DocumentCounter

    DocumentCounter.objects.get_or_create(kind="RAWB", year=2026)
    return _best(ours), _best(raw)


def main() -> int:
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; {ROUNDS} rounds, best of 3")
    ours, bound = bench_numbering()
    print(
        f"next_number (one per transaction): {ours * 1e6 / ROUNDS:8.1f} µs each, "
        f"raw SQL bound {bound * 1e6 / ROUNDS:8.1f} µs, ratio {ours / bound:5.2f}x"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
