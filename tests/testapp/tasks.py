"""Tasks the worker tests enqueue (core.tests.test_workers): each run leaves a line in a file,
so that a test counts how many times each ran to completion."""

import time
from pathlib import Path

from django.tasks import task


@task()
def record_run(path: str, number: int) -> int:
    with Path(path).open("a") as runs:  # one short append: whole lines, whatever the writers
        runs.write(f"{number}\n")
    return number


@task()
def record_run_slowly_once(path: str, number: int, seconds: float) -> int:
    """The first attempt (no `path`.started yet) waits `seconds` before its line: long enough
    for the test to kill its worker in the middle."""
    started = Path(f"{path}.started")
    if not started.exists():
        started.write_text("1")
        time.sleep(seconds)
    return record_run.func(path, number)
