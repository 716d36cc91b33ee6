from datetime import date
from decimal import Decimal

import pytest

from backoffice.catalog.models import PriceList, PriceListItem
from backoffice.catalog.selectors import policy_price, product_list, product_search
from backoffice.catalog.services import product_save
from backoffice.core.exceptions import ValidationFailed


@pytest.fixture
def amoxicillin(clerk):
    return product_save(
        by=clerk,
        code="P0001",
        name="阿莫西林胶囊",
        specification="0.25g×24粒",
        unit="盒",
        list_price=Decimal("18.50"),
    )


@pytest.mark.django_db
def test_products_are_found_by_pinyin_and_code(amoxicillin, clerk):
    product_save(by=clerk, code="P0002", name="布洛芬缓释胶囊", list_price=Decimal("25"))
    assert [p.code for p in product_search(product_list(), "amxl")] == ["P0001"]
    assert [p.code for p in product_search(product_list(), "buluofen")] == ["P0002"]
    assert amoxicillin.vat_rate == Decimal("0.1300")


@pytest.mark.django_db
def test_a_vat_rate_of_one_or_more_is_refused(clerk):
    with pytest.raises(ValidationFailed):
        product_save(
            by=clerk, code="X", name="错税率", list_price=Decimal("1"), vat_rate=Decimal("1.3")
        )


@pytest.mark.django_db
def test_the_most_specific_valid_price_list_wins(amoxicillin, region_north, region_east):
    on = date(2026, 6, 1)

    def price_for(kind, region):
        return policy_price(product=amoxicillin, customer_kind=kind, region_id=region.pk, on=on)

    assert price_for("hospital", region_north) == Decimal("18.50")  # the list price
    for name, kind, region, price in [
        ("全国", "", None, "17.00"),
        ("华北", "", region_north, "16.50"),
        ("医院", "hospital", None, "16.00"),
        ("华北医院", "hospital", region_north, "15.50"),
    ]:
        plist = PriceList.objects.create(
            name=name, customer_kind=kind, region=region, valid_from=date(2026, 1, 1)
        )
        PriceListItem.objects.create(
            price_list=plist, product=amoxicillin, unit_price=Decimal(price)
        )
    assert price_for("hospital", region_north) == Decimal("15.50")
    assert price_for("hospital", region_east) == Decimal("16.00")
    assert price_for("pharmacy", region_north) == Decimal("16.50")
    assert price_for("pharmacy", region_east) == Decimal("17.00")
    PriceList.objects.filter(name="华北医院").update(valid_to=date(2026, 5, 31))
    assert price_for("hospital", region_north) == Decimal("16.00")


@pytest.mark.django_db
def test_products_api(api, amoxicillin, rep_wang, clerk):
    api.force_authenticate(rep_wang)
    listing = api.get("/api/v1/catalog/products/", {"code": "P0001"}).json()["results"]
    assert listing == [
        {
            "id": amoxicillin.pk,
            "code": "P0001",
            "name": "阿莫西林胶囊",
            "specification": "0.25g×24粒",
            "unit": "盒",
            "manufacturer": "",
            "approval_number": "",
            "category": None,
            "vat_rate": "0.1300",
            "list_price": "18.500000",
            "is_active": True,
        }
    ]
    assert (
        api.post(
            "/api/v1/catalog/products/",
            {"code": "P9", "name": "x", "list_price": "1"},
            format="json",
        ).status_code
        == 403
    )
    api.force_authenticate(clerk)
    created = api.post(
        "/api/v1/catalog/products/",
        {
            "code": "P9",
            "name": "维生素C片",
            "list_price": "9.90",
            "manufacturer": "华北制药股份有限公司",
            "approval_number": "国药准字H13023964",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["approval_number"] == "国药准字H13023964"
    assert (
        api.post(
            "/api/v1/catalog/products/",
            {"code": "P9", "name": "重复", "list_price": "1"},
            format="json",
        ).status_code
        == 400
    )
    assert (
        api.post(
            "/api/v1/catalog/products/",
            {"code": "P10", "name": "负价", "list_price": "-1"},
            format="json",
        ).status_code
        == 400
    )
