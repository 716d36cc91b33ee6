"""Sales materials and samples (物料, DOMAIN §5; issue 17): the catalog of what the back
office hands out (brochures, samples, gifts, business cards…), where it is kept (the
warehouse, the office, each rep's bag), and the stock ledger: every movement a row, the
on-hand per item × location × batch kept exact in the same transaction and never below zero.

The value is the moving weighted average (移动加权平均) per item: a receipt adds its cost
and sets the average anew; an issue takes the average out; the item's `stock_value` is the
sum of its movements' values, to the cent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backoffice.core import deletion
from backoffice.core.models import BaseModel, DocumentPart
from backoffice.core.money import amount_field, format_number, price_field, quantity_field


class MaterialItem(BaseModel):
    """One thing kept in stock. Its stock figures are the ledger's: never typed."""

    DELETION = deletion.ALWAYS
    AUDIT_EXCLUDE = frozenset(
        {"name_pinyin", "name_initials", "stock_quantity", "stock_value", "unit_cost"}
    )

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        SAMPLE = "sample", _("Sample")
        BROCHURE = "brochure", _("Brochure")
        PACKAGING = "packaging", _("Packaging")
        GIFT = "gift", _("Gift")
        BUSINESS_CARD = "business_card", _("Business card")
        OFFICE_SUPPLY = "office_supply", _("Office supply")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, db_index=True)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=100, blank=True, db_index=True
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="个")
    is_batch_tracked = models.BooleanField(
        _("batch-tracked"), default=False, help_text=_("each receipt names its batch and expiry")
    )
    reorder_level = quantity_field(
        _("reorder level"), help_text=_("a to-do when the stock on hand falls below it")
    )
    is_active = models.BooleanField(_("active"), default=True)
    stock_quantity = quantity_field(_("on hand"))
    stock_value = amount_field(_("stock value"))
    unit_cost = price_field(_("unit cost (moving average)"))

    class Meta:
        verbose_name = _("material item")
        verbose_name_plural = _("material items")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock_quantity__gte=0) & Q(stock_value__gte=0),
                name="material_item_stock_not_negative",
                violation_error_message=_("Stock cannot go below zero."),
            ),
            models.CheckConstraint(
                condition=Q(reorder_level__gte=0), name="material_item_reorder_not_negative"
            ),
        ]
        permissions = [
            ("view_all_stock", _("Can see the stock of every location")),
            ("view_region_stock", _("Can see the stock in the bags of own regions' reps")),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.specification}".strip()


class Location(BaseModel):
    """Where stock is kept: the warehouse, the office, or a rep's own bag (samples a rep
    holds are stock there, seen by that rep and their managers)."""

    DELETION = deletion.ALWAYS

    class Kind(models.TextChoices):
        WAREHOUSE = "warehouse", _("Warehouse")
        OFFICE = "office", _("Office")
        BAG = "bag", _("Rep's bag")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    holder = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="material_bag",
        help_text=_("the rep whose bag this is"),
    )
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    counting_since = models.DateTimeField(
        _("stocktake under way since"),
        null=True,
        blank=True,
        help_text=_("no stock moves here until the stocktake is approved"),
    )

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="bag", holder__isnull=False) | (~Q(kind="bag") & Q(holder=None)),
                name="material_location_bag_has_holder",
                violation_error_message=_("A rep's bag names its rep; other places name none."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class StockBalance(models.Model):
    """On hand of one item at one location in one batch ("" without batches): the sum of
    its movements, kept by the ledger in the movement's transaction; never below zero."""

    DELETION = deletion.NEVER

    item = models.ForeignKey(
        MaterialItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="balances"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="balances"
    )
    batch = models.CharField(_("batch"), max_length=40, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    quantity = quantity_field(_("on hand"))

    class Meta:
        verbose_name = _("stock on hand")
        verbose_name_plural = _("stock on hand")
        ordering = ["item", "location", "expires_on", "batch"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "location", "batch"], name="material_balance_grain"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="material_balance_not_negative",
                violation_error_message=_("Stock cannot go below zero."),
            ),
        ]
        indexes = [
            models.Index(fields=["location", "item"]),
            models.Index(
                fields=["expires_on"],
                condition=Q(quantity__gt=0) & Q(expires_on__isnull=False),
                name="material_balance_expiring",
            ),
        ]

    def __str__(self) -> str:
        batch = f" {self.batch}" if self.batch else ""
        return f"{self.item}{batch} @ {self.location}: {format_number(self.quantity, 'quantity')}"


class StockMove(models.Model):
    """One movement of the ledger: what a document moved, signed (in +, out −), with the
    value it carried at the moving average. Never changed, never deleted: a mistake is
    moved back by a document of its own."""

    DELETION = deletion.NEVER

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        ISSUE = "issue", pgettext_lazy("stock", "Issue")
        RETURN = "return", _("Return")
        TRANSFER = "transfer", _("Transfer")
        ADJUSTMENT = "adjustment", _("Adjustment")
        DELIVERY = "delivery", _("Delivery extra")

    item = models.ForeignKey(
        MaterialItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="moves"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="moves"
    )
    batch = models.CharField(_("batch"), max_length=40, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    moved_on = models.DateField(_("date"))
    quantity = quantity_field(_("quantity"))
    value = amount_field(_("value"))
    source_model = models.CharField(_("document type"), max_length=64)
    source_id = models.BigIntegerField(_("document"))
    source_number = models.CharField(_("document number"), max_length=32, blank=True)
    source_line = models.BigIntegerField(_("document line"), null=True, blank=True)
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-moved_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="material_move_not_zero")
        ]
        indexes = [
            models.Index(fields=["item", "location", "batch"]),
            models.Index(fields=["source_model", "source_id"]),
            models.Index(fields=["moved_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item} {format_number(self.quantity, 'quantity')}"


class StockReceipt(BaseModel):
    """Stock received (入库) from a supplier or a printing job: posted when recorded, each
    line at its unit cost, which sets the item's moving average anew."""

    DELETION = deletion.NEVER

    number = models.CharField(_("receipt number"), max_length=32, unique=True)
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"))
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    total_value = amount_field(_("value"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("stock receipt")
        verbose_name_plural = _("stock receipts")
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.number


class StockReceiptLine(DocumentPart):
    DELETION = deletion.NEVER

    receipt = models.ForeignKey(StockReceipt, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    item = models.ForeignKey(
        MaterialItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity_field(_("quantity"))
    unit_cost = price_field(_("unit cost"))
    value = amount_field(_("value"))
    batch = models.CharField(_("batch"), max_length=40, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["receipt", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["receipt", "line_no"], name="material_receipt_line_no"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="material_receipt_line_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_no}. {self.item} × {format_number(self.quantity, 'quantity')}"


class StockTransfer(BaseModel):
    """Stock moved from one location to another (调拨): the warehouse to the office, a rep's
    bag back to the warehouse. Posted at once: out of its batches there (first-expiring
    first), into the same batches here, at the value it left with."""

    DELETION = deletion.NEVER

    number = models.CharField(_("transfer number"), max_length=32, unique=True)
    from_location = models.ForeignKey(
        Location, verbose_name=_("moved from"), on_delete=models.PROTECT, related_name="+"
    )
    to_location = models.ForeignKey(
        Location, verbose_name=_("moved to"), on_delete=models.PROTECT, related_name="+"
    )
    moved_on = models.DateField(_("moved on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    total_value = amount_field(_("value"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("stock transfer")
        verbose_name_plural = _("stock transfers")
        ordering = ["-moved_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_location=models.F("to_location")),
                name="material_transfer_two_places",
            )
        ]

    def __str__(self) -> str:
        return self.number


class StockTransferLine(DocumentPart):
    DELETION = deletion.NEVER

    transfer = models.ForeignKey(StockTransfer, on_delete=models.PROTECT, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    item = models.ForeignKey(
        MaterialItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity_field(_("quantity"))
    value = amount_field(_("value"))

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        ordering = ["transfer", "line_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "line_no"], name="material_transfer_line_no"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="material_transfer_line_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_no}. {self.item} × {format_number(self.quantity, 'quantity')}"


class IssueRequest(BaseModel):
    """A request to take materials out (领用/发放): to a customer, to a rep (into the rep's
    bag), for a delivery, an event or the office itself. Two reviewers release it (clerks or
    the warehouse, never whoever asked), which moves the stock, first-expiring batch first;
    what was lent comes back against it by its due date."""

    DELETION = deletion.DRAFT

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        RELEASED = "released", pgettext_lazy("material issue", "Released")
        RETURNED = "returned", pgettext_lazy("material issue", "Returned")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.DRAFT: {Status.IN_REVIEW, Status.CANCELLED},
        Status.IN_REVIEW: {Status.RELEASED, Status.DRAFT},
        Status.RELEASED: {Status.RETURNED},
    }

    class Purpose(models.TextChoices):
        CUSTOMER = "customer", _("To a customer")
        REP = "rep", _("To a rep")
        DELIVERY = "delivery", _("For a delivery")
        EVENT = "event", _("For an event")
        INTERNAL = "internal", _("Internal use")

    LENDABLE = (Purpose.CUSTOMER, Purpose.EVENT)

    number = models.CharField(_("issue number"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.DRAFT)
    location = models.ForeignKey(
        Location, verbose_name=_("from location"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose)
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="material_issues",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("the rep who receives it"),
    )
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("the delivery number or the event"),
    )
    due_back_on = models.DateField(
        _("due back on"), null=True, blank=True, help_text=_("lent samples: when they return")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    total_value = amount_field(_("value"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("material issue")
        verbose_name_plural = _("material issues")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="material_issue_number"
            )
        ]
        indexes = [
            models.Index(fields=["status", "due_back_on"]),
            models.Index(fields=["owner", "status"]),
        ]
        permissions = [
            ("view_all_issuerequests", _("Can see every material issue")),
            ("view_region_issuerequests", _("Can see the material issues of own regions")),
            ("review_issuerequest", _("Can review material issues")),
            ("receive_return", _("Can take lent materials back into stock")),
        ]

    def __str__(self) -> str:
        return self.number or _("material issue (draft %(id)s)") % {"id": self.pk}


class IssueLine(DocumentPart):
    DELETION = deletion.with_parent("issue")

    issue = models.ForeignKey(IssueRequest, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    item = models.ForeignKey(
        MaterialItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity_field(_("quantity"))
    returned_quantity = quantity_field(_("returned"))
    value = amount_field(_("value"))

    class Meta:
        verbose_name = _("issue line")
        verbose_name_plural = _("issue lines")
        ordering = ["issue", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "line_no"], name="material_issue_line_no"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(returned_quantity__gte=0),
                name="material_issue_line_positive",
            ),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=models.F("quantity")),
                name="material_issue_line_returned_within",
                violation_error_message=_("More would come back than went out."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_no}. {self.item} × {format_number(self.quantity, 'quantity')}"

    @property
    def outstanding(self):
        return self.quantity - self.returned_quantity


class Stocktake(BaseModel):
    """A count of one location (盘点): started, it snapshots what the ledger expects and
    locks the location (nothing moves there); counts are entered or imported; a sales
    manager approves the variances, which are posted as adjustments at the moving average,
    and the location opens again. Sent back, it is counted again; cancelled, nothing moves."""

    DELETION = deletion.NEVER

    class Status(models.TextChoices):
        COUNTING = "counting", _("Counting")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.COUNTING: {Status.IN_REVIEW, Status.CANCELLED},
        Status.IN_REVIEW: {Status.APPROVED, Status.COUNTING},
    }

    number = models.CharField(_("stocktake number"), max_length=32, unique=True)
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="stocktakes"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.COUNTING)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    variance_value = amount_field(_("variance value"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["location"],
                condition=Q(status__in=["counting", "in_review"]),
                name="material_one_stocktake_per_location",
                violation_error_message=_("This location is being counted already."),
            )
        ]
        permissions = [("approve_stocktake", _("Can approve stocktakes"))]

    def __str__(self) -> str:
        return f"{self.number} · {self.location}"


class StocktakeLine(models.Model):
    """One item × batch of the count: what the ledger expected when it started, what was
    counted, and at approval the variance posted and its value."""

    DELETION = deletion.NEVER

    stocktake = models.ForeignKey(Stocktake, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(
        MaterialItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    batch = models.CharField(_("batch"), max_length=40, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    expected = quantity_field(_("expected"))
    counted = quantity_field(_("counted"), null=True, blank=True, default=None)
    value = amount_field(_("variance value"))

    class Meta:
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        ordering = ["stocktake", "item__code", "batch"]
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "item", "batch"], name="material_stocktake_line_grain"
            ),
            models.CheckConstraint(
                condition=Q(counted__gte=0) | Q(counted__isnull=True),
                name="material_stocktake_counted_not_negative",
            ),
        ]

    def __str__(self) -> str:
        batch = f" {self.batch}" if self.batch else ""
        return f"{self.item}{batch}"

    @property
    def variance(self):
        return None if self.counted is None else self.counted - self.expected


class PrintingJob(BaseModel):
    """Brochures or business cards ordered from a printer (印刷): ordered, then received,
    which posts a stock receipt at the job's cost (its unit cost is the cost per piece)."""

    DELETION = deletion.NEVER

    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        RECEIVED = "received", pgettext_lazy("printing job", "Received")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {Status.ORDERED: {Status.RECEIVED, Status.CANCELLED}}

    number = models.CharField(_("printing job number"), max_length=32, unique=True)
    item = models.ForeignKey(
        MaterialItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    for_whom = models.CharField(
        pgettext_lazy("printing job", "for"),
        max_length=100,
        blank=True,
        help_text=_("whose business cards, or the campaign"),
    )
    supplier = models.CharField(_("printer"), max_length=200)
    quantity = quantity_field(_("quantity"))
    cost = amount_field(_("cost"))
    ordered_on = models.DateField(_("ordered on"))
    expected_on = models.DateField(_("expected on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.ORDERED)
    receipt = models.OneToOneField(
        StockReceipt,
        verbose_name=_("stock receipt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="printing_job",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ordered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("printing job")
        verbose_name_plural = _("printing jobs")
        ordering = ["-ordered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0) & Q(cost__gte=0), name="material_printing_job_positive"
            )
        ]

    def __str__(self) -> str:
        who = f" · {self.for_whom}" if self.for_whom else ""
        return f"{self.number} {self.item}{who}"
