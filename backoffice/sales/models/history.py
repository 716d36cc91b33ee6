"""A historical import (DOMAIN §12, issue #6): one run of `import_history` over a set of
files — who started it, how it ended, what it counted, and every bad row it found — and the
closed orders it brought in.

Imported orders live in tables of their own, apart from the orders entered here: they have
no workflow, deliveries or invoices, and a million of their lines must load at COPY speed.
Their references (customer, rep, region, product) are checked by the import, set-wise,
before anything is written, and protected from deletion by Django (PROTECT); the database
does not check them again row by row (`db_constraint=False`), which would cost more than
the rest of the import. Each line carries what the reports group by, like a sales fact at
the product grain; each order's sums by category are its category-grain facts, and each
order is the all-products fact of its day. The reports read them through `SalesFactRow`
(facts.py) as imported history, never as documents; over whole months, through the monthly
sums the import writes beside them (`SalesMonth`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.imports import ImportRun
from backoffice.core.money import amount_field, price_field, quantity_field, rate_field


class HistoryImport(ImportRun):
    """A run over a set of files: `sha256` is the set's (core.imports.files_digest)."""

    source = models.CharField(_("source"), max_length=300, blank=True)
    files = models.JSONField(_("files"), default=list, blank=True)

    class Meta:
        verbose_name = _("history import")
        verbose_name_plural = _("history imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("Import #%(id)s") % {"id": self.pk}


class HistoryOrder(models.Model):
    """An order imported as closed history: on its date it counts as ordered, delivered
    and invoiced alike. Column names follow the sales facts, which it stands in for."""

    DELETION = deletion.NEVER

    history_import = models.ForeignKey(
        HistoryImport,
        verbose_name=_("import"),
        on_delete=models.PROTECT,
        related_name="history_orders",
        db_constraint=False,
        db_index=False,
    )
    number = models.CharField(_("order number"), max_length=64)
    day = models.DateField(_("date"))
    customer = models.ForeignKey(
        "parties.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="history_orders",
        db_constraint=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rep"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    customer_kind = models.CharField(_("customer kind"), max_length=16)
    quantity = quantity_field(_("quantity"))
    gross_amount = amount_field(_("amount (incl. VAT)"))
    net_amount = amount_field(_("net amount"))
    line_count = models.PositiveIntegerField(_("lines"), default=0)

    class Meta:
        verbose_name = _("imported order")
        verbose_name_plural = _("imported orders")
        ordering = ["-day", "-id"]
        constraints = [  # no second, LIKE index: numbers are looked up whole
            models.UniqueConstraint(fields=["number"], name="sales_history_order_number")
        ]
        indexes = [models.Index(fields=["-day", "-id"], name="sales_history_order_list")]

    def __str__(self) -> str:
        return self.number

    @property
    def tax_amount(self):
        return self.gross_amount - self.net_amount


class HistoryLine(models.Model):
    """A line of an imported order, with its order's date, customer, region, rep and kind
    and its product's category, so that it is also the product-grain sales fact of the
    history. `orders` is 1 on the first line of a product in its order, 0 on a later one:
    summed, it counts orders exactly."""

    DELETION = deletion.NEVER

    pk = models.CompositePrimaryKey("order_id", "line_no")
    order = models.ForeignKey(
        HistoryOrder,
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="lines",
        db_constraint=False,
        db_index=False,  # the primary key leads with it
    )
    line_no = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    quantity = quantity_field(_("quantity"))
    unit_price = price_field(_("unit price"))
    vat_rate = rate_field(_("VAT rate"))
    gross_amount = amount_field(_("amount (incl. VAT)"))
    net_amount = amount_field(_("net amount"))
    day = models.DateField(_("date"))
    customer_id = models.BigIntegerField(_("customer"))
    region_id = models.BigIntegerField(_("region"))
    owner_id = models.BigIntegerField(_("rep"))
    customer_kind = models.CharField(_("customer kind"), max_length=16)
    category_id = models.BigIntegerField(_("category"), default=0)
    orders = models.IntegerField(_("orders"), default=1)

    class Meta:
        verbose_name = _("imported order line")
        verbose_name_plural = _("imported order lines")
        ordering = ["order_id", "line_no"]
        constraints = [
            # lets the reports' view skip these rows when they ask for another grain
            models.CheckConstraint(
                condition=models.Q(product_id__gt=0), name="sales_history_line_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no}"


class HistoryCategory(models.Model):
    """An imported order's lines of one product category, summed: the history's
    category-grain fact (each counts its order once), as each line is its product-grain
    fact and each order its all-products fact. `product_id` is the facts' code for a
    category's rows (−1 − category id, sales/facts.py), kept so that the reports' views
    skip these rows at other grains by a check constraint."""

    DELETION = deletion.NEVER

    pk = models.CompositePrimaryKey("order_id", "category_id")
    order = models.ForeignKey(
        HistoryOrder,
        verbose_name=_("order"),
        on_delete=models.PROTECT,
        related_name="categories",
        db_constraint=False,
        db_index=False,  # the primary key leads with it
    )
    category_id = models.BigIntegerField(_("category"))
    product_id = models.BigIntegerField(_("product"))
    day = models.DateField(_("date"))
    customer_id = models.BigIntegerField(_("customer"))
    region_id = models.BigIntegerField(_("region"))
    owner_id = models.BigIntegerField(_("rep"))
    customer_kind = models.CharField(_("customer kind"), max_length=16)
    quantity = quantity_field(_("quantity"))
    gross_amount = amount_field(_("amount (incl. VAT)"))
    net_amount = amount_field(_("net amount"))
    line_count = models.PositiveIntegerField(_("lines"))

    class Meta:
        verbose_name = _("imported order by category")
        verbose_name_plural = _("imported orders by category")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(product_id__lt=0), name="sales_history_category_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.category_id}"
