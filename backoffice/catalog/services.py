from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record_many
from backoffice.catalog.models import Product
from backoffice.core.access import Actor, require_perm
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.pinyin import pinyin_keys
from backoffice.core.services import model_save
from backoffice.core.versions import Expected

PRODUCT_FIELDS = {
    "code",
    "name",
    "specification",
    "unit",
    "manufacturer",
    "approval_number",
    "category",
    "vat_rate",
    "list_price",
    "is_active",
}


@transaction.atomic
def product_save(
    *,
    by: Actor,
    product: Product | None = None,
    expected_version: Expected = None,
    **data: Any,
) -> Product:
    """Create or change a product; the pinyin search keys follow the name. A change with
    `expected_version` (the ETag read) is refused (412) when someone changed it since."""
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
    return model_save(instance=product, by=by, validate=False, expected_version=expected_version)


@transaction.atomic
def product_bulk_create(
    *, rows: Sequence[Mapping[str, Any]], by: Actor, note: str = ""
) -> list[Product]:
    """Add many products in batches, each audited as created: the path of imports, whose
    rows were checked already. The pinyin search keys follow the names, as in
    product_save; a code taken before refuses them all."""
    unknown = {name for row in rows for name in row} - PRODUCT_FIELDS
    if unknown:
        raise ValidationFailed(extra={"fields": {name: ["unknown field"] for name in unknown}})
    codes = [row["code"] for row in rows]
    taken = sorted(Product.objects.filter(code__in=codes).values_list("code", flat=True))
    if taken or len(set(codes)) < len(codes):
        raise ValidationFailed(
            _("These product codes are taken: %(codes)s.")
            % {"codes": ", ".join(taken) or _("the same code twice")},
            extra={"fields": {"code": taken}},
        )
    products = []
    for row in rows:
        product = Product(**row)
        product.name_pinyin, product.name_initials = pinyin_keys(product.name)
        products.append(product)
    products = Product.objects.bulk_create(products, batch_size=2000)
    audit_record_many(by=by, action=AuditEvent.Action.CREATE, objects=products, note=note)
    return products
