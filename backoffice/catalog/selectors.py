from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from backoffice.catalog.models import PriceListItem, Product
from backoffice.core.pinyin import pinyin_match


def product_search(products: QuerySet[Product], q: str) -> QuerySet[Product]:
    """Code, name, specification or pinyin (`aml` finds 阿莫西林)."""
    q = q.strip()
    if not q:
        return products
    match = Q(code__icontains=q) | Q(name__icontains=q) | Q(specification__icontains=q)
    return products.filter(match | pinyin_match(q))


def product_list(*, active: bool | None = True) -> QuerySet[Product]:
    """Products by code, the active ones unless told (the list's filters: `catalog.filters`)."""
    products = Product.objects.select_related("category")
    if active is not None:
        products = products.filter(is_active=active)
    return products.order_by("code")


def policy_price(
    *, product: Product, customer_kind: str, region_id: int | None, on: date
) -> Decimal:
    """The price a customer pays by policy on a date, including VAT; else the list price."""
    items = (
        PriceListItem.objects.filter(
            product=product,
            price_list__is_active=True,
            price_list__valid_from__lte=on,
        )
        .filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=on))
        .filter(Q(price_list__customer_kind="") | Q(price_list__customer_kind=customer_kind))
        .filter(Q(price_list__region__isnull=True) | Q(price_list__region_id=region_id))
        .select_related("price_list")
    )
    best = None
    best_rank = (-1, None)
    for item in items:
        plist = item.price_list
        rank = (2 * bool(plist.customer_kind) + bool(plist.region_id), plist.valid_from)
        if rank > best_rank:
            best, best_rank = item, rank
    return best.unit_price if best is not None else product.list_price
