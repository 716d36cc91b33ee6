"""The daily jobs (expiry of papers, contracts by date…). Each app registers its job in
AppConfig.ready(); `manage.py daily_jobs` runs them all, or hands them to the task worker."""

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from backoffice.core.models import DailyRun

DailyJob = Callable[[], dict[str, Any]]

_jobs: dict[str, tuple[int, DailyJob]] = {}


def register_daily_job(name: str, job: DailyJob, *, order: int = 100) -> None:
    """`job()` does one day's work, may run twice a day without harm, returns counts.
    Jobs run by `order`, lowest first (fulfilment before expiry by date, say)."""
    _jobs[name] = (order, job)


def daily_jobs_run(*, once: bool = False) -> dict[str, dict[str, Any]] | None:
    """Every job, by order. With `once` (the schedulers: `manage.py daily_jobs`, its task) the
    company's day is claimed first: a second scheduler starting them the same day gets None
    and runs nothing, unless the first's claim went stale (its process died)."""
    run = _day_claimed() if once else None
    if once and run is None:
        return None
    ordered = sorted(_jobs.items(), key=lambda item: item[1][0])
    result = {name: job() for name, (_order, job) in ordered}
    if run is not None:
        DailyRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), result=json.loads(json.dumps(result, default=str))
        )
    return result


def _day_claimed() -> DailyRun | None:
    day, now = timezone.localdate(), timezone.now()
    try:
        with transaction.atomic():
            return DailyRun.objects.create(day=day, started_at=now)
    except IntegrityError:  # another scheduler claimed the day
        stale = now - timedelta(seconds=settings.DAILY_JOBS_STALE_SECONDS)
        taken = DailyRun.objects.filter(
            day=day, finished_at__isnull=True, started_at__lt=stale
        ).update(started_at=now)
        return DailyRun.objects.get(day=day) if taken else None


@task()
def daily_jobs_task() -> dict[str, dict[str, Any]] | None:
    """Enqueued once a day by `manage.py daily_jobs --enqueue` (cron / systemd timer); run
    once a day however many schedulers enqueue it."""
    return daily_jobs_run(once=True)
