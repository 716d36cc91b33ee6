from datetime import date

import pytest

from backoffice.ledger.services import receipt_create
from backoffice.parties.services import customer_create


@pytest.fixture
def receipts(rep_wang, rep_li, region_north, region_east, finance):
    north = customer_create(by=rep_wang, name="北京医院", kind="hospital", region=region_north)
    east = customer_create(by=rep_li, name="上海医院", kind="hospital", region=region_east)
    made = {}
    for customer, received_on in ((north, date(2026, 11, 2)), (east, date(2026, 12, 1))):
        made[customer.name] = receipt_create(
            customer=customer, by=finance, amount="100.00", received_on=received_on
        )
    return north, made


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_receipts_filter_by_customer_and_dates(api, finance, receipts):
    north, made = receipts
    api.force_authenticate(finance)
    url = "/api/v1/ledger/receipts/"
    assert _numbers(api.get(url, {"customer": north.pk})) == [made["北京医院"].number]
    assert _numbers(api.get(url, {"date_from": "2026-11-15"})) == [made["上海医院"].number]
    assert _numbers(api.get(url, {"date_to": "2026-11-15"})) == [made["北京医院"].number]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("customer", "北京医院"), ("date_to", "2026-02-30")])
def test_receipts_refuse_a_bad_value(api, finance, field, value):
    api.force_authenticate(finance)
    response = api.get("/api/v1/ledger/receipts/", {field: value})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["extra"]["fields"]) == [field]


@pytest.mark.django_db
def test_receipts_of_a_customer_the_caller_may_not_see_are_not_found(api, rep_li, receipts):
    north, _made = receipts
    api.force_authenticate(rep_li)
    assert api.get("/api/v1/ledger/receipts/", {"customer": north.pk}).status_code == 404
