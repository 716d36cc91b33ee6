"""Several task workers against one database (issue 19 §3). django-tasks-db already hands each
task to one worker (the row is claimed under a lock, SKIP LOCKED on PostgreSQL, an exclusive
transaction on SQLite). What it does not do is notice a worker that died in the middle of a
task (SIGKILL, a lost machine): the task would stay RUNNING for ever. So:

- while a database task runs, its worker writes a beat (core.TaskBeat) every
  WORKER_BEAT_SECONDS, from a thread of its own (`task_started` / `task_finished` signals);
- `tasks_orphaned_requeue()` puts back in the queue each RUNNING task whose beat is older than
  WORKER_STALE_SECONDS (or that never beat, started as long ago): another worker runs it
  again. `manage.py worker` (django-tasks-db's `db_worker` with this) calls it every beat.

The stale limit must be longer than any pause of a live worker's beat: on SQLite a beat waits
for the task's own write transaction (one writer at a time), so keep it above the longest
one. A task put back runs from its start again, so every task is written to be run twice
without harm (STYLE: imports re-check their record, daily jobs are idempotent)."""

import logging
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.tasks import task_backends
from django.tasks.base import TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from backoffice.core.models import TaskBeat

logger = logging.getLogger(__name__)

_running: dict[str, threading.Event] = {}  # task id → stops its beat


def _on_database(task_result: Any) -> bool:
    backend = task_backends[task_result.backend] if task_result.backend else None
    return isinstance(backend, DatabaseBackend)


def _beat(task_id: str, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.WORKER_BEAT_SECONDS):
            try:
                TaskBeat.objects.filter(task_id=task_id).update(beat_at=timezone.now())
            except DatabaseError as error:  # the next beat tries again
                logger.warning("task %s: beat not written (%s)", task_id, error)
    finally:
        connection.close()  # this thread's own connection


def task_beat_start(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if not _on_database(task_result):
        return
    task_id = str(task_result.id)
    worker = (task_result.worker_ids or ["?"])[-1]
    TaskBeat.objects.update_or_create(
        task_id=task_id, defaults={"worker_id": worker[:64], "beat_at": timezone.now()}
    )
    stop = threading.Event()
    _running[task_id] = stop
    threading.Thread(target=_beat, args=(task_id, stop), daemon=True, name="task-beat").start()


def task_beat_stop(sender: Any, task_result: Any, **kwargs: Any) -> None:
    stop = _running.pop(str(task_result.id), None)
    if stop is not None:
        stop.set()
    if _on_database(task_result):
        TaskBeat.objects.filter(task_id=task_result.id).delete()


def tasks_orphaned_requeue() -> list[str]:
    """The RUNNING tasks whose worker stopped beating, back to READY (their ids)."""
    stale = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = TaskBeat.objects.filter(beat_at__gte=stale).values("task_id")
    with transaction.atomic():
        orphans = list(
            DBTaskResult.objects.running()
            .filter(started_at__lt=stale)
            .exclude(id__in=alive)
            .select_for_update(skip_locked=True)
            .values_list("id", flat=True)
        )
        if not orphans:
            return []
        DBTaskResult.objects.filter(id__in=orphans, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY
        )
        TaskBeat.objects.filter(task_id__in=orphans).delete()
    for task_id in orphans:
        logger.warning("task %s: its worker stopped beating; queued to run again", task_id)
    return [str(task_id) for task_id in orphans]


def reaper(stop: threading.Event) -> None:
    """A worker's thread: puts orphaned tasks back every beat until `stop`."""
    try:
        while not stop.wait(settings.WORKER_BEAT_SECONDS):
            try:
                tasks_orphaned_requeue()
            except DatabaseError as error:
                logger.warning("orphaned tasks not checked (%s)", error)
    finally:
        connection.close()
