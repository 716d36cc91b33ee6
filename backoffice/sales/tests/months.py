"""The check that the monthly sums (SalesMonth) agree with the daily facts and the history
(SalesFactRow) at each of their grains, to the cent."""

from decimal import Decimal

from django.db.models import F, Q, Sum
from django.db.models.functions import TruncMonth

from backoffice.sales.models import SalesFactRow, SalesMonth

# (the days' rows, the months' rows, what the months keep)
GRAINS = (
    (
        Q(product_id__gt=0),
        Q(product_id__gt=0, customer_id=0),
        ("product_id", "region_id", "category_id"),
    ),
    (Q(product_id__gt=0), Q(product_id__gt=0, customer_id=-1), ("product_id", "category_id")),
    (Q(product_id__lt=0), Q(product_id__lt=0), ("product_id", "region_id", "category_id")),
    (
        Q(product_id=0),
        Q(product_id=0, customer_id__gt=0),
        ("customer_id", "region_id", "owner_id", "customer_kind"),
    ),
    (Q(product_id=0), Q(product_id=0, customer_id=0), ("region_id", "owner_id", "customer_kind")),
)


def _sums(rows, keys: tuple[str, ...]) -> dict:
    cent, milli = Decimal("0.01"), Decimal("0.001")
    grouped = rows.values_list("basis", "m", *keys).annotate(
        Sum("quantity"), Sum("gross_amount"), Sum("net_amount"), Sum("orders")
    )
    return {
        tuple(key): (
            Decimal(q).quantize(milli),
            Decimal(g).quantize(cent),
            Decimal(n).quantize(cent),
            o,
        )
        for *key, q, g, n, o in grouped
        if q or g or n or o
    }


def assert_months_match_days() -> None:
    for days, months, keys in GRAINS:
        daily = _sums(
            SalesFactRow.objects.filter(days).annotate(m=TruncMonth("day")).order_by(), keys
        )
        monthly = _sums(SalesMonth.objects.filter(months).annotate(m=F("month")).order_by(), keys)
        assert monthly == daily, keys
