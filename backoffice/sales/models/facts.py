"""Daily sales facts (DOMAIN §12, BENCHMARKS): what was ordered, delivered and invoiced per
day, customer and product, kept exactly consistent with the documents — each service that
changes a basis adds its delta in the same transaction (`sales.facts.facts_add`). Reports
read these, never the million document lines.

Three grains live in one table, each with the same totals and an exact count of orders:
product rows (product_id > 0), category rows (product_id = −1 − category id, −1 for none)
and all-product rows (product_id = 0), so a report reads the coarsest grain it can.
Dimension ids are plain integers, never NULL (ON CONFLICT treats NULLs as distinct).

Imported history is closed: on its date an order counts as ordered, delivered and invoiced
alike, as basis 0 (HISTORY), which those three bases read. Its rows live in the history
tables (history.py), which the views below put beside the facts; orders imported by an
earlier version have their basis-0 rows here.
Received (basis 4) is money allocated to invoices, on the receipt's date, spread over the
invoice's lines by amount; it has no quantity and counts no orders."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backoffice.core import deletion
from backoffice.core.money import amount_field, quantity_field


class SalesFact(models.Model):
    DELETION = deletion.NEVER

    class Basis(models.IntegerChoices):
        HISTORY = 0, _("Imported history (every basis)")
        ORDERED = 1, _("Ordered")
        DELIVERED = 2, _("Delivered")
        INVOICED = 3, _("Invoiced")
        RECEIVED = 4, _("Received")

    basis = models.PositiveSmallIntegerField(_("basis"), choices=Basis)
    day = models.DateField(_("date"))
    customer_id = models.BigIntegerField(_("customer"))
    product_id = models.BigIntegerField(_("product"))  # 0: all; < 0: a category's products
    region_id = models.BigIntegerField(_("region"))
    owner_id = models.BigIntegerField(_("rep"))
    customer_kind = models.CharField(_("customer kind"), max_length=16)
    category_id = models.BigIntegerField(_("category"), default=0)
    quantity = quantity_field(_("quantity"))
    gross_amount = amount_field(_("amount (incl. VAT)"))
    net_amount = amount_field(_("net amount"))
    orders = models.IntegerField(_("orders"), default=0)

    class Meta:
        verbose_name = _("sales fact")
        verbose_name_plural = _("sales facts")
        constraints = [
            models.UniqueConstraint(
                fields=["basis", "product_id", "day", "customer_id", "region_id", "owner_id"],
                name="sales_fact_grain",
            )
        ]
        # The unique index leads with (basis, product_id, day): it serves every report, a
        # rep's own too (a second index would cost the import more than it saves a rep).
        indexes = [
            # the dashboard's top products of the year: product rows by date, index-only
            models.Index(
                fields=["basis", "day"],
                include=["product_id", "gross_amount"],
                condition=models.Q(product_id__gt=0),
                name="sales_fact_product_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} {self.day} {self.customer_id}/{self.product_id}"


class Figures(models.Model):
    """The columns of every row of sales figures, by day (FactRow) or by month (SalesMonth):
    a basis, the dimensions as plain ids (0 or "" where a grain does not keep one), the
    sums."""

    basis = models.PositiveSmallIntegerField(_("basis"), choices=SalesFact.Basis)
    customer_id = models.BigIntegerField(_("customer"))
    product_id = models.BigIntegerField(_("product"))
    region_id = models.BigIntegerField(_("region"))
    owner_id = models.BigIntegerField(_("rep"))
    customer_kind = models.CharField(_("customer kind"), max_length=16)
    category_id = models.BigIntegerField(_("category"))
    quantity = quantity_field(_("quantity"))
    gross_amount = amount_field(_("amount (incl. VAT)"))
    net_amount = amount_field(_("net amount"))
    orders = models.IntegerField(_("orders"))

    class Meta:
        abstract = True


class FactRow(Figures):
    """The columns every sales report reads, from one of the two views below. Read only.
    The columns of each view's parts have the same types, so that PostgreSQL pushes a
    report's conditions into each part and skips a part that cannot match (the history's
    product rows hold product ids > 0 by a check constraint; its orders' product id is the
    constant 0). A change to these columns changes the views in a migration too."""

    day = models.DateField(_("date"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.basis} {self.day} {self.customer_id}/{self.product_id}"


class SalesFactRow(FactRow):
    """The facts and the imported history (view sales_fact_all, migration 0009): the facts
    as they are; each imported line as a product-grain row and each imported order as an
    all-products row, of basis HISTORY. The history's category rows are facts (the import
    writes them)."""

    DELETION = deletion.NEVER

    pk = models.CompositePrimaryKey("basis", "product_id", "day", "customer_id", "region_id")

    class Meta:
        managed = False
        db_table = "sales_fact_all"
        verbose_name = _("sales fact")
        verbose_name_plural = _("sales facts")


# A row of sums that is not all zero: one a report shows (an order approved, then cancelled,
# leaves a row of zeros behind).
NOT_ZERO = ~models.Q(quantity=0) | ~models.Q(gross_amount=0) | ~models.Q(orders=0)


class SalesMonth(Figures):
    """Sales summed by month at the grains the reports group by (issue 16), so that a
    report over whole months reads a few thousand or a hundred thousand rows, never the
    million lines or the daily facts. Kept exact like the facts: `facts_add` adds each
    document's delta here in the same statement batch, and the history import writes its
    months in its transaction. Five grains in one table, told apart as in the facts by
    the customer and product columns (unused dimensions are 0 or ""):

    - all products by customer (product_id 0, customer_id > 0), with the customer's
      region, rep and kind at the time: groupings by customer;
    - all products by region, rep and kind (product_id 0, customer_id 0): totals and
      groupings by region, rep and customer kind;
    - by product and region (product_id > 0, customer_id 0), with the product's category:
      groupings by product and region;
    - by product over every region (product_id > 0, customer_id −1, region 0), with its
      category: groupings by product (and category) for those who see every region, a
      sixth of the rows by product and region;
    - by category and region (product_id −1 − category id, as in the facts): by category.

    `orders` counts each order once per row, as in the facts: at the product grain, the
    orders that had the product."""

    DELETION = deletion.NEVER

    # The key leads with what picks a grain and a series: basis, product, customer, then the
    # month; so a grain's months, one customer's or one product's are each one range of it.
    pk = models.CompositePrimaryKey(
        "basis",
        "product_id",
        "customer_id",
        "month",
        "region_id",
        "owner_id",
        "customer_kind",
        "category_id",
    )
    month = models.DateField(_("month"))
    # how many times the row was written: every write of its sums adds one (the ON CONFLICT
    # of facts_add and of the history import), and rows are never deleted, so a month's
    # sum of versions moves whenever any of its figures changes; the reports keep a
    # period's rows as JSON while the versions they read stay (reports/selectors/sales.py)
    version = models.BigIntegerField(_("version"), db_default=1, editable=False)

    class Meta:
        verbose_name = _("sales by month")
        verbose_name_plural = _("sales by month")
        indexes = [
            # the products over every region: a few thousand rows among the key's hundreds
            # of thousands of products by region
            models.Index(
                fields=["basis", "month"],
                condition=models.Q(customer_id=-1),
                name="sales_month_every_region",
            ),
            # a report's rows counted in order, without their sums (reports/selectors/
            # sales.py, _period_counts): the rows by customer and those by region and
            # product that are not all zero, by month, then the grouping's ids
            models.Index(
                fields=["month", "customer_id", "basis"],
                condition=models.Q(product_id=0, customer_id__gt=0) & NOT_ZERO,
                name="sales_month_customer_rows",
            ),
            models.Index(
                fields=["month", "region_id", "product_id", "basis"],
                condition=models.Q(product_id__gt=0, customer_id=0) & NOT_ZERO,
                name="sales_month_product_rows",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} {self.month:%Y-%m} {self.customer_id}/{self.product_id}"
