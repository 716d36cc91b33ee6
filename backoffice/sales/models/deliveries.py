"""Deliveries (发货, DOMAIN §4): goods sent against an approved order, released after
double review, then shipped and signed for, or returned."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel, DocumentPart
from backoffice.core.money import format_number, quantity_field
from backoffice.sales.models.orders import SalesOrder, SalesOrderLine


class Delivery(BaseModel):
    """Goods sent against an approved order (发货), released only after double review."""

    DELETION = deletion.DRAFT

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        RELEASED = "released", _("Released")
        SHIPPED = "shipped", _("Shipped")
        SIGNED = "signed", _("Signed for")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    class Method(models.TextChoices):
        OWN_VEHICLE = "own_vehicle", _("Own vehicle")
        EXPRESS = "express", _("Express")
        LOGISTICS = "logistics", _("Logistics company")
        PICKUP = "pickup", _("Customer pickup")

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW, Status.CANCELLED},
        Status.IN_REVIEW: {Status.RELEASED, Status.DRAFT},
        Status.RELEASED: {Status.SHIPPED},
        Status.SHIPPED: {Status.SIGNED, Status.RETURNED},
    }
    OPEN_STATUSES = (Status.DRAFT, Status.IN_REVIEW)

    number = models.CharField(_("delivery number"), max_length=32, blank=True, db_index=True)
    order = models.ForeignKey(
        SalesOrder,
        verbose_name=_("sales order"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="deliveries",
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
    method = models.CharField(_("method"), max_length=16, choices=Method, default=Method.EXPRESS)
    carrier = models.ForeignKey(
        "office.Carrier",
        verbose_name=_("carrier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    # The customer's address chosen at creation, and a copy of it: the delivery note keeps
    # showing where the goods went when the customer's addresses change later.
    ship_to = models.ForeignKey(
        "parties.DeliveryAddress",
        verbose_name=_("ship-to address"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ship_to_recipient = models.CharField(_("recipient"), max_length=100, blank=True)
    ship_to_phone = models.CharField(_("recipient phone"), max_length=40, blank=True)
    ship_to_address = models.CharField(_("ship-to address"), max_length=300, blank=True)
    promised_on = models.DateField(_("promised date"), null=True, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_by_name = models.CharField(_("signed by"), max_length=100, blank=True)
    return_reason = models.TextField(_("return reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("released by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="sales_delivery_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["region", "owner"]),
            models.Index(fields=["order", "status"]),
        ]
        permissions = [("review_delivery", _("Can review deliveries (release)"))]

    def __str__(self) -> str:
        return self.number or _("Draft delivery #%(id)s, %(customer)s") % {
            "id": self.pk,
            "customer": self.customer.name,
        }


class DeliveryLine(DocumentPart):
    DELETION = deletion.with_parent("delivery")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        SalesOrderLine,
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="delivery_lines",
    )
    quantity = quantity_field(_("quantity"))
    # GSP (随货同行单): what exactly left the warehouse, recorded when the goods are shipped.
    batch_number = models.CharField(_("batch number"), max_length=64, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    approval_number = models.CharField(_("approval number"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("delivery line")
        verbose_name_plural = _("delivery lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="sales_delivery_line_positive",
                violation_error_message=_("The quantity must be more than 0."),
            ),
            models.UniqueConstraint(
                fields=["delivery", "order_line"], name="sales_delivery_line_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_line.product} × {format_number(self.quantity, 'quantity')}"


class DeliveryExtra(DocumentPart):
    """Samples, gifts, policy and support materials travelling with the goods."""

    DELETION = deletion.with_parent("delivery")

    class Kind(models.TextChoices):
        SAMPLE = "sample", _("Sample")
        GIFT = "gift", _("Gift")
        MATERIAL = "material", _("Policy / support material")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="extras")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.SAMPLE)
    description = models.CharField(_("description"), max_length=200)
    quantity = quantity_field(_("quantity"))
    # drawn from stock (issue 17 §6): the delivery's release takes it out of this location
    item = models.ForeignKey(
        "materials.MaterialItem",
        verbose_name=_("material item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    location = models.ForeignKey(
        "materials.Location",
        verbose_name=_("from location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("item with the goods")
        verbose_name_plural = _("items with the goods")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(item__isnull=True, location__isnull=True)
                | models.Q(item__isnull=False, location__isnull=False),
                name="sales_delivery_extra_item_and_location",
                violation_error_message=_("An item drawn from stock names its location."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.description} × {format_number(self.quantity, 'quantity')}"
