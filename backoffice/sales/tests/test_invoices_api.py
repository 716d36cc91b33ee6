import pytest

from backoffice.sales.models import Invoice


@pytest.mark.django_db
def test_invoice_life_through_the_api(api, delivered, clerk, second_clerk, finance, rep_li):
    first = delivered.lines.get(line_no=1)
    api.force_authenticate(clerk)
    mismatch = api.post(
        "/api/v1/sales/invoices/",
        {
            "order": delivered.pk,
            "lines": [{"order_line": first.pk, "quantity": "6", "unit_price": "1.00"}],
        },
        format="json",
    )
    assert (mismatch.status_code, mismatch.json()["code"]) == (409, "invoice_mismatch")
    over = api.post(
        "/api/v1/sales/invoices/",
        {"order": delivered.pk, "lines": [{"order_line": first.pk, "quantity": "7"}]},
        format="json",
    )
    assert (over.status_code, over.json()["code"]) == (409, "over_invoicing")
    created = api.post("/api/v1/sales/invoices/", {"order": delivered.pk}, format="json")
    assert created.status_code == 201, created.json()
    invoice_id = created.json()["id"]
    assert (
        api.post(f"/api/v1/sales/invoices/{invoice_id}/submit/").json()["review"]["required"] == 2
    )
    for reviewer in (second_clerk, finance):
        api.force_authenticate(reviewer)
        audited = api.post(
            f"/api/v1/sales/invoices/{invoice_id}/review/", {"verdict": "approve"}, format="json"
        )
    assert audited.json()["status"] == "approved"
    api.force_authenticate(clerk)
    refused = api.post(
        f"/api/v1/sales/invoices/{invoice_id}/issue/",
        {"invoice_number": "12345678", "issued_on": "2026-11-30"},
        format="json",
    )
    assert refused.status_code == 403
    api.force_authenticate(finance)
    bad = api.post(
        f"/api/v1/sales/invoices/{invoice_id}/issue/",
        {"invoice_number": "123", "issued_on": "2026-11-30"},
        format="json",
    )
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_vat_invoice_number")
    issued = api.post(
        f"/api/v1/sales/invoices/{invoice_id}/issue/",
        {
            "invoice_number": "12345678",
            "invoice_code": "1100233130",
            "issued_on": "2026-11-30",
            "invoice_type": "special_vat",
        },
        format="json",
    )
    assert issued.json()["status"] == "issued" and issued.json()["invoice_number"] == "12345678"
    assert issued.json()["invoice_code"] == "1100233130"
    asked = api.post(
        f"/api/v1/sales/invoices/{invoice_id}/reverse/",
        {"invoice_number": "87654321", "issued_on": "2026-12-01", "reason": "开票信息有误"},
        format="json",
    )
    # asked, not issued: two others than the asker approve it (issue 15 §20)
    assert asked.status_code == 202, asked.content
    assert asked.json()["status"] == "in_review"
    assert asked.json()["action"] == "sales.invoice.red_letter"
    review = f"/api/v1/reviews/reversals/{asked.json()['id']}/review/"
    assert api.post(review, {"verdict": "approve"}, format="json").status_code == 403
    for reviewer in (clerk, second_clerk):
        api.force_authenticate(reviewer)
        assert api.post(review, {"verdict": "approve"}, format="json").status_code == 200
    api.force_authenticate(finance)
    red = Invoice.objects.get(kind="red", reverses_id=invoice_id)
    assert api.get(f"/api/v1/sales/invoices/{red.pk}/").json()["gross_amount"].startswith("-")
    again = api.post(
        f"/api/v1/sales/invoices/{invoice_id}/reverse/",
        {"invoice_number": "87654321", "issued_on": "2026-12-01", "reason": "x"},
        format="json",
    )
    assert again.status_code in (400, 409)
    api.force_authenticate(rep_li)
    assert api.get(f"/api/v1/sales/invoices/{invoice_id}/").status_code == 404
