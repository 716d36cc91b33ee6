"""Customers (客户档案): master data, billing info, contacts, addresses, qualification papers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from backoffice.core.models import BaseModel
from backoffice.core.money import amount_field, quantity_field
from backoffice.parties.validators import validate_uscc


class Customer(BaseModel):
    # The editable fields, in the order forms, exports and the API show them.
    MASTER_FIELDS = (
        "code",
        "name",
        "kind",
        "grade",
        "region",
        "owner",
        "status",
        "credit_limit",
        "payment_terms_days",
        "invoice_before_delivery",
        "notes",
    )
    BILLING_FIELDS = (
        "legal_name",
        "tax_id",
        "is_branch",
        "address",
        "phone",
        "bank_name",
        "bank_account",
        "invoice_type",
        "invoice_email",
    )
    AUDIT_EXCLUDE = frozenset({"name_pinyin", "name_initials"})  # derived from the name

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("Hospital")
        DISTRIBUTOR = "distributor", _("Distributor")
        PHARMACY = "pharmacy", _("Pharmacy / terminal")
        ENTERPRISE = "enterprise", _("Enterprise")
        INDIVIDUAL = "individual", _("Individual")
        SUPPLIER = "supplier", _("Supplier")

    class Grade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        BLACKLISTED = "blacklisted", _("Blacklisted")

    class InvoiceType(models.TextChoices):
        SPECIAL_VAT = "special_vat", _("Special VAT invoice")
        ORDINARY = "ordinary", _("Ordinary VAT invoice")
        DIGITAL = "digital", _("Fully-digital e-invoice")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, db_index=True)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=100, blank=True, db_index=True
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade, default=Grade.B)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PROSPECT)
    credit_limit = amount_field(_("credit limit"))
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    invoice_before_delivery = models.BooleanField(
        _("invoice before delivery"),
        default=False,
        help_text=_("the terms allow invoicing ordered goods before they are delivered"),
    )
    notes = models.TextField(_("notes"), blank=True)

    # Billing information (开票信息)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    tax_id = models.CharField(
        _("tax id (USCC)"), max_length=18, blank=True, db_index=True, validators=[validate_uscc]
    )
    is_branch = models.BooleanField(
        _("branch"), default=False, help_text=_("shares its tax id with its head office")
    )
    address = models.CharField(_("registered address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, db_index=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=64, blank=True)
    invoice_type = models.CharField(
        _("invoice type"), max_length=16, choices=InvoiceType, default=InvoiceType.DIGITAL
    )
    invoice_email = models.EmailField(_("invoice email"), blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id"],
                condition=Q(is_branch=False) & ~Q(tax_id=""),
                name="parties_customer_tax_id_unique_unless_branch",
            )
        ]
        indexes = [
            models.Index(fields=["region", "owner"]),
            models.Index(fields=["kind", "status"]),
        ]
        permissions = [
            ("view_all_customers", _("Can see every customer")),
            ("view_region_customers", _("Can see the customers of own regions")),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(BaseModel):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class DeliveryAddress(BaseModel):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="addresses"
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    recipient = models.CharField(_("recipient"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40)
    address = models.CharField(_("address"), max_length=300)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("delivery address")
        verbose_name_plural = _("delivery addresses")
        ordering = ["-is_default", "id"]

    def __str__(self) -> str:
        return f"{self.recipient} {self.address}"


class QualificationType(BaseModel):
    """A kind of paper (business licence, GSP certificate…); admins add types."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("qualification type")
        verbose_name_plural = _("qualification types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        english = (get_language() or "en").startswith("en")
        return self.name_en if english and self.name_en else self.name


class QualificationRequirement(models.Model):
    """Customers of `kind` must hold a verified, valid paper of `qualification_type`."""

    kind = models.CharField(_("customer kind"), max_length=16, choices=Customer.Kind)
    qualification_type = models.ForeignKey(
        QualificationType,
        verbose_name=_("qualification type"),
        on_delete=models.CASCADE,
        related_name="requirements",
    )

    class Meta:
        verbose_name = _("required qualification")
        verbose_name_plural = _("required qualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "qualification_type"], name="parties_requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.qualification_type}"


class Qualification(BaseModel):
    """One paper of a customer (资质/首营资料), verified by double review."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_REVIEW = "in_review", _("In review")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")

    TRANSITIONS = {
        Status.PENDING: {Status.IN_REVIEW, Status.EXPIRED},
        Status.IN_REVIEW: {Status.VERIFIED, Status.REJECTED},
        Status.REJECTED: {Status.IN_REVIEW, Status.EXPIRED},
        Status.VERIFIED: {Status.EXPIRED},
    }

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    qualification_type = models.ForeignKey(
        QualificationType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("number"), max_length=100)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), db_index=True)
    scan = models.FileField(_("scan"), upload_to="qualifications/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    last_warning_days = models.SmallIntegerField(
        _("last expiry warning (days)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("qualification paper")
        verbose_name_plural = _("qualification papers")
        ordering = ["customer", "qualification_type", "-valid_to"]
        permissions = [("review_qualification", _("Can review qualification papers"))]

    def __str__(self) -> str:
        # The canonical (Chinese) type name: this text is frozen into audit trails and reviews.
        return f"{self.customer} · {self.qualification_type.name} {self.number}"


class CallCadence(models.Model):
    """How often customers of a grade are to be called (A weekly, B fortnightly, C monthly)."""

    grade = models.CharField(_("grade"), max_length=1, choices=Customer.Grade, unique=True)
    interval_days = models.PositiveSmallIntegerField(_("call every (days)"))

    class Meta:
        verbose_name = _("call cadence")
        verbose_name_plural = _("call cadences")
        ordering = ["grade"]

    def __str__(self) -> str:
        return f"{self.grade}: {self.interval_days}"


class CallRecord(BaseModel):
    """A regular call to a customer (回访): how business goes, their stock, demand."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="calls"
    )
    called_at = models.DateTimeField(_("called at"), db_index=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caller"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    business_status = models.TextField(_("business status"), blank=True)
    market_demand = models.TextField(_("market demand"), blank=True)
    competitor_notes = models.TextField(_("competitors"), blank=True)
    next_call_on = models.DateField(_("next call"), null=True, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-called_at", "-id"]
        indexes = [models.Index(fields=["customer", "called_at"])]

    def __str__(self) -> str:
        return f"{self.customer} · {self.called_at:%Y-%m-%d}"


class CallInventoryLine(models.Model):
    """The customer's stock of one of our products, as told on the call."""

    call = models.ForeignKey(
        CallRecord, verbose_name=_("call"), on_delete=models.CASCADE, related_name="inventory"
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = quantity_field(_("quantity"))

    class Meta:
        verbose_name = _("stock line")
        verbose_name_plural = _("customer stock")

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class Visit(BaseModel):
    class Kind(models.TextChoices):
        VISIT = "visit", _("We visited the customer")
        RECEPTION = "reception", _("The customer visited us")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="visits"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.VISIT)
    visited_on = models.DateField(_("date"), db_index=True)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.customer} · {self.visited_on}"


class Feedback(BaseModel):
    """A customer's complaint, inquiry, quality report or suggestion, followed to its end."""

    class Type(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        INQUIRY = "inquiry", _("Inquiry")
        QUALITY = "quality", _("Quality")
        SUGGESTION = "suggestion", _("Suggestion")

    class Priority(models.TextChoices):
        URGENT = "urgent", _("Urgent")
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    DUE_DAYS = {"urgent": 1, "high": 3, "normal": 7, "low": 14}

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.NEW: {Status.IN_PROGRESS, Status.ANSWERED},
        Status.IN_PROGRESS: {Status.ANSWERED},
        Status.ANSWERED: {Status.CLOSED, Status.IN_PROGRESS},
    }

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="feedback"
    )
    type = models.CharField(_("type"), max_length=16, choices=Type)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority, default=Priority.NORMAL
    )
    description = models.TextField(_("description"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        related_name="assigned_feedback",
    )
    due_on = models.DateField(_("due"), db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.NEW)
    response = models.TextField(_("response"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_type_display()}"

    @property
    def resolve_hours(self) -> int | None:
        """Hours from recording to closing: how long the customer waited."""
        if self.closed_at is None:
            return None
        return int((self.closed_at - self.created_at).total_seconds() // 3600)
