"""Receivables, receipts, payables and the double-entry ledger (DOMAIN §4, S1 §2.3).

The ledger knows documents only by their model label, id and number: sales posts to the
ledger; the ledger never imports sales (STYLE §2).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import BaseModel
from backoffice.core.money import amount_field


class Account(models.Model):
    class Kind(models.TextChoices):
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        REVENUE = "revenue", _("Revenue")
        EXPENSE = "expense", _("Expense")
        EQUITY = "equity", _("Equity")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("chart of accounts")
        ordering = ["code"]
        permissions = [("view_general_ledger", _("Can see the general ledger"))]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JournalEntry(models.Model):
    number = models.CharField(_("voucher number"), max_length=32, unique=True)
    posted_on = models.DateField(_("date"), db_index=True)
    source_model = models.CharField(_("source type"), max_length=64)
    source_id = models.PositiveBigIntegerField(_("source id"))
    source_number = models.CharField(_("source document"), max_length=40, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-posted_on", "-id"]
        indexes = [models.Index(fields=["source_model", "source_id"])]

    def __str__(self) -> str:
        return self.number


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines"
    )
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journal_lines",
    )
    posted_on = models.DateField(_("date"))  # the entry's, repeated for fast statements
    debit = amount_field(_("debit"))
    credit = amount_field(_("credit"))

    class Meta:
        verbose_name = _("journal line")
        verbose_name_plural = _("journal lines")
        indexes = [
            models.Index(fields=["customer", "account", "posted_on"]),
            models.Index(fields=["account", "posted_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(debit__gte=0) & Q(credit=0)) | (Q(credit__gte=0) & Q(debit=0)),
                name="ledger_line_one_side",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.debit or -self.credit}"


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


class Receipt(BaseModel):
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
    method = models.CharField(_("method"), max_length=8, choices=Method, default=Method.BANK)
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
                condition=Q(allocated_amount__lte=models.F("amount")),
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
    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="allocations")
    receivable = models.ForeignKey(
        Receivable,
        verbose_name=_("receivable"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = amount_field(_("amount"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_allocation_positive")
        ]

    def __str__(self) -> str:
        return f"{self.receipt} → {self.receivable}: {self.amount}"


# — Payables (应付): supplier invoices on purchase contracts and the payments that settle them.
# They moved here from `contracts` and keep its tables. The ledger refers to the purchase
# contract by a lazy key and never imports `contracts`; the contract's rules plug in through
# `services.register_payable_source` (STYLE §2).


class SupplierInvoice(BaseModel):
    """A supplier's VAT invoice on a purchase contract: what we owe (应付账款)."""

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
    method = models.CharField(_("method"), max_length=8, choices=Method, default=Method.BANK)
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
    payment = models.ForeignKey(
        SupplierPayment, on_delete=models.CASCADE, related_name="allocations"
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
