"""The materials API: the contract of issue 17 (decimal strings, ids, 409 codes, 404s)."""

import pytest

from backoffice.materials.models import IssueRequest, Location
from backoffice.materials.tests.conftest import receive, soon

pytestmark = pytest.mark.django_db


def test_a_receipt_an_issue_two_reviews_and_a_return_through_the_api(
    api, rep_wang, clerk, second_clerk, keeper, warehouse, sample, hospital
):
    api.force_authenticate(keeper)
    answer = api.post(
        "/api/v1/materials/receipts/",
        {
            "location": warehouse.pk,
            "supplier": "样品供应商",
            "lines": [
                {
                    "item": sample.pk,
                    "quantity": "10",
                    "unit_cost": "2.50",
                    "batch": "B1",
                    "expires_on": soon(100).isoformat(),
                }
            ],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["total_value"] == "25.00"
    stock = api.get(f"/api/v1/materials/stock/?item={sample.pk}&location={warehouse.pk}").json()
    assert [(r["batch"], r["quantity"], r["value"]) for r in stock["results"]] == [
        ("B1", "10.000", "25.00")
    ]

    api.force_authenticate(rep_wang)
    answer = api.post(
        "/api/v1/materials/issues/",
        {
            "location": warehouse.pk,
            "purpose": "customer",
            "customer": hospital.pk,
            "due_back_on": soon(10).isoformat(),
            "lines": [{"item": sample.pk, "quantity": "4"}],
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    issue = answer.json()
    assert api.post(f"/api/v1/materials/issues/{issue['id']}/submit/").status_code == 200
    for reviewer in (clerk, keeper):
        api.force_authenticate(reviewer)
        answer = api.post(
            f"/api/v1/materials/issues/{issue['id']}/review/",
            {"verdict": "approve"},
            format="json",
        )
        assert answer.status_code == 200, answer.json()
    detail = api.get(f"/api/v1/materials/issues/{issue['id']}/").json()
    assert detail["status"] == "released" and detail["total_value"] == "10.00"
    line = detail["lines"][0]["id"]
    answer = api.post(
        f"/api/v1/materials/issues/{issue['id']}/return/",
        {"lines": [{"line": line, "quantity": "4"}]},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["status"] == "returned"
    assert answer.json()["lines"][0]["returned_quantity"] == "4.000"


def test_what_the_api_refuses(api, rep_wang, rep_li, clerk, keeper, warehouse, brochure):
    receive(clerk, warehouse, brochure, "3", "1.00")
    api.force_authenticate(rep_wang)
    answer = api.post(
        "/api/v1/materials/issues/",
        {
            "location": warehouse.pk,
            "purpose": "internal",
            "lines": [{"item": brochure.pk, "quantity": "5"}],
        },
        format="json",
    )
    issue = answer.json()["id"]
    answer = api.post(f"/api/v1/materials/issues/{issue}/submit/")
    assert answer.status_code == 409 and answer.json()["code"] == "insufficient_stock"
    # a line with an unknown item names its line
    answer = api.post(
        "/api/v1/materials/issues/",
        {
            "location": warehouse.pk,
            "purpose": "internal",
            "lines": [{"item": 999999, "quantity": "1"}],
        },
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["extra"]["fields"]["lines"] == {
        "1": {"item": ["not an item of the catalog"]}
    }
    # a rep receives no stock and returns nothing
    answer = api.post(
        "/api/v1/materials/receipts/",
        {"location": warehouse.pk, "lines": []},
        format="json",
    )
    assert answer.status_code == 403
    answer = api.post(f"/api/v1/materials/issues/{issue}/return/", {"lines": []}, format="json")
    assert answer.status_code == 403
    # another rep's issue is not found
    api.force_authenticate(rep_li)
    assert api.get(f"/api/v1/materials/issues/{issue}/").status_code == 404
    # a location under stocktake
    Location.objects.filter(pk=warehouse.pk).update(counting_since="2026-01-01T00:00:00Z")
    api.force_authenticate(clerk)
    answer = api.post(
        "/api/v1/materials/receipts/",
        {
            "location": warehouse.pk,
            "lines": [{"item": brochure.pk, "quantity": "1", "unit_cost": "1"}],
        },
        format="json",
    )
    assert answer.status_code == 409 and answer.json()["code"] == "stocktake_in_progress"
    assert IssueRequest.objects.get(pk=issue).status == "draft"


def test_a_rep_sees_the_shared_stock_and_their_own_bag_only(
    api, rep_wang, rep_li, clerk, second_clerk, keeper, warehouse, sample
):
    from backoffice.materials.services import issue_create, issue_submit
    from backoffice.reviews.selectors import review_request_for
    from backoffice.reviews.services import review_decide

    receive(clerk, warehouse, sample, "10", "1.00", batch="B", expires_on=soon(90))
    issue = issue_create(
        by=clerk,
        location=warehouse,
        purpose="rep",
        recipient=rep_wang,
        lines=[{"item": sample, "quantity": "3"}],
    )
    issue_submit(issue=issue, by=clerk)
    for reviewer in (second_clerk, keeper):
        review_decide(request=review_request_for(issue), by=reviewer, verdict="approve")
    bag = Location.objects.get(holder=rep_wang)
    api.force_authenticate(rep_wang)
    seen = {r["location"] for r in api.get("/api/v1/materials/stock/").json()["results"]}
    assert seen == {warehouse.pk, bag.pk}
    api.force_authenticate(rep_li)
    seen = {r["location"] for r in api.get("/api/v1/materials/stock/").json()["results"]}
    assert seen == {warehouse.pk}
    assert api.get("/api/v1/materials/items/?q=amxl").json()["count"] == 1  # 阿莫西林样品


def test_a_stocktake_through_the_api(api, keeper, clerk, warehouse, brochure):
    from backoffice.accounts.services import user_create

    manager = user_create(username="sm", role="sales_manager", full_name="赵强")
    receive(clerk, warehouse, brochure, "20", "1.50")
    api.force_authenticate(keeper)
    answer = api.post("/api/v1/materials/stocktakes/", {"location": warehouse.pk}, format="json")
    assert answer.status_code == 201, answer.json()
    stocktake = answer.json()
    assert [(line["expected"], line["counted"]) for line in stocktake["lines"]] == [
        ("20.000", None)
    ]
    again = api.post("/api/v1/materials/stocktakes/", {"location": warehouse.pk}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "stocktake_in_progress"
    path = f"/api/v1/materials/stocktakes/{stocktake['id']}"
    answer = api.put(f"{path}/counts/", [{"item": brochure.pk, "counted": "18"}], format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["lines"][0]["variance"] == "-2.000"
    assert api.post(f"{path}/submit/").status_code == 200
    api.force_authenticate(manager)
    answer = api.post(f"{path}/review/", {"verdict": "approve"}, format="json")
    assert answer.status_code == 200, answer.json()
    detail = api.get(f"{path}/").json()
    assert detail["status"] == "approved" and detail["variance_value"] == "-3.00"
