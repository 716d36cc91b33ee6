"""Files an import keeps go through Django's storage API (issue 19 §4), so that several app
servers and workers share them: here the storage is in memory, and nothing is written under
the media or var folders, yet a preview is confirmed, a queued import runs, an upload of
history files is imported by its task, and each kept file is dropped once it is done with."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from backoffice.core.imports import PREVIEWS, import_files_in, import_previews_expire
from backoffice.parties.models import Customer, CustomerImport
from backoffice.parties.tests.test_import import GOOD, xlsx
from backoffice.sales.models import HistoryImport
from bench.dataset import Size, generate


@pytest.fixture
def shared_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    yield default_storage
    assert not (tmp_path / "media").exists() and not (tmp_path / "var").exists()


def _everything(storage, folder: str = "imports") -> list[str]:
    folders, files = storage.listdir(folder) if storage.exists(folder) else ([], [])
    return [f"{folder}/{f}" for f in files] + [
        name for sub in folders for name in _everything(storage, f"{folder}/{sub}")
    ]


def _previewed(client, clerk) -> str:
    """The clerk's upload of two customers, previewed: its token."""
    client.force_login(clerk)
    preview = client.post(
        "/parties/customer/import/", {"file": SimpleUploadedFile("c.xlsx", xlsx(GOOD))}
    )
    return preview.context["token"]


@pytest.mark.django_db
def test_a_preview_is_confirmed_from_the_shared_storage(
    client, clerk, rep_wang, region_north, shared_storage
):
    token = _previewed(client, clerk)
    assert import_files_in(PREVIEWS) == [f"{token}.xlsx"]
    done = client.post("/parties/customer/import/", {"token": token})
    assert 'data-testid="import-done"' in done.content.decode()
    assert Customer.objects.count() == 2 and _everything(shared_storage) == []


@pytest.mark.django_db
def test_a_lost_preview_asks_for_the_file_again(
    client, clerk, rep_wang, region_north, shared_storage
):
    token = _previewed(client, clerk)
    shared_storage.delete(f"{PREVIEWS}/{token}.xlsx")
    done = client.post("/parties/customer/import/", {"token": token}, follow=True)
    assert "The upload has expired" in done.content.decode()
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_queued_import_reads_its_file_from_the_shared_storage(
    client,
    clerk,
    rep_wang,
    region_north,
    settings,
    shared_storage,
    django_capture_on_commit_callbacks,
):
    settings.IMPORT_SYNC_MAX_BYTES = 100  # queued for the worker
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post("/parties/customer/import/", {"file": SimpleUploadedFile("c.xlsx", xlsx(GOOD))})
    record = CustomerImport.objects.get()
    assert _everything(shared_storage) == [f"imports/customers/{record.pk}.xlsx"]
    for callback in queued:  # the worker, elsewhere
        callback()
    record.refresh_from_db()
    assert record.status == CustomerImport.Status.SUCCEEDED and Customer.objects.count() == 2
    assert _everything(shared_storage) == []


@pytest.mark.django_db
def test_uploaded_history_is_imported_by_its_task_from_the_shared_storage(
    client, admin_user, tmp_path, shared_storage, django_capture_on_commit_callbacks
):
    source = tmp_path / "files"
    source.mkdir()
    generate(source, Size(orders=12, customers=4, products=3, reps=2), seed=3)
    files = [
        SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/csv")
        for p in sorted(source.glob("*.csv"))
    ]
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        client.post("/sales/historyimport/upload/", {"files": files})
    record = HistoryImport.objects.get()
    kept = _everything(shared_storage)
    assert kept and all(name.startswith(f"imports/history/{record.pk}/") for name in kept)
    assert len(kept) == len(files)
    for callback in queued:
        callback()
    record.refresh_from_db()
    assert record.status == "succeeded" and record.counts["orders"] == 12
    assert _everything(shared_storage) == []  # dropped once imported


@pytest.mark.django_db
def test_previews_nobody_confirmed_are_dropped_after_a_day(shared_storage, time_machine):
    time_machine.move_to(timezone.now())
    shared_storage.save(f"{PREVIEWS}/old.xlsx", ContentFile(b"x"))
    time_machine.shift(timedelta(hours=25))
    shared_storage.save(f"{PREVIEWS}/new.xlsx", ContentFile(b"y"))
    assert import_previews_expire() == {"dropped": 1}
    assert import_files_in(PREVIEWS) == ["new.xlsx"]
