from decimal import Decimal

import pytest

from backoffice.audit.models import AuditEvent
from backoffice.catalog.models import Product
from backoffice.catalog.services import product_bulk_create
from backoffice.core.exceptions import ValidationFailed


@pytest.mark.django_db
def test_bulk_created_products_are_audited_and_a_taken_code_refuses_the_batch(clerk):
    rows = [{"code": "X1", "name": "试剂", "list_price": Decimal("10.00")}]
    (product,) = product_bulk_create(rows=rows, by=clerk)
    assert product.name_initials == "sj"
    event = AuditEvent.objects.get(model="catalog.product", object_id=str(product.pk))
    assert event.changes["list_price"] == [None, "10.00"]
    with pytest.raises(ValidationFailed):
        product_bulk_create(rows=[*rows, {"code": "X2", "name": "x"}], by=clerk)
    assert list(Product.objects.values_list("code", flat=True)) == ["X1"]
