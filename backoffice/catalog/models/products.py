"""Products and their categories, searched by pinyin."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.core.money import price_field, rate_field

CUSTOMER_KINDS = [
    ("hospital", _("Hospital")),
    ("distributor", _("Distributor")),
    ("pharmacy", _("Pharmacy / terminal")),
    ("enterprise", _("Enterprise")),
    ("individual", _("Individual")),
]


class ProductCategory(BaseModel):
    DELETION = deletion.ALWAYS

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Product(BaseModel):
    DELETION = deletion.ALWAYS

    AUDIT_EXCLUDE = frozenset({"name_pinyin", "name_initials"})

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_pinyin = models.CharField(_("pinyin"), max_length=200, blank=True, db_index=True)
    name_initials = models.CharField(
        _("pinyin initials"), max_length=100, blank=True, db_index=True
    )
    specification = models.CharField(_("specification"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="盒")
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
    )
    vat_rate = rate_field(_("VAT rate"), default=Decimal("0.13"))
    # GSP: the delivery note names the maker and the approval number of the goods shipped;
    # the warehouse starts from these when it records a delivery's batches.
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    approval_number = models.CharField(
        _("approval number"),
        max_length=64,
        blank=True,
        help_text=_("drug approval number or device registration number"),
    )
    list_price = price_field(_("list price (incl. VAT)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0) & Q(vat_rate__lt=1), name="catalog_vat_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(list_price__gte=0), name="catalog_list_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.specification}".strip()
