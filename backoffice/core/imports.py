"""What every import run shares (issue 15 §8, §16, §22): its record (ImportRun: status, the
file's sha256 and size, counts, problems, a heartbeat), the limits per user (one at a time,
so many a day), the same file imported before, and the runs whose worker is gone.

The heartbeat has two channels. `heartbeat_at` is stamped in the database when a run starts;
while it runs, an import that writes everything in one transaction cannot commit a stamp,
so each beat also goes to the cache, which the web server and the task worker share
(settings.CACHES). A run is taken for dead when neither channel has beaten for
IMPORT_HEARTBEAT_TIMEOUT seconds: the page that looks at it, and the daily job, mark it
failed, and it can be retried from its page (import_retry: each kind of import keeps its
files until it succeeds, and queues the retried run for its task).

The files an import keeps (for its worker, for a retry, between a preview and its
confirmation) go through Django's storage API (STORAGES["default"]): every app server and
worker reads them there, whether it is a shared folder or an S3-compatible store
(docs/deployment.md). `import_file_*` below are the only way in and out."""

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core import deletion
from backoffice.core.access import Actor
from backoffice.core.exceptions import ApplicationError, InvalidTransition, ValidationFailed
from backoffice.core.models import BaseModel

CHUNK = 1 << 20


class ImportRun(BaseModel):
    """One run of an import over one upload."""

    # The record of what an import did, kept as the books are (core/deletion.py).
    DELETION = deletion.NEVER

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Queued")
        RUNNING = "running", gettext_lazy("Running")
        SUCCEEDED = "succeeded", gettext_lazy("Imported")
        FAILED = "failed", gettext_lazy("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        gettext_lazy("status"), max_length=16, choices=Status, default=Status.QUEUED
    )
    sha256 = models.CharField(gettext_lazy("file's SHA-256"), max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(gettext_lazy("size (bytes)"), default=0)
    counts = models.JSONField(gettext_lazy("counts"), default=dict, blank=True)
    errors = models.JSONField(gettext_lazy("errors"), default=list, blank=True)
    started_at = models.DateTimeField(gettext_lazy("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(gettext_lazy("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(gettext_lazy("finished at"), null=True, blank=True)

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    DONE = (Status.SUCCEEDED, Status.FAILED)

    class Meta:
        abstract = True

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE


class ImportBusy(ApplicationError):
    status = 409
    code = "import_running"


class ImportQuotaExceeded(ApplicationError):
    status = 429
    code = "import_quota_exceeded"


class AlreadyImported(ApplicationError):
    status = 409
    code = "already_imported"


def digest(chunks: Iterable[bytes]) -> tuple[str, int]:
    """The sha256 (hex) and size of a file read in chunks."""
    sha, size = hashlib.sha256(), 0
    for chunk in chunks:
        sha.update(chunk)
        size += len(chunk)
    return sha.hexdigest(), size


def file_digest(handle: IO[bytes]) -> tuple[str, int]:
    handle.seek(0)
    try:
        return digest(iter(lambda: handle.read(CHUNK), b""))
    finally:
        handle.seek(0)


def files_digest(parts: dict[str, str]) -> str:
    """One sha256 for several files, from each one's (name → sha256)."""
    lines = "".join(f"{name}:{sha}\n" for name, sha in sorted(parts.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def import_quota_check(model: type[ImportRun], *, by: Actor, size_bytes: int = 0) -> None:
    """One import of a kind at a time per user, and at most IMPORT_DAILY_LIMIT imports and
    IMPORT_DAILY_BYTES a day (the company's day)."""
    if not getattr(by, "is_authenticated", False):
        return  # the command line: the operator's machine
    imports_fail_stale(model)
    mine = model.objects.filter(created_by=by)
    if mine.filter(status__in=model.ACTIVE).exists():
        raise ImportBusy(
            _("Your previous import is still running: wait for it to finish, then try again.")
        )
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    today = mine.filter(created_at__gte=start)
    used = today.aggregate(n=models.Count("pk"), size=Sum("size_bytes"))
    if used["n"] >= settings.IMPORT_DAILY_LIMIT or (used["size"] or 0) + size_bytes > (
        settings.IMPORT_DAILY_BYTES
    ):
        raise ImportQuotaExceeded(
            _(
                "You have reached today's limit of %(count)d imports or %(size)d MB: "
                "try again tomorrow, or ask an administrator."
            )
            % {"count": settings.IMPORT_DAILY_LIMIT, "size": settings.IMPORT_DAILY_BYTES // 2**20}
        )


def import_previous[R: ImportRun](
    model: type[R], *, sha256: str, other_than: int | None = None
) -> R | None:
    """The last successful import of the same file, if any (`other_than` this one)."""
    if not sha256:
        return None
    return (
        model.objects.filter(sha256=sha256, status=ImportRun.Status.SUCCEEDED)
        .exclude(pk=other_than)
        .order_by("-finished_at", "-pk")
        .first()
    )


def already_imported_check(model: type[ImportRun], *, sha256: str, again: bool) -> None:
    """The same file twice is refused unless asked for (`again`), saying when it was."""
    previous = import_previous(model, sha256=sha256)
    if previous is None or again:
        return
    when = timezone.localtime(previous.finished_at or previous.created_at)
    raise AlreadyImported(
        _(
            "This file was already imported on %(when)s (%(import)s). "
            "Import it again only if you mean to."
        )
        % {"when": date_format(when, "DATETIME_FORMAT"), "import": previous},
        extra={"import": previous.pk, "imported_at": when.isoformat()},
    )


def import_retry[R: ImportRun](
    record: R, *, by: Actor, has_files: Callable[[R], bool], clear: Iterable[str] = ()
) -> R:
    """A failed run (its files had errors, or its worker was stopped) made queued again over
    the files it kept: its result forgotten (with the model's own result fields, `clear`),
    audited. Within the day's limits, and refused when the same files succeeded since. The
    caller queues the run for its task when the transaction commits."""
    model = type(record)
    with transaction.atomic():
        record = model.objects.select_for_update().get(pk=record.pk)
        if record.status != ImportRun.Status.FAILED:
            raise InvalidTransition(_("Only a failed import can be retried."))
        if not has_files(record):
            raise ValidationFailed(_("The files of this import are gone: upload them again."))
        import_quota_check(model, by=by)
        already_imported_check(model, sha256=record.sha256, again=False)
        before = {"status": record.status, "errors": len(record.errors)}
        record.status = ImportRun.Status.QUEUED
        record.started_at = record.heartbeat_at = record.finished_at = None
        cleared = ["errors", "counts", *clear]
        for name in cleared:
            setattr(record, name, model._meta.get_field(name).get_default())
        record.save(update_fields=["status", "started_at", "heartbeat_at", "finished_at", *cleared])
        audit_record(
            by=by,
            action=AuditEvent.Action.ACTION,
            obj=record,
            changes={"retry": [before, {"status": record.status}]},
        )
    return record


def _beat_key(record: ImportRun) -> str:
    return f"import-heartbeat:{record._meta.label_lower}:{record.pk}"


def import_started(record: ImportRun) -> None:
    """The run begins: running, with its first heartbeat (committed at once)."""
    now = timezone.now()
    type(record).objects.filter(pk=record.pk).update(
        status=ImportRun.Status.RUNNING, started_at=now, heartbeat_at=now, updated_at=now
    )
    record.status, record.started_at, record.heartbeat_at = ImportRun.Status.RUNNING, now, now
    import_heartbeat(record)


def import_heartbeat(record: ImportRun) -> None:
    """A sign of life from a running import (cheap: call it on each step or batch)."""
    timeout = settings.IMPORT_HEARTBEAT_TIMEOUT
    cache.set(_beat_key(record), timezone.now().isoformat(), timeout * 4)


def last_heartbeat(record: ImportRun) -> Any:
    beats = [record.heartbeat_at, record.started_at]
    cached = cache.get(_beat_key(record))
    if cached:
        beats.append(parse_datetime(cached))
    return max((b for b in beats if b is not None), default=None)


def imports_fail_stale(model: type[ImportRun]) -> int:
    """Mark failed each running import whose heartbeat is older than the limit: its worker
    is gone (killed, restarted), and what it wrote went with its transaction. Returns how
    many. Called when a page looks at imports, and daily."""
    limit = timezone.now() - timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT)
    failed = 0
    for record in model.objects.filter(status=ImportRun.Status.RUNNING, started_at__lt=limit):
        beat = last_heartbeat(record)
        if beat is not None and beat >= limit:
            continue
        failed += model.objects.filter(pk=record.pk, status=ImportRun.Status.RUNNING).update(
            status=ImportRun.Status.FAILED,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
            errors=[*record.errors, stale_problem()],
        )
    return failed


def import_failure(record: ImportRun) -> dict[str, Any]:
    """A failed run's problems as people read them: `rows`, the problems of its files
    (correct them and upload again: the same files fail the same way), and `message`, what
    stopped the run itself when its files showed none (its worker was stopped). `can_retry`:
    only then does running the same files again help."""
    rows = [p for p in record.errors if not p.get("stale")]
    stopped = [str(p.get("message", "")) for p in record.errors if p.get("stale")]
    message = stopped[-1] if stopped else ""
    if not rows and not message:
        message = str(
            _("The import stopped without reporting why. Nothing was imported: retry it.")
        )
    failed = record.status == ImportRun.Status.FAILED
    return {"rows": rows, "message": message, "can_retry": failed and not rows}


def stale_problem() -> dict[str, Any]:
    """The problem a dead run reports, in the shape of the history import's problems."""
    return {
        "file": "",
        "line": 0,
        "column": "",
        "message": str(
            _(
                "The import stopped without finishing (its worker was stopped). Nothing "
                "was imported: retry it."
            )
        ),
        "stale": True,
    }


def import_file_keep(name: str, content: bytes | File) -> str:
    """Keeps a file under `name` (replacing one kept there before) in the shared storage."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(
        name, ContentFile(content) if isinstance(content, bytes) else content
    )


def import_file_read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def import_file_exists(name: str) -> bool:
    return default_storage.exists(name)


def import_file_drop(name: str) -> None:
    """Forgets a kept file (one already gone is no error)."""
    default_storage.delete(name)


def import_files_in(folder: str) -> list[str]:
    """The names of the files kept in `folder`."""
    try:
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(files)


def import_folder_drop(folder: str) -> None:
    for name in import_files_in(folder):
        default_storage.delete(f"{folder}/{name}")


@contextmanager
def import_files_local(folder: str) -> Iterator[Path]:
    """The files kept in `folder`, copied into a local directory for as long as the block
    runs (an import reads its files more than once, and by path: COPY, openpyxl)."""
    directory = Path(tempfile.mkdtemp(prefix="backoffice-import-"))
    try:
        for name in import_files_in(folder):
            with (
                default_storage.open(f"{folder}/{name}", "rb") as source,
                (directory / name).open("wb") as target,
            ):
                shutil.copyfileobj(source, target, 1 << 20)
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


PREVIEWS = "imports/previews"


def import_previews_expire() -> dict[str, int]:
    """The daily job: a file kept for a preview nobody confirmed within a day is dropped."""
    before = timezone.now() - timedelta(days=1)
    dropped = 0
    for name in import_files_in(PREVIEWS):
        try:
            old = default_storage.get_modified_time(f"{PREVIEWS}/{name}") < before
        except FileNotFoundError:  # confirmed (and dropped) since the listing
            continue
        if old:
            default_storage.delete(f"{PREVIEWS}/{name}")
            dropped += 1
    return {"dropped": dropped}
