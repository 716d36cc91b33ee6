"""Customers (客户档案): master data, billing info, grade and status; their contacts and
delivery addresses."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.core.money import amount_field
from backoffice.parties.validators import validate_uscc

# The city at the head of a Chinese address: 北京市海淀区… → 北京, 广东省广州市… → 广州,
# 广西壮族自治区南宁市… → 南宁. An address without one gives none.
CITY = re.compile(r"^(?:[^省]{2,8}?(?:省|自治区))?(?P<city>[^市县区省]{2,8}?)(?:市|地区|自治州|盟)")


def city_of(address: str) -> str:
    match = CITY.match(address.strip())
    return match["city"] if match else ""


class Customer(BaseModel):
    DELETION = deletion.InStatus(("prospect",))

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
    # 经营范围: the product categories the customer's licence allows it to buy. None recorded
    # means no restriction (customers entered before the scope was kept).
    business_scope = models.ManyToManyField(
        "catalog.ProductCategory",
        verbose_name=_("licensed business scope"),
        blank=True,
        related_name="+",
        help_text=_(
            "the product categories its licence allows it to buy; none chosen: no restriction"
        ),
    )

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
            (
                "change_customer_terms",
                _("Can change a customer's credit limit, payment terms, status and region"),
            ),
            ("review_customer_terms", _("Can review a change of a customer's credit terms")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def picker_label(self) -> str:
        """What a customer picker shows, so that three 北京大学附属医院 can be told apart:
        the name, the code, the city of the registered address and the tax id's last four
        characters (北京大学附属医院 · CU-2026-000012 · 北京 · …1234). Only the row's fields."""
        parts = [self.name, self.code, city_of(self.address)]
        if self.tax_id:
            parts.append(f"…{self.tax_id[-4:]}")
        return " · ".join(part for part in parts if part)


class Contact(BaseModel):
    DELETION = deletion.ALWAYS

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
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
    DELETION = deletion.ALWAYS

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="addresses"
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
