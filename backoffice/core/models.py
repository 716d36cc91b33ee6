from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every business record knows when it was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class DocumentCounter(models.Model):
    """The last number given to a document kind in a year (see numbering.py)."""

    kind = models.CharField(_("document kind"), max_length=16)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="core_counter_kind_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}-{self.year}: {self.last_number}"
