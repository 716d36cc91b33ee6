"""Payables on purchase contracts: supplier invoices, payments to suppliers and their
allocations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.core.money import amount_field
from backoffice.ledger.models.receipts import Receipt


class SupplierInvoice(BaseModel):
    """A supplier's VAT invoice on a purchase contract: what we owe (应付账款)."""

    DELETION = deletion.NEVER

    number = models.CharField(_("voucher number"), max_length=32, unique=True)
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("purchase contract"),
        on_delete=models.PROTECT,
        related_name="supplier_invoices",
    )
    supplier = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="supplier_invoices",
    )
    vat_invoice_number = models.CharField(_("VAT invoice number"), max_length=20)
    issued_on = models.DateField(_("invoice date"), db_index=True)
    due_on = models.DateField(_("due on"), db_index=True)
    gross_amount = amount_field(_("amount (incl. VAT)"))
    net_amount = amount_field(_("net amount"))
    tax_amount = amount_field(_("input VAT"))
    paid_amount = amount_field(_("paid"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "contracts_supplierinvoice"
        verbose_name = _("supplier invoice")
        verbose_name_plural = _("supplier invoices")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "vat_invoice_number"],
                name="contracts_supplier_invoice_once",
                violation_error_message=_("This supplier invoice is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(gross_amount__gt=0), name="contracts_supplier_invoice_positive"
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__lte=models.F("gross_amount")),
                name="contracts_supplier_invoice_not_overpaid",
                violation_error_message=_("More would be paid than the invoice's amount."),
            ),
        ]
        permissions = [("keep_payables", _("Can record supplier invoices and payments"))]

    def __str__(self) -> str:
        return f"{self.number} ({self.vat_invoice_number})"

    @property
    def open_amount(self):
        return self.gross_amount - self.paid_amount


class SupplierPayment(BaseModel):
    DELETION = deletion.NEVER

    Method = Receipt.Method  # the same ways money moves, both directions

    number = models.CharField(_("payment number"), max_length=32, unique=True)
    supplier = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="supplier_payments",
    )
    paid_on = models.DateField(_("paid on"), db_index=True)
    amount = amount_field(_("amount"))
    method = models.CharField(
        _("method of payment"), max_length=8, choices=Method, default=Method.BANK
    )
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "contracts_supplierpayment"
        verbose_name = _("supplier payment")
        verbose_name_plural = _("supplier payments")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contracts_payment_positive")
        ]

    def __str__(self) -> str:
        return self.number


class PaymentAllocation(models.Model):
    DELETION = deletion.NEVER

    payment = models.ForeignKey(
        SupplierPayment, on_delete=models.PROTECT, related_name="allocations"
    )
    invoice = models.ForeignKey(
        SupplierInvoice,
        verbose_name=_("supplier invoice"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = amount_field(_("amount"))

    class Meta:
        db_table = "contracts_paymentallocation"
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contracts_allocation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.payment} → {self.invoice}: {self.amount}"
