"""The upload page's way: the files kept under var/imports/history/<id>/, the import run by
the task worker, its progress through the cache, and its counts named for people."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.tabular import FORMATS
from backoffice.sales.history.context import FILES
from backoffice.sales.history.files import sources_in
from backoffice.sales.history.run import history_import_run
from backoffice.sales.models import HistoryImport


def upload_directory(record: HistoryImport) -> Path:
    return Path(settings.VAR_DIR) / "imports" / "history" / str(record.pk)


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
    live = cache.get(progress_key(record.pk)) or {}
    done = record.status in (HistoryImport.Status.SUCCEEDED, HistoryImport.Status.FAILED)
    return {
        "status": record.status,
        "status_display": record.get_status_display(),
        "fraction": 1.0 if done else live.get("fraction", 0.0),
        "step": str(STEPS.get(live.get("label", ""), "")) if not done else "",
        "counts": record.counts,
        "problems": len(record.errors),
    }


@permission_required("sales.add_historyimport")
def history_upload(*, files: list[Any], by: Actor) -> HistoryImport:
    """Keep the uploaded files (named as the import expects) and queue the import."""
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
    with transaction.atomic():
        record = HistoryImport.objects.create(
            created_by=by, files=sorted(names), source=_("Upload")
        )
        directory = upload_directory(record)
        directory.mkdir(parents=True, exist_ok=True)
        for name, upload in names.items():
            with (directory / name).open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
        audit_record(
            by=by, action=AuditEvent.Action.CREATE, obj=record, changes={"files": sorted(names)}
        )
        # The task writes its problems in the language of the person who uploaded.
        language = translation.get_language() or settings.LANGUAGE_CODE
        transaction.on_commit(lambda: history_import_task.enqueue(record.pk, language=language))
    return record


@task()
def history_import_task(record_id: int, language: str = "") -> str:
    with translation.override(language or settings.LANGUAGE_CODE):
        return _history_import(record_id)


def _history_import(record_id: int) -> str:
    record = HistoryImport.objects.select_related("created_by").get(pk=record_id)

    def progress(fraction: float, label: str) -> None:
        cache.set(progress_key(record_id), {"fraction": fraction, "label": label}, 86400)

    record = history_import_run(
        sources=sources_in(upload_directory(record)),
        by=record.created_by,
        record=record,
        progress=progress,
    )
    return record.status
