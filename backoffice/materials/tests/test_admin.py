"""The materials pages as staff use them: an issue entered with its lines, refused with the
rule beside the form when it breaks one; a receipt entered and posted; the catalog searched
by pinyin; the to-dos of the dashboard."""

from decimal import Decimal

import pytest
from django.test import Client

from backoffice.materials.models import IssueRequest, MaterialItem, StockReceipt
from backoffice.materials.tests.conftest import receive, soon

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _issue_form(location, **fields) -> dict:
    return {
        "location": location.pk,
        "purpose": "internal",
        "reference": "",
        "note": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_an_issue_is_entered_with_its_lines(clerk, warehouse, brochure):
    answer = _client(clerk).post(
        "/materials/issuerequest/add/",
        _issue_form(warehouse, **{"lines-0-item": brochure.pk, "lines-0-quantity": "12"}),
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    issue = IssueRequest.objects.get()
    assert [(line.item, line.quantity) for line in issue.lines.all()] == [(brochure, Decimal("12"))]


def test_a_refused_issue_comes_back_with_the_rule_and_nothing_saved(clerk, warehouse, brochure):
    answer = _client(clerk).post(
        "/materials/issuerequest/add/",
        _issue_form(
            warehouse,
            purpose="customer",
            **{"lines-0-item": brochure.pk, "lines-0-quantity": "1"},
        ),
    )
    assert answer.status_code == 200
    assert "required: to which customer" in answer.content.decode()
    assert not IssueRequest.objects.exists()


def test_a_receipt_is_entered_and_posted(keeper, warehouse, brochure):
    answer = _client(keeper).post(
        "/materials/stockreceipt/add/",
        {
            "location": warehouse.pk,
            "received_on": soon(0).isoformat(),
            "supplier": "印务公司",
            "note": "",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "lines-0-item": brochure.pk,
            "lines-0-quantity": "40",
            "lines-0-unit_cost": "1.25",
            "lines-0-batch": "",
            "lines-0-expires_on": "",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    receipt = StockReceipt.objects.get()
    assert receipt.number.startswith("MR-") and receipt.total_value == Decimal("50.00")
    assert MaterialItem.objects.get(pk=brochure.pk).stock_quantity == Decimal("40")


def test_the_catalog_is_searched_by_pinyin_and_the_dashboard_warns(
    clerk, warehouse, brochure, sample
):
    receive(clerk, warehouse, brochure, "10", "1.00")  # below its reorder level of 50
    receive(clerk, warehouse, sample, "5", "1.00", batch="B1", expires_on=soon(10))
    client = _client(clerk)
    page = client.get("/materials/materialitem/?q=cpcy").content.decode()
    assert "产品彩页" in page and "阿莫西林样品" not in page
    page = client.get("/materials/materialitem/?stock=below").content.decode()
    assert "产品彩页" in page
    page = client.get("/").content.decode()
    assert "1 material item is below its reorder level" in page
    assert "1 batch in stock expires within 30 days" in page
