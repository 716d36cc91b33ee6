"""Price lists by customer kind and region, and their items."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.models.products import CUSTOMER_KINDS, Product
from backoffice.core import deletion
from backoffice.core.models import BaseModel
from backoffice.core.money import format_number, price_field


class PriceList(BaseModel):
    """A sales policy's prices, for a customer kind and/or a region, within dates.

    The most specific valid list wins: kind and region, then kind, then region, then general.
    """

    DELETION = deletion.ALWAYS

    name = models.CharField(_("name"), max_length=100)
    customer_kind = models.CharField(
        _("customer kind"), max_length=16, choices=CUSTOMER_KINDS, blank=True
    )
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-valid_from", "name"]

    def __str__(self) -> str:
        return self.name


class PriceListItem(models.Model):
    DELETION = deletion.ALWAYS

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    unit_price = price_field(_("unit price (incl. VAT)"))

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="catalog_price_unique"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="catalog_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {format_number(self.unit_price, 'price')}"
