"""A change of a customer's credit terms (credit limit, status) waiting for one reviewer
(issue 15 §3): separation of duties, so that nobody raises a limit or lifts a block alone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.core.money import amount_field, format_number
from backoffice.parties.models.customers import Customer


class CustomerTermsChange(BaseModel):
    DELETION = deletion.NEVER  # a reviewed request: refused or applied, never removed

    class State(models.TextChoices):
        IN_REVIEW = "in_review", _("In review")
        APPLIED = "applied", _("Applied")
        REFUSED = "refused", _("Refused")

    TRANSITIONS = {State.IN_REVIEW: {State.APPLIED, State.REFUSED}}

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="terms_changes",
    )
    # What is proposed; None / "" leaves the field as it is.
    credit_limit = amount_field(_("new credit limit"), null=True, blank=True, default=None)
    customer_status = models.CharField(
        _("new status"), max_length=16, choices=Customer.Status, blank=True
    )
    # What the customer had when the change was asked, for the reviewer to compare.
    credit_limit_before = amount_field(_("credit limit before"))
    customer_status_before = models.CharField(
        _("status before"), max_length=16, choices=Customer.Status
    )
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("state"), max_length=16, choices=State, default=State.IN_REVIEW, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("customer terms change")
        verbose_name_plural = _("customer terms changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("Terms of %(customer)s: %(change)s") % {
            "customer": self.customer,
            "change": self.summary,
        }

    @property
    def summary(self) -> str:
        parts = []
        if self.credit_limit is not None:
            parts.append(
                _("credit limit %(before)s → %(after)s")
                % {
                    "before": format_number(self.credit_limit_before),
                    "after": format_number(self.credit_limit),
                }
            )
        if self.customer_status:
            parts.append(
                _("status %(before)s → %(after)s")
                % {
                    "before": Customer.Status(self.customer_status_before).label,
                    "after": Customer.Status(self.customer_status).label,
                }
            )
        return "; ".join(str(part) for part in parts)
