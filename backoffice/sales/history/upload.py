"""The upload page's way: the files kept under imports/history/<id>/ in the shared storage
(core.imports), the import run by the task worker, its progress through the cache, and its
counts named for people."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import transaction
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.imports import (
    already_imported_check,
    digest,
    files_digest,
    import_file_keep,
    import_files_in,
    import_files_local,
    import_folder_drop,
    import_quota_check,
    import_retry,
    imports_fail_stale,
)
from backoffice.core.tabular import FORMATS
from backoffice.sales.history.context import FILES
from backoffice.sales.history.files import sources_in
from backoffice.sales.history.run import history_import_run
from backoffice.sales.models import HistoryImport


def upload_directory(record: HistoryImport) -> str:
    """Where an upload's files wait for the worker, in the shared storage (core.imports),
    until the import succeeds."""
    return f"imports/history/{record.pk}"


STEPS = {
    "regions": gettext_lazy("Regions and reps"),
    "customers": gettext_lazy("Customers and products"),
    "orders": gettext_lazy("Orders"),
    "order_lines": gettext_lazy("Order lines"),
    "checks": gettext_lazy("Checking every row"),
    "facts": gettext_lazy("Sales statistics"),
    "done": gettext_lazy("Finishing"),
}


COUNT_LABELS = {
    "regions": gettext_lazy("Regions"),
    "reps": gettext_lazy("Reps"),
    "products": gettext_lazy("Products"),
    "customers": gettext_lazy("Customers"),
    "orders": gettext_lazy("Orders"),
    "orders_skipped": gettext_lazy("Orders already imported (left alone)"),
    "order_lines": gettext_lazy("Order lines"),
    "opening_balances": gettext_lazy("Opening balances"),
}


def count_rows(record: HistoryImport) -> list[tuple[str, int]]:
    """The counts of a finished import, named for people."""
    return [(str(COUNT_LABELS.get(name, name)), count) for name, count in record.counts.items()]


def progress_key(record_id: int) -> str:
    return f"history-import:{record_id}"


def history_progress(record: HistoryImport) -> dict[str, Any]:
    """What the progress bar shows: status, fraction done, the step, and at the end the
    counts or the problems."""
    if record.status == HistoryImport.Status.RUNNING and imports_fail_stale(HistoryImport):
        record.refresh_from_db()  # its worker was gone: failed now, and retried from the page
    live = cache.get(progress_key(record.pk)) or {}
    done = record.is_done
    return {
        "status": record.status,
        "status_display": record.get_status_display(),
        "fraction": 1.0 if done else live.get("fraction", 0.0),
        "step": str(STEPS.get(live.get("label", ""), "")) if not done else "",
        "counts": record.counts,
        "problems": len(record.errors),
        "sha256": record.sha256,
    }


def stale_history_imports_fail() -> dict[str, int]:
    """The daily job: imports whose worker is gone are marked failed (core.imports)."""
    return {"failed": imports_fail_stale(HistoryImport)}


@permission_required("sales.add_historyimport")
def history_upload(*, files: list[Any], by: Actor, again: bool = False) -> HistoryImport:
    """Keep the uploaded files (named as the import expects) and queue the import. One
    import at a time per user, within the day's limits; the same files as an import that
    succeeded are refused unless `again` (issue 15 §8, §22)."""
    names = {}
    for upload in files:
        path = Path(upload.name)
        if path.stem.lower() not in FILES or path.suffix.lower() not in FORMATS:
            raise ValidationFailed(
                _("“%(name)s” is not an import file: name them %(names)s (.csv or .xlsx).")
                % {"name": upload.name, "names": ", ".join(FILES)}
            )
        if any(Path(name).stem == path.stem.lower() for name in names):
            raise ValidationFailed(
                _("“%(name)s” is there twice (as .csv and .xlsx?): choose one.")
                % {"name": path.stem.lower()}
            )
        names[path.stem.lower() + path.suffix.lower()] = upload
    if not names:
        raise ValidationFailed(_("Choose the files to import."))
    hashes, size = {}, 0
    for name, upload in names.items():
        hashes[name], part = digest(upload.chunks())
        size += part
    sha256 = files_digest(hashes)
    import_quota_check(HistoryImport, by=by, size_bytes=size)
    already_imported_check(HistoryImport, sha256=sha256, again=again)
    with transaction.atomic():
        record = HistoryImport.objects.create(
            created_by=by, files=sorted(names), source=_("Upload"), sha256=sha256, size_bytes=size
        )
        folder = upload_directory(record)
        for name, upload in names.items():
            upload.seek(0)  # read once for its digest
            import_file_keep(f"{folder}/{name}", File(upload, name=name))
        audit_record(
            by=by,
            action=AuditEvent.Action.CREATE,
            obj=record,
            changes={"files": sorted(names), "sha256": sha256, "size_bytes": size},
        )
        _enqueue(record)
    return record


def _enqueue(record: HistoryImport) -> None:
    # The task writes its problems in the language of the person who uploaded.
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: history_import_task.enqueue(record.pk, language=language))


def _has_files(record: HistoryImport) -> bool:
    return bool(import_files_in(upload_directory(record)))


@permission_required("sales.add_historyimport")
def history_import_retry(*, history_import: HistoryImport, by: Actor) -> HistoryImport:
    """A failed import queued again over the files it kept (issue 15 §16: a run whose worker
    was stopped is marked failed, and retried from its page)."""
    with transaction.atomic():
        record = import_retry(history_import, by=by, has_files=_has_files)
        cache.delete(progress_key(record.pk))
        _enqueue(record)
    return record


@task()
def history_import_task(record_id: int, language: str = "") -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return _history_import(record_id)


def _history_import(record_id: int) -> str:
    record = HistoryImport.objects.select_related("created_by").get(pk=record_id)

    def progress(fraction: float, label: str) -> None:
        cache.set(progress_key(record_id), {"fraction": fraction, "label": label}, 86400)

    with import_files_local(upload_directory(record)) as directory:
        record = history_import_run(
            sources=sources_in(directory),
            by=record.created_by,
            record=record,
            progress=progress,
        )
    if record.status == HistoryImport.Status.SUCCEEDED:
        import_folder_drop(upload_directory(record))
    return record.status
