"""A code with a NUL character in a related field (found by the API fuzzing): PostgreSQL
refuses such a text with an error, so the field answers "not found" (400) without asking
it, whatever the body's format, on create and on change. Run on both databases."""

from decimal import Decimal

import pytest

from backoffice.catalog.models import ProductCategory
from backoffice.catalog.services import product_save
from backoffice.parties.models import Customer
from backoffice.parties.services import customer_create

pytestmark = pytest.mark.django_db

CODE = "antibiotics\x00"


@pytest.mark.parametrize("body_format", ["json", "multipart"])
def test_a_product_category_with_a_nul_is_not_found(api, clerk, body_format):
    ProductCategory.objects.create(code="antibiotics", name="抗生素")
    product = product_save(by=clerk, code="P1", name="阿莫西林胶囊", list_price=Decimal("18.50"))
    api.force_authenticate(clerk)
    url = f"/api/v1/catalog/products/{product.pk}/"
    tag = api.get(url)["ETag"]
    changed = api.patch(url, {"category": CODE}, format=body_format, HTTP_IF_MATCH=tag)
    assert changed.status_code == 400, changed.content
    product.refresh_from_db()
    assert product.category_id is None
    created = api.post(
        "/api/v1/catalog/products/",
        {"code": "P2", "name": "头孢克肟片", "list_price": "30", "category": CODE},
        format=body_format,
    )
    assert created.status_code == 400, created.content
    assert not type(product).objects.filter(code="P2").exists()


def test_a_form_encoded_patch_with_a_nul_is_refused(api, clerk):
    """The fuzzing's own case: an urlencoded body, as a browser's form sends it."""
    from urllib.parse import urlencode

    product = product_save(by=clerk, code="P1", name="阿莫西林胶囊", list_price=Decimal("18.50"))
    api.force_authenticate(clerk)
    url = f"/api/v1/catalog/products/{product.pk}/"
    tag = api.get(url)["ETag"]
    changed = api.patch(
        url,
        urlencode({"category": CODE}),
        content_type="application/x-www-form-urlencoded",
        HTTP_IF_MATCH=tag,
    )
    assert changed.status_code == 400, changed.content


def test_a_customer_business_scope_with_a_nul_is_not_found(api, rep_wang, region_north):
    api.force_authenticate(rep_wang)
    created = api.post(
        "/api/v1/parties/customers/",
        {
            "name": "北京医院",
            "kind": "hospital",
            "region": region_north.pk,
            "business_scope": ["drugs\x00"],
        },
        format="json",
    )
    assert created.status_code == 400, created.content
    assert not Customer.objects.exists()
    customer = customer_create(by=rep_wang, name="北京医院", kind="hospital", region=region_north)
    url = f"/api/v1/parties/customers/{customer.pk}/"
    tag = api.get(url)["ETag"]
    changed = api.patch(url, {"business_scope": ["drugs\x00"]}, format="json", HTTP_IF_MATCH=tag)
    assert changed.status_code == 400, changed.content
