"""A historical import (DOMAIN §12, issue #6): one run of `import_history` over a set of
files — who started it, how it ended, what it counted, and every bad row it found. The
orders it wrote point back to it, which is what makes a second run of the same files add
nothing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import BaseModel


class HistoryImport(BaseModel):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Imported")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.QUEUED)
    source = models.CharField(_("source"), max_length=300, blank=True)
    files = models.JSONField(_("files"), default=list, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("history import")
        verbose_name_plural = _("history imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("Import #%(id)s") % {"id": self.pk}
