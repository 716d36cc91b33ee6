"""The office's API: carriers with their rating, the register, a bill uploaded (multipart),
its matching shown, settled once (409 already_settled after)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backoffice.office.tests.conftest import bill_csv, last_month, sent

pytestmark = pytest.mark.django_db


def test_carriers_register_and_a_bill_through_the_api(api, clerk, carrier, hospital, rep_li):
    api.force_authenticate(clerk)
    zto = api.post(
        "/api/v1/mail/carriers/", {"code": "ZTO", "name": "中通快递", "status": "candidate"}
    )
    assert zto.status_code == 201 and zto.json()["rating"]["shipments"] == 0
    payload = {
        "kind": "invoice",
        "customer": hospital.pk,
        "carrier": zto.json()["id"],
        "tracking_number": "ZT1",
        "shipped_on": (last_month() + timedelta(days=2)).isoformat(),
        "cost": "8.00",
    }
    refused = api.post("/api/v1/mail/items/", payload, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "carrier_not_approved"
    payload["carrier"] = carrier.pk
    created = api.post("/api/v1/mail/items/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["counterparty"] == "北京医院" and created.json()["cost"] == "8.00"
    assert api.get("/api/v1/mail/items/?q=ZT1").json()["count"] == 1
    item_id = created.json()["id"]
    delivered = api.post(
        f"/api/v1/mail/items/{item_id}/status/",
        {"status": "delivered", "on": (last_month() + timedelta(days=3)).isoformat()},
        format="json",
    )
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"
    rating = api.get(f"/api/v1/mail/carriers/{carrier.pk}/").json()
    assert rating["rating"]["shipments"] == 1 and rating["months"][0]["shipments"] == 1

    sent(clerk, carrier, "SF2", "10.00")
    upload = {
        "carrier": carrier.pk,
        "month": last_month().strftime("%Y-%m"),
        "file": SimpleUploadedFile(
            "bill.csv", bill_csv([["ZT1", "", "1", "8.00"], ["SF9", "", "1", "5.00"]])
        ),
    }
    bill = api.post("/api/v1/mail/carrier-bills/", upload, format="multipart")
    assert bill.status_code == 201, bill.json()
    body = bill.json()
    assert body["matches"]["matched"]["lines"] == 1
    assert body["matches"]["not_registered"]["lines"] == 1
    assert [e["tracking_number"] for e in body["missing_entries"]] == ["SF2"]
    upload["file"] = SimpleUploadedFile(
        "bill.csv", bill_csv([["ZT1", "", "1", "8.00"], ["SF9", "", "1", "5.00"]])
    )
    again = api.post("/api/v1/mail/carrier-bills/", upload, format="multipart")
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    bad = api.post(
        "/api/v1/mail/carrier-bills/",
        {**upload, "file": SimpleUploadedFile("b.csv", bill_csv([["X", "", "1", "abc"]]))},
        format="multipart",
    )
    # another file for the month: read, and refused for its line 2, column 费用
    assert bad.status_code == 400
    assert bad.json()["extra"]["problems"] == [{"line": 2, "column": "费用", "message": "a number"}]
    settled = api.post(f"/api/v1/mail/carrier-bills/{body['id']}/settle/")
    assert settled.status_code == 200 and settled.json()["status"] == "settled"
    twice = api.post(f"/api/v1/mail/carrier-bills/{body['id']}/settle/")
    assert twice.status_code == 409 and twice.json()["code"] == "already_settled"
    assert api.get(f"/api/v1/mail/items/{item_id}/").json()["fee"] == "8.00"

    api.force_authenticate(rep_li)  # not 李's customer
    assert api.get(f"/api/v1/mail/items/{item_id}/").status_code == 404
    assert api.post(f"/api/v1/mail/carrier-bills/{body['id']}/settle/").status_code == 403
