from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from backoffice.catalog.models import Product
from backoffice.core.access import require_perm
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.pinyin import pinyin_keys
from backoffice.core.services import model_save

PRODUCT_FIELDS = {
    "code",
    "name",
    "specification",
    "unit",
    "category",
    "vat_rate",
    "list_price",
    "is_active",
}


@transaction.atomic
def product_save(*, by: Any, product: Product | None = None, **data: Any) -> Product:
    """Create or change a product; the pinyin search keys follow the name."""
    require_perm(by, "catalog.change_product" if product else "catalog.add_product")
    unknown = set(data) - PRODUCT_FIELDS
    if unknown:
        raise ValidationFailed(extra={"fields": {name: ["unknown field"] for name in unknown}})
    product = product or Product()
    for name, value in data.items():
        setattr(product, name, value)
    product.name_pinyin, product.name_initials = pinyin_keys(product.name)
    try:
        product.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(extra={"fields": exc.message_dict}) from exc
    return model_save(instance=product, by=by, validate=False)
