"""Receipts of money from customers and their allocations to receivables."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.core.money import amount_field
from backoffice.ledger.models.receivables import Receivable


class Receipt(BaseModel):
    DELETION = deletion.NEVER

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        BILL = "bill", _("Acceptance bill")
        CASH = "cash", _("Cash")

    number = models.CharField(_("receipt number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="receipts",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"), db_index=True)
    amount = amount_field(_("amount"))
    method = models.CharField(
        _("method of receipt"), max_length=8, choices=Method, default=Method.BANK
    )
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    allocated_amount = amount_field(_("allocated"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_receipt_positive"),
            models.CheckConstraint(
                condition=Q(allocated_amount__gte=0, allocated_amount__lte=models.F("amount")),
                name="ledger_receipt_not_over_allocated",
            ),
        ]
        indexes = [models.Index(fields=["region", "owner"])]
        permissions = [
            ("view_all_receipts", _("Can see every receipt")),
            ("view_region_receipts", _("Can see the receipts of own regions")),
        ]

    def __str__(self) -> str:
        return self.number


class ReceiptAllocation(models.Model):
    DELETION = deletion.NEVER

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="allocations")
    receivable = models.ForeignKey(
        Receivable,
        verbose_name=_("receivable"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = amount_field(_("amount"))
    # The day the share was allocated: the receipt's day, a later day when the customer's
    # credit is applied afterwards, or the red letter's day when a share is released back to
    # the receipt (a negative row) because the invoice was reversed after it was paid.
    allocated_on = models.DateField(_("allocated on"), db_index=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_allocation_not_zero")
        ]

    def __str__(self) -> str:
        return f"{self.receipt} → {self.receivable}: {self.amount}"
