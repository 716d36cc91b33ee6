"""The sales lists' query parameters: a good value filters, a bad one is a 400 that names
the parameter (never a filter silently dropped), an order the caller may not see a 404."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from backoffice.sales.models import HistoryImport, HistoryOrder


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


def _refused(response, field: str) -> None:
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["extra"]["fields"]) == [field]
    assert body["extra"]["fields"][field]


@pytest.mark.django_db
def test_orders_filter_by_status_customer_number_and_dates(api, clerk, delivered, hospital):
    api.force_authenticate(clerk)
    url = "/api/v1/sales/orders/"
    on = delivered.ordered_on.isoformat()
    assert _numbers(api.get(url, {"status": delivered.status})) == [delivered.number]
    assert _numbers(api.get(url, {"status": "draft"})) == []
    assert _numbers(api.get(url, {"customer": hospital.code})) == [delivered.number]
    assert _numbers(api.get(url, {"customer": str(hospital.pk)})) == [delivered.number]
    assert _numbers(api.get(url, {"customer": "NO-SUCH-CODE"})) == []
    assert _numbers(api.get(url, {"q": delivered.number[-3:]})) == [delivered.number]
    assert _numbers(api.get(url, {"date_from": on, "date_to": on})) == [delivered.number]
    after = (delivered.ordered_on + timedelta(days=1)).isoformat()
    assert _numbers(api.get(url, {"date_from": after})) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "shipped"),  # a delivery's status, not an order's
        ("date_from", "2026-13-01"),
        ("date_to", "01/10/2026"),  # dates are ISO, whatever the locale
    ],
)
def test_orders_refuse_a_bad_value(api, clerk, field, value):
    api.force_authenticate(clerk)
    _refused(api.get("/api/v1/sales/orders/", {field: value}), field)


@pytest.mark.django_db
def test_history_orders_filter_by_customer_and_number(api, admin_user, hospital, rep_wang):
    run = HistoryImport.objects.create(created_by=admin_user)
    for number, day in (("H-2019-001", date(2019, 3, 1)), ("H-2019-002", date(2019, 4, 1))):
        HistoryOrder.objects.create(
            history_import=run,
            number=number,
            day=day,
            customer=hospital,
            owner=rep_wang,
            region=hospital.region,
            customer_kind=hospital.kind,
            quantity=Decimal("1"),
            gross_amount=Decimal("11.30"),
            net_amount=Decimal("10.00"),
        )
    api.force_authenticate(admin_user)
    url = "/api/v1/sales/history-orders/"
    assert _numbers(api.get(url, {"q": "002"})) == ["H-2019-002"]
    assert _numbers(api.get(url, {"customer": hospital.code})) == ["H-2019-002", "H-2019-001"]
    assert _numbers(api.get(url, {"customer": "NO-SUCH-CODE"})) == []


@pytest.mark.django_db
def test_deliveries_filter_by_order_and_status(api, clerk, delivered):
    api.force_authenticate(clerk)
    url = "/api/v1/sales/deliveries/"
    [delivery] = delivered.deliveries.all()
    assert _numbers(api.get(url, {"order": delivered.pk})) == [delivery.number]
    assert _numbers(api.get(url, {"status": delivery.status})) == [delivery.number]
    assert _numbers(api.get(url, {"status": "cancelled"})) == []
    _refused(api.get(url, {"order": "SO-1"}), "order")
    _refused(api.get(url, {"status": "lost"}), "status")


@pytest.mark.django_db
def test_invoices_filter_by_order_and_status(api, clerk, issued):
    api.force_authenticate(clerk)
    url = "/api/v1/sales/invoices/"
    assert _numbers(api.get(url, {"status": "issued"})) == [issued.number]
    assert _numbers(api.get(url, {"order": issued.order_id})) == [issued.number]
    assert _numbers(api.get(url, {"status": "draft"})) == []
    _refused(api.get(url, {"order": "1.5"}), "order")
    _refused(api.get(url, {"status": "paid"}), "status")


@pytest.mark.django_db
def test_an_order_the_caller_may_not_see_is_not_found_not_an_empty_list(api, rep_li, delivered):
    api.force_authenticate(rep_li)
    for url in ("/api/v1/sales/deliveries/", "/api/v1/sales/invoices/"):
        response = api.get(url, {"order": delivered.pk})
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
