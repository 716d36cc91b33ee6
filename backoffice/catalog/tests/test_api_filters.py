from decimal import Decimal

import pytest

from backoffice.catalog.models import ProductCategory
from backoffice.catalog.services import product_save


@pytest.mark.django_db
def test_products_filter_by_category_code_and_refuse_an_unknown_one(api, clerk):
    antibiotics = ProductCategory.objects.create(code="antibiotics", name="抗生素")
    product_save(by=clerk, code="P1", name="阿莫西林胶囊", list_price=Decimal("18.50"))
    product_save(
        by=clerk, code="P2", name="头孢克肟片", list_price=Decimal("30"), category=antibiotics
    )
    api.force_authenticate(clerk)
    url = "/api/v1/catalog/products/"
    listing = api.get(url, {"category": "antibiotics"}).json()["results"]
    assert [row["code"] for row in listing] == ["P2"]
    assert [row["code"] for row in api.get(url, {"q": "amxl"}).json()["results"]] == ["P1"]
    refused = api.get(url, {"category": "vitamins"})
    assert refused.status_code == 400
    assert list(refused.json()["extra"]["fields"]) == ["category"]
