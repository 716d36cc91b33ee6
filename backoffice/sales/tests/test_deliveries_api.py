import pytest
from django.utils import timezone

from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.services import order_create, order_submit


@pytest.fixture
def order(hospital, clerk, second_clerk, products):
    order = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "10"}]
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    return order


@pytest.mark.django_db
def test_delivery_life_through_the_api(api, order, clerk, second_clerk, rep_li, rep_wang, carrier):
    from backoffice.accounts.services import user_create
    from backoffice.parties.services import address_create, customer_create

    third = user_create(username="clerk3", role="clerk")
    line = order.lines.get()
    address_create(
        customer=order.customer,
        by=clerk,
        recipient="王主任",
        phone="13800000001",
        address="北京市东城区大华路1号",
        is_default=True,
    )
    pharmacy = address_create(
        customer=order.customer,
        by=clerk,
        label="门诊药房",
        recipient="李药师",
        phone="13800000002",
        address="北京市东城区大华路1号门诊楼",
    )
    other = customer_create(by=rep_wang, name="另一家医院", kind="hospital", region=order.region)
    elsewhere = address_create(
        customer=other, by=rep_wang, recipient="赵", phone="1", address="天津市"
    )
    api.force_authenticate(clerk)
    payload = {
        "order": order.pk,
        "lines": [{"order_line": line.pk, "quantity": "4"}],
        "method": "express",
        "carrier": carrier.pk,
        "promised_on": "2026-12-01",
        "extras": [{"kind": "sample", "description": "阿莫西林样品", "quantity": "2"}],
    }
    foreign = api.post(
        "/api/v1/sales/deliveries/", dict(payload, address=elsewhere.pk), format="json"
    )
    assert (foreign.status_code, foreign.json()["code"]) == (400, "address_of_another_customer")
    created = api.post(
        "/api/v1/sales/deliveries/", dict(payload, address=pharmacy.pk), format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["ship_to"] == pharmacy.pk
    assert created.json()["ship_to_address"] == "北京市东城区大华路1号门诊楼"
    delivery_id = created.json()["id"]
    too_much = api.post(
        "/api/v1/sales/deliveries/",
        dict(payload, lines=[{"order_line": line.pk, "quantity": "7"}]),
        format="json",
    )
    assert (too_much.status_code, too_much.json()["code"]) == (409, "over_delivery")
    assert (
        api.post(f"/api/v1/sales/deliveries/{delivery_id}/submit/").json()["review"]["required"]
        == 2
    )
    for reviewer in (second_clerk, third):
        api.force_authenticate(reviewer)
        released = api.post(
            f"/api/v1/sales/deliveries/{delivery_id}/review/", {"verdict": "approve"}, format="json"
        )
    assert released.json()["status"] == "released"
    api.force_authenticate(clerk)
    no_tracking = api.post(f"/api/v1/sales/deliveries/{delivery_id}/ship/", {}, format="json")
    assert no_tracking.status_code == 400
    no_batch = api.post(
        f"/api/v1/sales/deliveries/{delivery_id}/ship/", {"tracking_number": "SF1"}, format="json"
    )
    assert no_batch.status_code == 400 and "batch" in no_batch.json()["message"]
    delivery_line = created.json()["lines"][0]["id"]
    expired = api.post(
        f"/api/v1/sales/deliveries/{delivery_id}/ship/",
        {
            "tracking_number": "SF1",
            "lines": [
                {"delivery_line": delivery_line, "batch_number": "B1", "expires_on": "2020-01-01"}
            ],
        },
        format="json",
    )
    assert expired.status_code == 400
    assert "expires_on" in expired.json()["extra"]["fields"]["lines"]["1"]
    shipped = api.post(
        f"/api/v1/sales/deliveries/{delivery_id}/ship/",
        {
            "tracking_number": "SF1",
            "lines": [
                {"delivery_line": delivery_line, "batch_number": "B1", "expires_on": "2099-01-01"}
            ],
        },
        format="json",
    )
    assert shipped.json()["status"] == "shipped"
    shipped_line = shipped.json()["lines"][0]
    assert (shipped_line["batch_number"], shipped_line["expires_on"]) == ("B1", "2099-01-01")
    signed = api.post(
        f"/api/v1/sales/deliveries/{delivery_id}/sign/",
        {"signed_on": timezone.localdate().isoformat(), "signed_by": "王主任"},
        format="json",
    )
    assert signed.json()["status"] == "signed"
    order_view = api.get(f"/api/v1/sales/orders/{order.pk}/").json()
    assert order_view["status"] == "partially_delivered"
    assert order_view["lines"][0]["delivered_quantity"] == "4.000"
    api.force_authenticate(rep_li)
    assert api.get(f"/api/v1/sales/deliveries/{delivery_id}/").status_code == 404
    assert api.get("/api/v1/sales/deliveries/").json()["count"] == 0
