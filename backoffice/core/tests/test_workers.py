"""Several task workers against one database (issue 19 §3), on both databases: three
`manage.py worker` processes drain 200 tasks and each runs exactly once; a worker killed with
SIGKILL in the middle of a task leaves it to another, which runs it to completion once; the
daily jobs run once when two schedulers start them at the same moment, and again only when
the first one's claim went stale."""

import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backoffice.core import jobs
from backoffice.core.models import DailyRun, TaskBeat
from backoffice.core.tests.processes import ROOT, app_env

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _worker(tmp_path: Path, *options: str) -> subprocess.Popen:
    env = app_env(tmp_path / "var", WORKER_BEAT_SECONDS="1", WORKER_STALE_SECONDS="3")
    command = [sys.executable, "manage.py", "worker", "--queue-name", "*", "--interval", "0.1"]
    return subprocess.Popen(  # noqa: S603 - this interpreter, our manage.py
        [*command, "--no-startup-delay", "--no-reload", *options],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _runs(path: Path) -> Counter:
    return Counter(int(line) for line in path.read_text().split()) if path.exists() else Counter()


def test_three_workers_drain_200_tasks_each_once(settings, tmp_path):
    from tests.testapp.tasks import record_run

    settings.TASKS = DATABASE_BACKEND
    runs = tmp_path / "runs.txt"
    for number in range(200):
        record_run.enqueue(str(runs), number)
    workers = [_worker(tmp_path, "--batch") for _ in range(3)]
    for worker in workers:
        _out, errors = worker.communicate(timeout=240)
        assert worker.returncode == 0, errors.decode()[-3000:]
    assert _runs(runs) == Counter(range(200))
    results = DBTaskResult.objects.all()
    assert results.count() == 200 and results.successful().count() == 200
    assert all(len(result.worker_ids) == 1 for result in results)
    assert len({result.worker_ids[0] for result in results}) >= 2  # the work was shared
    assert not TaskBeat.objects.exists()  # each beat went with its task


def test_a_task_whose_worker_is_killed_is_run_again_by_another_once(settings, tmp_path):
    from tests.testapp.tasks import record_run_slowly_once

    settings.TASKS = DATABASE_BACKEND
    runs = tmp_path / "runs.txt"
    queued = record_run_slowly_once.enqueue(str(runs), 7, 120)
    first = _worker(tmp_path)
    deadline = time.monotonic() + 60
    started = Path(f"{runs}.started")  # the task itself has begun, not only its worker's beat
    while not (TaskBeat.objects.filter(task_id=queued.id).exists() and started.exists()):
        assert time.monotonic() < deadline, first.stderr.read1().decode()  # type: ignore[union-attr]
        time.sleep(0.1)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    task = DBTaskResult.objects.get(id=queued.id)
    assert task.status == "RUNNING" and not runs.exists()  # died in the middle
    second = _worker(tmp_path)
    try:
        deadline = time.monotonic() + 60
        while DBTaskResult.objects.get(id=queued.id).status != "SUCCESSFUL":
            assert time.monotonic() < deadline, "the task was not run again"
            time.sleep(0.2)
    finally:
        second.terminate()
        _out, errors = second.communicate(timeout=30)
        print(errors.decode()[-5000:])  # shown when the test fails
    task = DBTaskResult.objects.get(id=queued.id)
    assert _runs(runs) == Counter({7: 1})  # to completion once
    assert len(task.worker_ids) == 2 and task.worker_ids[0] != task.worker_ids[1]


@pytest.fixture
def counted_job():
    calls = Counter()
    saved = dict(jobs._jobs)
    jobs._jobs.clear()
    jobs.register_daily_job("counted", lambda: {"runs": calls.update(["run"]) or 1})
    yield calls
    jobs._jobs.clear()
    jobs._jobs.update(saved)


def test_two_schedulers_at_the_same_moment_run_the_daily_jobs_once(counted_job):
    start = threading.Barrier(2)
    answers = []

    def scheduler():
        try:
            start.wait()
            answers.append(jobs.daily_jobs_run(once=True))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert counted_job["run"] == 1
    assert sorted(answers, key=bool) == [None, {"counted": {"runs": 1}}]
    run = DailyRun.objects.get()
    assert run.day == timezone.localdate() and run.finished_at and run.result
    assert jobs.daily_jobs_run(once=True) is None and counted_job["run"] == 1  # later: nothing
    assert jobs.daily_jobs_run() and counted_job["run"] == 2  # by hand: again


def test_a_claim_left_unfinished_is_taken_over_when_stale(settings, counted_job):
    DailyRun.objects.create(
        day=timezone.localdate(),
        started_at=timezone.now() - timedelta(seconds=settings.DAILY_JOBS_STALE_SECONDS - 60),
    )
    assert jobs.daily_jobs_run(once=True) is None  # still running somewhere
    DailyRun.objects.update(started_at=timezone.now() - timedelta(hours=3))
    assert jobs.daily_jobs_run(once=True) == {"counted": {"runs": 1}}
    assert DailyRun.objects.get().finished_at is not None
