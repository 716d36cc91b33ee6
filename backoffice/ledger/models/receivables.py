"""Receivables: what a customer owes for one source document (an issued invoice, an
opening balance), with what has been allocated to it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.core.money import HALF_CENT, amount_field

# Open: still more than half a cent to receive. Amounts have two places, so this is exact
# on PostgreSQL and immune to SQLite's floating-point sums. Every read of what is open uses
# it (ledger.selectors.OPEN), and the partial index below holds just these rows.
OPEN = Q(amount__gte=models.F("allocated_amount") + models.F("credited_amount") + HALF_CENT)


class Receivable(BaseModel):
    """What a customer owes for one issued invoice (or, negative, a red letter)."""

    DELETION = deletion.NEVER

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
    # A red letter nets against the invoice it reverses: the invoice's `credited_amount` is
    # what red letters took off it, and the red letter's own row is closed by netting in
    # full (its `credited_amount` equals its negative amount), so it is never open.
    credited_amount = amount_field(_("reversed"))
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
    )

    class Meta:
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_model", "source_id"], name="ledger_receivable_per_source"
            ),
            models.CheckConstraint(
                condition=Q(amount__lt=0)
                | Q(
                    allocated_amount__gte=0,
                    credited_amount__gte=0,
                    # half a cent of room: SQLite checks in floating point
                    allocated_amount__lte=models.F("amount")
                    - models.F("credited_amount")
                    + HALF_CENT,
                ),
                name="ledger_receivable_not_over_allocated",
                violation_error_message=_(
                    "More would be received or reversed than the invoice's amount."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                | Q(credited_amount=models.F("amount"), allocated_amount=0),
                name="ledger_receivable_red_letter_netted",
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "due_on"]),
            # what aging reads: only receivables not yet settled (received or reversed)
            models.Index(
                fields=["customer", "issued_on"],
                condition=OPEN,
                name="ledger_receivable_still_open",
            ),
        ]

    def __str__(self) -> str:
        return self.document_number

    @property
    def open_amount(self):
        """What is still to be received: the amount less what was received and what red
        letters reversed (0 for a red letter, netted against its invoice)."""
        return self.amount - self.allocated_amount - self.credited_amount
