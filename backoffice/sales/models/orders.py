"""Sales orders (DOMAIN §4): entered by clerks, audited (审核) through the reviews engine,
numbered on approval, then delivered and invoiced line by line."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel, DocumentPart
from backoffice.core.money import amount_field, price_field, quantity_field, rate_field


class SalesOrder(BaseModel):
    DELETION = deletion.DRAFT
    NUMBER_KIND = "SO"  # its numbers' kind (core.numbering): SO-2026-000001

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In audit")
        APPROVED = "approved", _("Approved")
        PARTIALLY_DELIVERED = "partially_delivered", _("Partially delivered")
        DELIVERED = "delivered", _("Delivered")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW, Status.CANCELLED},
        Status.IN_REVIEW: {Status.APPROVED, Status.DRAFT},  # DRAFT = sent back by the auditor
        Status.APPROVED: {Status.PARTIALLY_DELIVERED, Status.DELIVERED, Status.CANCELLED},
        # A returned delivery gives its quantities back, so delivery states can step back.
        Status.PARTIALLY_DELIVERED: {Status.DELIVERED, Status.APPROVED},
        Status.DELIVERED: {Status.CLOSED, Status.PARTIALLY_DELIVERED, Status.APPROVED},
    }
    OPEN_STATUSES = (Status.APPROVED, Status.PARTIALLY_DELIVERED, Status.DELIVERED)
    COMMITTED_STATUSES = (*OPEN_STATUSES, Status.CLOSED)  # approved, never undone

    # Indexes are few on purpose (imports write hundreds of thousands of orders): the
    # number's unique constraint, (customer, status) and (region, owner) below cover the
    # lookups by number, customer and region.
    number = models.CharField(_("order number"), max_length=32, blank=True)
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        db_index=False,  # the partial index below: most orders have no contract
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    ordered_on = models.DateField(_("order date"))  # indexed with id: the list's order
    note = models.TextField(_("note"), blank=True)
    gross_amount = amount_field(_("amount (incl. VAT)"))
    net_amount = amount_field(_("net amount"))
    tax_amount = amount_field(_("VAT"))
    block_override_reason = models.TextField(_("override reason"), blank=True)
    block_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overridden by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    history_import = models.ForeignKey(
        "sales.HistoryImport",
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # read by import, never searched by
        related_name="orders",
    )

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ["-ordered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="sales_order_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["customer", "status"]),
            models.Index(fields=["region", "owner"]),
            models.Index(
                fields=["contract"],
                condition=Q(contract__isnull=False),
                name="sales_order_contract",
            ),
            # the list's ordering: a page's ids come from this index alone
            models.Index(fields=["-ordered_on", "-id"], name="sales_order_list"),
        ]
        permissions = [
            ("view_all_orders", _("Can see every sales order")),
            ("view_region_orders", _("Can see the sales orders of own regions")),
            ("review_order", _("Can audit sales orders")),
            ("override_order_block", _("Can override the credit and qualification checks")),
            ("request_order_cancellation", _("Can ask to cancel an approved sales order")),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft order #%(id)s, %(customer)s") % {
            "id": self.pk,
            "customer": self.customer.name,
        }


class SalesOrderLine(DocumentPart):
    DELETION = deletion.with_parent("order")

    # (order, line_no) is unique: that index serves every lookup by order.
    order = models.ForeignKey(
        SalesOrder, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    line_no = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity_field(_("quantity"))
    unit_price = price_field(_("unit price (incl. VAT)"))
    vat_rate = rate_field(_("VAT rate"))
    is_gift = models.BooleanField(_("gift"), default=False)
    contract_line = models.ForeignKey(
        "contracts.ContractLine",
        verbose_name=_("contract line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # the partial index below: most lines have no contract
        related_name="order_lines",
    )
    gross_amount = amount_field(_("amount (incl. VAT)"))
    net_amount = amount_field(_("net amount"))
    tax_amount = amount_field(_("VAT"))
    delivered_quantity = quantity_field(_("delivered"))
    invoiced_quantity = quantity_field(_("invoiced"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="sales_line_no_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="sales_line_quantity_positive",
                violation_error_message=_("The quantity must be more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(is_gift=True) | Q(unit_price__gt=0),
                name="sales_line_price_unless_gift",
                violation_error_message=_(
                    "The price must be more than 0 unless the line is a gift."
                ),
            ),
            models.CheckConstraint(
                condition=Q(delivered_quantity__lte=models.F("quantity")),
                name="sales_line_not_over_delivered",
                violation_error_message=_("More would be delivered than was ordered."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["contract_line"],
                condition=Q(contract_line__isnull=False),
                name="sales_line_contract_line",
            )
        ]

    def __str__(self) -> str:
        # a draft's line is read on its order's page: its number and product say enough
        prefix = f"{self.order.number} " if self.order.number else ""
        return f"{prefix}#{self.line_no} {self.product}"

    @property
    def remaining_quantity(self):
        return self.quantity - self.delivered_quantity
