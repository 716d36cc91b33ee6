"""Qualification papers (资质证照): the kinds of paper, which customer kinds need which, and
each customer's papers with their validity and scans."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.parties.models.customers import Customer


class QualificationType(BaseModel):
    """A kind of paper (business licence, GSP certificate…); admins add types."""

    DELETION = deletion.ALWAYS

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("qualification type")
        verbose_name_plural = _("qualification types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        english = (get_language() or "en").startswith("en")
        return self.name_en if english and self.name_en else self.name


class QualificationRequirement(models.Model):
    """Customers of `kind` must hold a verified, valid paper of `qualification_type`."""

    DELETION = deletion.ALWAYS

    kind = models.CharField(_("customer kind"), max_length=16, choices=Customer.Kind)
    qualification_type = models.ForeignKey(
        QualificationType,
        verbose_name=_("qualification type"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )

    class Meta:
        verbose_name = _("required qualification")
        verbose_name_plural = _("required qualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "qualification_type"], name="parties_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.qualification_type}"


class Qualification(BaseModel):
    """One paper of a customer (资质/首营资料), verified by double review."""

    DELETION = deletion.InStatus(("pending",))

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_REVIEW = "in_review", _("In review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    TRANSITIONS = {
        Status.PENDING: {Status.IN_REVIEW, Status.EXPIRED},
        Status.IN_REVIEW: {Status.VERIFIED, Status.REJECTED},
        Status.REJECTED: {Status.IN_REVIEW, Status.EXPIRED},
        Status.VERIFIED: {Status.EXPIRED},
    }

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="qualifications",
    )
    qualification_type = models.ForeignKey(
        QualificationType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=100)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), db_index=True)
    scan = models.FileField(_("scan"), upload_to="qualifications/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    last_warning_days = models.SmallIntegerField(
        _("last expiry warning (days)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("qualification paper")
        verbose_name_plural = _("qualification papers")
        ordering = ["customer", "qualification_type", "-valid_to"]
        permissions = [("review_qualification", _("Can review qualification papers"))]

    def __str__(self) -> str:
        # The canonical (Chinese) type name: this text is frozen into audit trails and reviews.
        return f"{self.customer} · {self.qualification_type.name} {self.number}"
