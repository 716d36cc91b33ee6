"""A customer import's record (issue 15 §22): the file (name, sha256, size), how it ended,
its counts (created, updated, unchanged) and each difference it found with a customer
already there, applied or refused."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core.imports import ImportRun


class CustomerImport(ImportRun):
    filename = models.CharField(_("file"), max_length=255, blank=True)
    # [{"row", "code", "field", "label", "old", "new", "applied"}]
    differences = models.JSONField(_("differences"), default=list, blank=True)

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("Customer import #%(id)s") % {"id": self.pk}
