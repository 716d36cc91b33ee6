"""Contracts (合同, DOMAIN §3): drafted from a template, reviewed through the reviews engine,
signed with the scan attached, then carried out by orders (sales) or supplier invoices
(purchase; the ledger keeps them). The contract ledger (台账) is the list of them; performance
is computed from the documents that carry each line out."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backoffice.core import deletion
from backoffice.core.models import BaseModel, DocumentPart
from backoffice.core.money import amount_field, price_field, quantity_field


class ContractKind(models.TextChoices):
    SALES = "sales", _("Sales contract")
    PURCHASE = "purchase", _("Purchase contract")
    DISTRIBUTION = "distribution", _("Distribution agreement")
    FRAMEWORK = "framework", _("Framework agreement")


# Contracts that orders may carry out (a purchase contract is carried out by supplier invoices).
SELLING_KINDS = (ContractKind.SALES, ContractKind.DISTRIBUTION, ContractKind.FRAMEWORK)


class ContractTemplate(BaseModel):
    """A contract text with placeholders such as {number}, {counterparty} or {amount_words};
    `placeholders()` in services lists them all."""

    DELETION = deletion.ALWAYS

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ContractKind)
    body = models.TextField(_("text"))
    payment_terms = models.TextField(_("payment terms"), blank=True)
    delivery_terms = models.TextField(_("delivery terms"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contract template")
        verbose_name_plural = _("contract templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contract(BaseModel):
    DELETION = deletion.DRAFT

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved, to sign")
        SIGNED = "signed", _("Signed, not yet in force")
        ACTIVE = "active", _("In force")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    Kind = ContractKind

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW, Status.CANCELLED},
        Status.IN_REVIEW: {Status.APPROVED, Status.DRAFT},
        Status.APPROVED: {Status.SIGNED, Status.ACTIVE, Status.DRAFT, Status.CANCELLED},
        Status.SIGNED: {Status.ACTIVE, Status.TERMINATED, Status.EXPIRED},
        Status.ACTIVE: {Status.COMPLETED, Status.TERMINATED, Status.EXPIRED},
    }
    IN_FORCE = (Status.SIGNED, Status.ACTIVE)

    number = models.CharField(_("contract number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ContractKind)
    title = models.CharField(_("title"), max_length=200)
    counterparty = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("counterparty"),
        on_delete=models.PROTECT,
        related_name="contracts",
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
    template = models.ForeignKey(
        ContractTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"), db_index=True)
    signed_on = models.DateField(
        pgettext_lazy("contract", "signed on"), null=True, blank=True, db_index=True
    )
    amount = amount_field(_("contract amount (incl. VAT)"))
    payment_terms = models.TextField(_("payment terms"), blank=True)
    delivery_terms = models.TextField(_("delivery terms"), blank=True)
    body = models.TextField(_("contract text"), blank=True)
    note = models.TextField(_("note"), blank=True)
    ended_reason = models.TextField(_("reason for termination"), blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signing recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="contract_period_ordered",
                violation_error_message=_("The contract must end on or after its start."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="contract_amount_not_negative",
                violation_error_message=_("The contract amount cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["counterparty", "status"]),
            models.Index(fields=["region", "owner"]),
            models.Index(fields=["status", "ends_on"]),
        ]
        permissions = [
            ("view_all_contracts", _("Can see every contract")),
            ("view_region_contracts", _("Can see the contracts of own regions")),
            ("review_contract", _("Can review contracts")),
            ("sign_contract", _("Can record signed contracts")),
            ("request_contract_end", _("Can ask to cancel or terminate an approved contract")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ContractLine(DocumentPart):
    """Product, quantity and unit price; or, for amount-only lines, a description and amount."""

    DELETION = deletion.with_parent("contract")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    quantity = quantity_field(_("quantity"), null=True, blank=True, default=None)
    unit_price = price_field(_("unit price (incl. VAT)"), null=True, blank=True, default=None)
    amount = amount_field(_("amount (incl. VAT)"))

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["contract", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "line_no"], name="contract_line_no_unique"),
            models.CheckConstraint(
                condition=(
                    Q(product__isnull=False, quantity__gt=0, unit_price__gte=0)
                    | Q(product__isnull=True, quantity__isnull=True, unit_price__isnull=True)
                ),
                name="contract_line_product_or_amount",
                violation_error_message=_(
                    "A line has a product with quantity and price, or an amount only."
                ),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_line_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} #{self.line_no} {self.product or self.description}"


class ContractMilestone(DocumentPart):
    """By this date, this much (cumulative, incl. VAT) is to be delivered or paid."""

    DELETION = deletion.with_parent("contract")

    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("Delivery")
        PAYMENT = "payment", _("Payment")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    due_on = models.DateField(_("due on"))
    amount = amount_field(_("cumulative amount due"))
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["contract", "due_on", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_milestone_amount")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}: {self.amount}"
