"""`manage.py worker`: django-tasks-db's `db_worker` (same options), which also puts back in
the queue the tasks of a worker that died mid-task (core.workers). Run as many as needed, on
as many machines, against the one database."""

import threading
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from backoffice.core.workers import reaper


class Command(DbWorkerCommand):
    help = (
        "Run background tasks (django-tasks-db's db_worker); a task whose worker died in the "
        "middle is run again by another."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        threading.Thread(target=reaper, args=(stop,), daemon=True, name="task-reaper").start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
