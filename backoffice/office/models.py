"""Correspondence and carriers (DOMAIN §6, issue 17 §9–11): the mail and express register
(收发登记), the carriers it ships with and their rating, and the carriers' monthly bills
reconciled against it (快递费结算)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backoffice.core import deletion
from backoffice.core.models import BaseModel, DocumentPart
from backoffice.core.money import amount_field, quantity_field
from backoffice.core.versions import VersionedQuerySet


class CarrierQuerySet(VersionedQuerySet):
    def choosable(self, keep: Any = ()) -> "CarrierQuerySet":
        """The carriers a form offers: the approved ones, and those of `keep` (ids, or a
        query of them: the one a record already has, though suspended since)."""
        return self.filter(Q(status=Carrier.Status.APPROVED) | Q(pk__in=keep))


class Carrier(BaseModel):
    """A logistics or express company (物流/快递公司). Only an approved one is chosen on a
    delivery or a mail item; its rating is computed from the register (selectors)."""

    DELETION = deletion.NEVER
    objects = CarrierQuerySet.as_manager()

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        APPROVED = "approved", _("Approved")
        SUSPENDED = "suspended", _("Suspended")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.CANDIDATE)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    price_notes = models.TextField(_("price notes"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MailItem(BaseModel):
    """One thing mailed or received (收发登记): what, to or from whom, by which carrier and
    tracking number, when, at what cost, how far it got, and the document it belongs to."""

    DELETION = deletion.NEVER

    class Direction(models.TextChoices):
        OUT = "out", pgettext_lazy("mail direction", "Sent")
        IN = "in", pgettext_lazy("mail direction", "Received")

    class Kind(models.TextChoices):
        LETTER = "letter", _("Letter")
        CONTRACT = "contract", _("Contract")
        INVOICE = "invoice", _("Invoice")
        SAMPLES = "samples", _("Samples")
        DOCUMENTS = "documents", _("Documents")
        PARCEL = "parcel", _("Parcel")
        NOTICE = "notice", _("Notice")
        FAX = "fax", _("Fax")

    class Status(models.TextChoices):
        REGISTERED = "registered", pgettext_lazy("mail status", "Registered")
        SENT = "sent", pgettext_lazy("mail status", "Sent")
        DELIVERED = "delivered", pgettext_lazy("mail status", "Delivered")
        RETURNED = "returned", pgettext_lazy("mail status", "Returned")
        LOST = "lost", pgettext_lazy("mail status", "Lost")
        DAMAGED = "damaged", pgettext_lazy("mail status", "Damaged")

    TRANSITIONS = {
        Status.REGISTERED: {
            Status.SENT,
            Status.DELIVERED,
            Status.RETURNED,
            Status.LOST,
            Status.DAMAGED,
        },
        Status.SENT: {Status.DELIVERED, Status.RETURNED, Status.LOST, Status.DAMAGED},
    }
    OPEN_STATUSES = (Status.REGISTERED, Status.SENT)

    number = models.CharField(_("register number"), max_length=32, unique=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction, default=Direction.OUT
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mail_items",
    )
    counterparty = models.CharField(
        _("counterparty"),
        max_length=200,
        blank=True,
        help_text=_("the customer's name if left empty"),
    )
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    carrier = models.ForeignKey(
        Carrier,
        verbose_name=_("carrier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mail_items",
    )
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    shipped_on = models.DateField(_("sent or received on"))
    promised_on = models.DateField(_("promised date"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    cost = amount_field(_("expected cost"), default=0)
    fee = amount_field(_("billed fee"), null=True, blank=True, default=None)
    bill = models.ForeignKey(
        "office.CarrierBill",
        verbose_name=_("settled in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mail_items",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.REGISTERED)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the related document (a delivery, an invoice, a contract, a material issue)
    source_model = models.CharField(_("related document type"), max_length=64, blank=True)
    source_id = models.PositiveBigIntegerField(_("related document id"), null=True, blank=True)
    source_number = models.CharField(_("related document"), max_length=32, blank=True)
    # the customer's, for who sees it (STYLE §7)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mail item")
        verbose_name_plural = _("mail and express register")
        ordering = ["-shipped_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"],
                condition=~Q(tracking_number=""),
                name="office_mail_tracking_unique",
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0) & (Q(fee__isnull=True) | Q(fee__gte=0)),
                name="office_mail_cost_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["source_model", "source_id"]),
            models.Index(fields=["carrier", "shipped_on"]),
            models.Index(fields=["region", "owner"]),
            models.Index(fields=["status", "promised_on"]),
        ]
        permissions = [
            ("view_all_mail", _("Can see every mail item")),
            ("view_region_mail", _("Can see the mail items of own regions")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()} · {self.counterparty}"


class CarrierBill(BaseModel):
    """A carrier's bill for a month, as uploaded, matched to the register line by line by
    tracking number; settled once, which writes the fees to the register and locks it."""

    DELETION = deletion.NEVER

    class Status(models.TextChoices):
        OPEN = "open", _("To settle")
        SETTLED = "settled", _("Settled")

    TRANSITIONS = {Status.OPEN: {Status.SETTLED}}

    carrier = models.ForeignKey(
        Carrier, verbose_name=_("carrier"), on_delete=models.PROTECT, related_name="bills"
    )
    month = models.DateField(_("month"), help_text=_("its first day"))
    file_name = models.CharField(_("file"), max_length=200)
    digest = models.CharField(_("file digest"), max_length=64)
    tolerance = amount_field(_("fee tolerance"), default=0)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    total_fee = amount_field(_("billed total"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.OPEN)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    settled_at = models.DateTimeField(
        pgettext_lazy("carrier bill", "settled at"), null=True, blank=True
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("carrier bill")
        verbose_name_plural = _("carrier bills")
        ordering = ["-month", "carrier"]
        constraints = [
            models.UniqueConstraint(fields=["carrier", "month"], name="office_bill_month_unique")
        ]
        permissions = [("settle_carrierbill", _("Can settle carrier bills"))]

    def __str__(self) -> str:
        carrier = self.carrier.name if self.carrier_id else ""
        return f"{carrier} {self.month:%Y-%m}".strip() if self.month else carrier


class CarrierBillLine(DocumentPart):
    """A line of the bill as the carrier wrote it, and what it matched in the register."""

    DELETION = deletion.with_parent("bill")

    class Match(models.TextChoices):
        MATCHED = "matched", _("Matched")
        FEE_DIFFERS = "fee_differs", _("Fee differs")
        NOT_REGISTERED = "not_registered", _("Not in the register")
        BILLED_BEFORE = "billed_before", _("Settled in an earlier bill")

    bill = models.ForeignKey(CarrierBill, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    shipped_on = models.DateField(_("date"), null=True, blank=True)
    weight = quantity_field(_("weight (kg)"), default=0)
    fee = amount_field(_("fee"))
    mail_item = models.ForeignKey(
        MailItem,
        verbose_name=_("mail item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expected = amount_field(_("expected cost"), null=True, blank=True, default=None)
    match = models.CharField(_("match"), max_length=16, choices=Match)

    class Meta:
        verbose_name = _("carrier bill line")
        verbose_name_plural = _("carrier bill lines")
        ordering = ["bill", "line_no"]
        indexes = [models.Index(fields=["bill", "match"])]

    def __str__(self) -> str:
        return f"{self.line_no}. {self.tracking_number}"
