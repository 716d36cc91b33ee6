"""Invoices (开票, DOMAIN §4): a request checked line by line against the order and its
deliveries, audited by two people, then issued with the VAT invoice's number from the tax
system. A red-letter invoice (红字发票) reverses an issued one, in full or in part."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel, DocumentPart
from backoffice.core.money import (
    amount_field,
    format_number,
    price_field,
    quantity_field,
    rate_field,
)
from backoffice.sales.models.orders import SalesOrder, SalesOrderLine


class Invoice(BaseModel):
    DELETION = deletion.DRAFT

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In audit")
        APPROVED = "approved", _("Audited, to issue")
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        NORMAL = "normal", _("Invoice")
        RED = "red", _("Red-letter invoice")

    class InvoiceType(models.TextChoices):
        SPECIAL_VAT = "special_vat", _("Special VAT invoice")
        ORDINARY = "ordinary", _("Ordinary VAT invoice")
        DIGITAL = "digital", _("Fully-digital e-invoice")

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW, Status.CANCELLED},
        Status.IN_REVIEW: {Status.APPROVED, Status.DRAFT},
        Status.APPROVED: {Status.ISSUED, Status.CANCELLED},
    }
    OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED)

    number = models.CharField(_("request number"), max_length=32, blank=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind, default=Kind.NORMAL)
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
    )
    order = models.ForeignKey(
        SalesOrder,
        verbose_name=_("sales order"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="invoices",
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
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    invoice_type = models.CharField(_("invoice type"), max_length=16, choices=InvoiceType)
    reason = models.TextField(
        _("reason for differences"),
        blank=True,
        help_text=_("why prices or quantities differ from the order and its deliveries"),
    )
    has_differences = models.BooleanField(_("differs from the order"), default=False)
    gross_amount = amount_field(_("amount (incl. VAT)"))
    net_amount = amount_field(_("net amount"))
    tax_amount = amount_field(_("VAT"))
    vat_invoice_number = models.CharField(_("VAT invoice number"), max_length=20, blank=True)
    # A paper invoice is identified by its code (发票代码, 10 or 12 digits) and its 8-digit
    # number; a fully-digital e-invoice (数电票) by its 20-digit number alone.
    vat_invoice_code = models.CharField(_("VAT invoice code"), max_length=12, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("audited at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("audited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="sales_invoice_number_unique"
            ),
            models.UniqueConstraint(
                fields=["vat_invoice_code", "vat_invoice_number"],
                condition=~Q(vat_invoice_number=""),
                name="sales_vat_invoice_number_unique",
                violation_error_message=_("This VAT invoice number is already recorded."),
            ),
        ]
        indexes = [
            models.Index(fields=["region", "owner"]),
            models.Index(fields=["customer", "status"]),
        ]
        permissions = [
            ("review_invoice", _("Can audit invoice requests")),
            ("issue_invoice", _("Can record issued VAT invoices and red letters")),
        ]

    PAPER_TYPES = (InvoiceType.SPECIAL_VAT, InvoiceType.ORDINARY)

    @property
    def is_paper(self) -> bool:
        return self.invoice_type in self.PAPER_TYPES

    @property
    def vat_invoice_reference(self) -> str:
        """How the VAT invoice is cited: "code number" on paper, the number alone otherwise."""
        return " ".join(part for part in (self.vat_invoice_code, self.vat_invoice_number) if part)

    def __str__(self) -> str:
        if self.vat_invoice_number:
            return f"{self.get_kind_display()} {self.vat_invoice_reference}"
        return self.number or _("Draft invoice request #%(id)s, %(customer)s") % {
            "id": self.pk,
            "customer": self.customer.name,
        }


class InvoiceLine(DocumentPart):
    DELETION = deletion.with_parent("invoice")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        SalesOrderLine,
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="invoice_lines",
    )
    quantity = quantity_field(_("quantity"))  # negative on a red-letter invoice
    unit_price = price_field(_("unit price (incl. VAT)"))
    vat_rate = rate_field(_("VAT rate"))
    gross_amount = amount_field(_("amount (incl. VAT)"))
    net_amount = amount_field(_("net amount"))
    tax_amount = amount_field(_("VAT"))
    price_differs = models.BooleanField(_("price differs"), default=False)
    quantity_exceeds = models.BooleanField(_("beyond delivered"), default=False)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "order_line"], name="sales_invoice_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_line.product} × {format_number(self.quantity, 'quantity')}"
