"""Receivables: what a customer owes for one source document (an issued invoice, an
opening balance), with what has been allocated to it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import BaseModel
from backoffice.core.money import amount_field


class Receivable(BaseModel):
    """What a customer owes for one issued invoice (or, negative, a red letter)."""

    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="receivables",
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
    source_model = models.CharField(_("source type"), max_length=64)
    source_id = models.PositiveBigIntegerField(_("source id"))
    document_number = models.CharField(_("document"), max_length=40)
    issued_on = models.DateField(_("issued on"), db_index=True)
    due_on = models.DateField(_("due on"), db_index=True)
    amount = amount_field(_("amount"))
    allocated_amount = amount_field(_("received"))

    class Meta:
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_model", "source_id"], name="ledger_receivable_per_source"
            ),
            models.CheckConstraint(
                condition=Q(amount__lt=0) | Q(allocated_amount__lte=models.F("amount")),
                name="ledger_receivable_not_over_allocated",
                violation_error_message=_("More would be received than the invoice's amount."),
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "due_on"]),
            # what aging reads: only receivables not yet fully received
            models.Index(
                fields=["customer", "issued_on"],
                condition=~Q(allocated_amount=models.F("amount")),
                name="ledger_receivable_open",
            ),
        ]

    def __str__(self) -> str:
        return self.document_number

    @property
    def open_amount(self):
        return self.amount - self.allocated_amount
