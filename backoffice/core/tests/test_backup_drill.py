"""The backup drill (issue 15 §21), on whichever database the suite runs on: a backup taken
while another thread writes, restored into a fresh database (a new SQLite file, a new
PostgreSQL database) and media folder, matches its manifest with 0 mismatches; the audit
trigger is there and refuses; every file is there; a damaged archive is refused."""

import contextlib
import io
import tarfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection, connections
from django.db.utils import load_backend

from backoffice.audit.models import AuditEvent
from backoffice.core.backup import (
    BackupError,
    backup_create,
    backup_restore,
    backup_verify,
    restore_check,
)
from backoffice.core.files import attachment_add
from backoffice.core.models import Attachment
from backoffice.parties.tests.conftest import pdf_upload

pytestmark = [pytest.mark.backup, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def fresh_database(tmp_path: Path) -> Iterator[str]:
    """A new, empty database beside the test database, as the alias "restored"."""
    alias, source = "restored", connections["default"].settings_dict
    if connection.vendor == "sqlite":
        name = str(tmp_path / "restored.sqlite3")
    else:
        name = f"{source['NAME']}_restored_{uuid.uuid4().hex[:6]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    # A connection of our own (not in settings.DATABASES, which the test case guards).
    connections[alias] = load_backend(source["ENGINE"]).DatabaseWrapper(
        {**source, "NAME": name}, alias
    )
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextlib.contextmanager
def writing(obj, by) -> Iterator[list[int]]:
    """Attachments (a file, a row and an audit event in one transaction) added in a loop by
    another thread until the block ends; yields the list of their ids as they commit."""
    done, stop, failures = [], threading.Event(), []

    def run() -> None:
        try:
            while not stop.is_set():
                pdf = b"%PDF-1.4\n" + uuid.uuid4().hex.encode() * 50
                done.append(attachment_add(obj=obj, by=by, upload=pdf_upload("x.pdf", pdf)).pk)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        yield done
    finally:
        stop.set()
        thread.join()
    assert not failures


def _wait_for(done: list, count: int) -> None:
    event = threading.Event()
    for _ in range(600):
        if len(done) >= count:
            return
        event.wait(0.05)
    raise AssertionError(f"the writer committed only {len(done)} writes")


def test_backup_taken_during_writes_restores_with_no_mismatch(issued, hospital, clerk, tmp_path):
    archive = tmp_path / "backups" / "drill.tar"
    with writing(hospital, clerk) as done:
        _wait_for(done, 3)
        manifest = backup_create(destination=archive)
        _wait_for(done, len(done) + 3)  # writes go on after the snapshot
    assert Attachment.objects.count() > manifest["tables"][Attachment._meta.db_table] >= 3

    restored_media = tmp_path / "restored-media"
    caches["reports"].set("kept", "rows read from the database before")
    with fresh_database(tmp_path) as alias:
        assert backup_restore(archive=archive, using=alias, media_root=restored_media)
        assert caches["reports"].get("kept") is None  # what the caches held is gone
        assert restore_check(manifest=manifest, using=alias, media_root=restored_media) == []

        # One snapshot: each restored attachment has the audit event of its transaction.
        attachments = Attachment.objects.using(alias)
        assert attachments.count() == manifest["tables"][Attachment._meta.db_table]
        events = AuditEvent.objects.using(alias).filter(changes__has_key="attachment")
        assert events.count() == attachments.count()
        # The audit trail is append-only in the restored database too.
        event = AuditEvent.objects.using(alias).first()
        with pytest.raises(DatabaseError):
            AuditEvent.objects.using(alias).filter(pk=event.pk).update(note="rewritten")
        # Every file of every restored row is there, byte for byte.
        for attachment in attachments:
            restored = (restored_media / attachment.file.name).read_bytes()
            assert restored == (Path(settings.MEDIA_ROOT) / attachment.file.name).read_bytes()

        with pytest.raises(BackupError, match="not empty"):
            backup_restore(archive=archive, using=alias, media_root=tmp_path / "other")


def test_restore_refuses_a_damaged_archive(issued, hospital, clerk, tmp_path):
    attachment_add(obj=hospital, by=clerk, upload=pdf_upload())
    archive = tmp_path / "backup.tar"
    backup_create(destination=archive)
    assert backup_verify(archive=archive)

    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data[:-1] + bytes([data[-1] ^ 1])  # one bit of one file
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="checksum differs"):
        backup_verify(archive=damaged)

    truncated = tmp_path / "truncated.tar"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with fresh_database(tmp_path) as alias:
        with pytest.raises(BackupError):
            backup_restore(archive=truncated, using=alias, media_root=tmp_path / "m")
        with connections[alias].cursor() as cursor:  # nothing was restored
            assert not connections[alias].introspection.table_names(cursor)


def test_restore_check_reports_a_missing_trigger_and_file(issued, hospital, clerk, tmp_path):
    attachment_add(obj=hospital, by=clerk, upload=pdf_upload())
    manifest = backup_create(destination=tmp_path / "backup.tar")
    assert restore_check(manifest=manifest) == []
    name = next(iter(manifest["files"]))
    (Path(settings.MEDIA_ROOT) / name).unlink()
    manifest["triggers"].append("audit_auditevent.gone")
    problems = restore_check(manifest=manifest)
    assert f"file {name}: missing" in problems
    assert "trigger audit_auditevent.gone: missing" in problems
