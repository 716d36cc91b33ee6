"""The report pack for managers (issue #6): each period's reports as a PDF and an Excel
workbook, archived, emailed on schedule to the people chosen, and — from a month up —
signed off by a manager."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel


class PackKind(models.TextChoices):
    DAILY = "daily", _("Daily")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    ANNUAL = "annual", _("Annual")


class PackSchedule(BaseModel):
    """Who receives a kind of pack. One per kind; a pack nobody receives is still archived."""

    DELETION = deletion.ALWAYS

    kind = models.CharField(_("pack"), max_length=16, choices=PackKind, unique=True)
    is_active = models.BooleanField(_("send by email"), default=True)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("recipients"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report pack schedule")
        verbose_name_plural = _("report pack schedules")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class ReportPack(BaseModel):
    DELETION = deletion.NEVER

    kind = models.CharField(_("pack"), max_length=16, choices=PackKind)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    label = models.CharField(_("period"), max_length=16)
    pdf = models.FileField(_("PDF"), upload_to="reports/packs/", max_length=200)
    xlsx = models.FileField(_("Excel"), upload_to="reports/packs/", max_length=200)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    emailed_to = models.JSONField(_("emailed to"), default=list, blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed off by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sign_off_note = models.TextField(_("sign-off note"), blank=True)

    class Meta:
        verbose_name = _("report pack")
        verbose_name_plural = _("report packs")
        ordering = ["-period_start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "period_start"], name="report_pack_period")
        ]
        permissions = [("sign_off_reportpack", _("Can sign off report packs"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label}"
