"""The catalog app's models, one module per aggregate (decision 0007)."""

from .prices import (
    PriceList,
    PriceListItem,
)
from .products import (
    CUSTOMER_KINDS,
    Product,
    ProductCategory,
)

__all__ = [
    "CUSTOMER_KINDS",
    "PriceList",
    "PriceListItem",
    "Product",
    "ProductCategory",
]
