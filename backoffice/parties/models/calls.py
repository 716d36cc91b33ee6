"""Calls (回访) with the customer's stock, how often each grade is called, and visits and
receptions (拜访/接待)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel, DocumentPart
from backoffice.core.money import format_number, quantity_field
from backoffice.parties.models.customers import Contact, Customer


class CallCadence(models.Model):
    """How often customers of a grade are to be called (A weekly, B fortnightly, C monthly)."""

    DELETION = deletion.NEVER

    grade = models.CharField(_("grade"), max_length=1, choices=Customer.Grade, unique=True)
    interval_days = models.PositiveSmallIntegerField(_("call every (days)"))

    class Meta:
        verbose_name = _("call cadence")
        verbose_name_plural = _("call cadences")
        ordering = ["grade"]

    def __str__(self) -> str:
        return f"{self.grade}: {self.interval_days}"


class CallRecord(BaseModel):
    """A regular call to a customer (回访): how business goes, their stock, demand."""

    DELETION = deletion.NEVER

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="calls"
    )
    called_at = models.DateTimeField(_("called at"), db_index=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caller"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    business_status = models.TextField(_("business status"), blank=True)
    market_demand = models.TextField(_("market demand"), blank=True)
    competitor_notes = models.TextField(_("competitors"), blank=True)
    next_call_on = models.DateField(_("next call"), null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-called_at", "-id"]
        indexes = [models.Index(fields=["customer", "called_at"])]

    def __str__(self) -> str:
        # The company's day (Asia/Shanghai), not UTC's: 05:22 on 30 Nov is the 30th.
        return f"{self.customer} · {timezone.localdate(self.called_at).isoformat()}"


class CallInventoryLine(DocumentPart):
    """The customer's stock of one of our products, as told on the call."""

    DELETION = deletion.with_parent("call")

    call = models.ForeignKey(
        CallRecord, verbose_name=_("call"), on_delete=models.CASCADE, related_name="inventory"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity_field(_("quantity"))

    class Meta:
        verbose_name = _("stock line")
        verbose_name_plural = _("customer stock")

    def __str__(self) -> str:
        return f"{self.product} × {format_number(self.quantity, 'quantity')}"


class Visit(BaseModel):
    DELETION = deletion.NEVER

    class Kind(models.TextChoices):
        VISIT = "visit", _("We visited the customer")
        RECEPTION = "reception", _("The customer visited us")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="visits"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.VISIT)
    visited_on = models.DateField(_("date"), db_index=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.customer} · {self.visited_on}"
