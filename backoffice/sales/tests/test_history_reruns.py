"""Issue 15 §8, §16, §22 for the history import: a changed line of an imported order is
refused by order, line and field (nothing imported); the files' hash is kept and the same
files are not imported twice unless asked; one import at a time per user; a run whose worker
is gone is marked failed by the next look at it (or the daily job) and retried from its page."""

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from backoffice.core.imports import imports_fail_stale
from backoffice.core.jobs import daily_jobs_run
from backoffice.sales.history import history_import_run, sources_in
from backoffice.sales.models import HistoryImport, HistoryLine, HistoryOrder
from bench.dataset import Size, generate

SMALL = Size(orders=20, customers=5, products=4, reps=3)
UPLOAD = "/sales/historyimport/upload/"


@pytest.fixture
def history(tmp_path, db) -> Path:
    generate(tmp_path, SMALL, seed=5)
    return tmp_path


def _rows(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _save(directory: Path, name: str, rows: list[dict[str, str]]) -> None:
    with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _files(directory: Path) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        for path in sorted(directory.glob("*.csv"))
    ]


@pytest.mark.django_db
def test_a_changed_line_of_an_imported_order_is_refused_by_order_line_and_field(history):
    assert history_import_run(sources=sources_in(history), by=None).status == "succeeded"
    stored = {
        (line.order.number, line.line_no): line
        for line in HistoryLine.objects.select_related("order")
    }
    lines = _rows(history, "order_lines")
    first = lines[0]
    first["quantity"] = str(int(float(first["quantity"])) + 7)  # the total now differs
    lines[1]["unit_price"] = "0.01"
    extra = {**lines[2], "line_no": "77"}  # a line the imported order did not have
    _save(history, "order_lines", [*lines, extra])
    again = history_import_run(sources=sources_in(history), by=None)
    assert again.status == HistoryImport.Status.FAILED
    found = {(p["column"], p["line"]): p["message"] for p in again.errors}
    quantity = found[("quantity", 2)]
    was = stored[(first["order_number"], int(first["line_no"]))].quantity
    assert first["order_number"] in quantity and f"line {int(first['line_no'])}" in quantity
    assert f"{was.normalize():f}" in quantity and first["quantity"] in quantity
    assert lines[1]["order_number"] in found[("unit_price", 3)]
    assert "line 77" in found[("line_no", len(lines) + 2)]
    # nothing changed, nothing added
    assert HistoryLine.objects.count() == len(stored)
    assert HistoryOrder.objects.count() == SMALL.orders


@pytest.mark.django_db
def test_a_line_left_out_of_an_imported_order_is_refused(history):
    assert history_import_run(sources=sources_in(history), by=None).status == "succeeded"
    lines = _rows(history, "order_lines")
    numbers = [line["order_number"] for line in lines]
    order = next(n for n in numbers if numbers.count(n) > 1)
    dropped = next(i for i, line in enumerate(lines) if line["order_number"] == order)
    _save(history, "order_lines", lines[:dropped] + lines[dropped + 1 :])
    again = history_import_run(sources=sources_in(history), by=None)
    assert again.status == HistoryImport.Status.FAILED
    assert any(p["file"] == "orders.csv" and order in p["message"] for p in again.errors)


@pytest.mark.django_db
def test_the_same_files_are_not_imported_twice_unless_asked(
    client, admin_user, history, django_capture_on_commit_callbacks
):
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(UPLOAD, {"files": _files(history)})
    first = HistoryImport.objects.get()
    assert first.status == "succeeded" and len(first.sha256) == 64 and first.size_bytes > 0
    assert first.counts["orders"] == SMALL.orders
    refused = client.post(UPLOAD, {"files": _files(history)}, follow=True).content.decode()
    assert "already imported" in refused and str(first) in refused
    assert HistoryImport.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"files": _files(history), "again": "on"})
    second = HistoryImport.objects.exclude(pk=first.pk).get()
    assert second.sha256 == first.sha256 and second.counts["orders"] == 0
    page = client.get(response.url).content.decode()
    assert "The same files were imported on" in page


@pytest.mark.django_db
def test_the_command_refuses_files_imported_before_without_again(history, capsys):
    call_command("import_history", str(history))
    with pytest.raises(CommandError, match="already imported"):
        call_command("import_history", str(history))
    call_command("import_history", str(history), "--again")
    assert HistoryImport.objects.filter(status="succeeded").count() == 2
    assert len(set(HistoryImport.objects.values_list("sha256", flat=True))) == 1


@pytest.mark.django_db
def test_one_import_at_a_time_per_user_and_a_daily_limit(client, admin_user, history, settings):
    client.force_login(admin_user)
    client.post(UPLOAD, {"files": _files(history)})  # queued, not run (no worker here)
    assert HistoryImport.objects.get().status == "queued"
    busy = client.post(UPLOAD, {"files": _files(history), "again": "on"}, follow=True)
    assert "still running" in busy.content.decode()
    HistoryImport.objects.update(status="failed")
    settings.IMPORT_DAILY_LIMIT = 1
    over = client.post(UPLOAD, {"files": _files(history), "again": "on"}, follow=True)
    assert "limit of 1 imports" in over.content.decode()
    assert HistoryImport.objects.count() == 1


def _killed(record: HistoryImport, minutes: int) -> None:
    """As a worker killed mid-run leaves it: running, its last beat long ago."""
    then = timezone.now() - timedelta(minutes=minutes)
    HistoryImport.objects.filter(pk=record.pk).update(
        status="running", started_at=then, heartbeat_at=then
    )
    cache.delete(f"import-heartbeat:sales.historyimport:{record.pk}")


@pytest.mark.django_db
def test_a_run_whose_worker_is_gone_is_failed_by_the_next_look_and_retried(
    client, admin_user, history, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_HEARTBEAT_TIMEOUT = 600
    client.force_login(admin_user)
    client.post(UPLOAD, {"files": _files(history)})
    record = HistoryImport.objects.get()
    _killed(record, minutes=5)  # not yet: its heartbeat is recent enough
    assert client.get(f"/sales/historyimport/{record.pk}/status/").json()["status"] == "running"
    _killed(record, minutes=30)
    status = client.get(f"/sales/historyimport/{record.pk}/status/").json()
    assert status["status"] == "failed"
    page = client.get(f"/sales/historyimport/{record.pk}/progress/").content.decode()
    assert 'data-testid="step-retry"' in page and "stopped without finishing" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sales/historyimport/{record.pk}/step/retry/")
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "succeeded" and record.errors == []
    assert record.counts["orders"] == SMALL.orders


@pytest.mark.django_db
def test_a_beating_run_is_left_alone_and_the_daily_job_fails_dead_ones(history):
    live = HistoryImport.objects.create(files=["orders.csv"])
    dead = HistoryImport.objects.create(files=["orders.csv"])
    _killed(live, minutes=60)
    _killed(dead, minutes=60)
    from backoffice.core.imports import import_heartbeat

    import_heartbeat(live)  # the cache channel: a run inside its one transaction
    assert imports_fail_stale(HistoryImport) == 1
    daily_jobs_run()  # the job is registered; nothing more to fail
    live.refresh_from_db()
    dead.refresh_from_db()
    assert (live.status, dead.status) == ("running", "failed")
    _killed(live, minutes=60)
    assert daily_jobs_run()["stale history imports"]["failed"] >= 1
    live.refresh_from_db()
    assert live.status == "failed"


@pytest.mark.django_db
def test_a_run_failed_by_its_rows_asks_for_corrected_files_not_a_retry(client, admin_user):
    problem = {"file": "orders.csv", "line": 3, "column": "qty", "message": "Not a number."}
    record = HistoryImport.objects.create(files=["orders.csv"], status="failed", errors=[problem])
    client.force_login(admin_user)
    page = client.get(f"/sales/historyimport/{record.pk}/progress/").content.decode()
    assert 'data-testid="history-problems"' in page and "Not a number." in page
    assert 'data-testid="step-retry"' not in page
    HistoryImport.objects.filter(pk=record.pk).update(errors=[])  # no problem recorded
    page = client.get(f"/sales/historyimport/{record.pk}/progress/").content.decode()
    assert 'data-testid="history-failure"' in page and 'data-testid="step-retry"' in page
