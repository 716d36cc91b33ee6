"""Races on the real database (SQLite and PostgreSQL): real threads, real transactions."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def all_at_once(callables: list[Callable[[], Any]]) -> tuple[list, list]:
    """Run each callable in a thread of its own, all released at the same instant; each
    thread closes its database connection. Returns (results, exceptions raised)."""
    results, errors = [], []
    lock, barrier = threading.Lock(), threading.Barrier(len(callables))

    def run(fn: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcome = fn()
            with lock:
                results.append(outcome)
        except BaseException as exc:  # collected and asserted on by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in callables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
