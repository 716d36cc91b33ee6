"""The daily jobs (expiry of papers, contracts by date…). Each app registers its job in
AppConfig.ready(); `manage.py daily_jobs` runs them all, or hands them to the task worker."""

from collections.abc import Callable
from typing import Any

from django.tasks import task

DailyJob = Callable[[], dict[str, Any]]

_jobs: dict[str, tuple[int, DailyJob]] = {}


def register_daily_job(name: str, job: DailyJob, *, order: int = 100) -> None:
    """`job()` does one day's work, may run twice a day without harm, returns counts.
    Jobs run by `order`, lowest first (fulfilment before expiry by date, say)."""
    _jobs[name] = (order, job)


def daily_jobs_run() -> dict[str, dict[str, Any]]:
    ordered = sorted(_jobs.items(), key=lambda item: item[1][0])
    return {name: job() for name, (_order, job) in ordered}


@task()
def daily_jobs_task() -> dict[str, dict[str, Any]]:
    """Enqueued once a day by `manage.py daily_jobs --enqueue` (cron / systemd timer)."""
    return daily_jobs_run()
