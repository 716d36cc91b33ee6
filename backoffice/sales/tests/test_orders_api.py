import pytest


@pytest.fixture
def payload(hospital, products):
    return {
        "customer": hospital.pk,
        "contract": None,
        "lines": [
            {"product": products[0].pk, "quantity": "10", "is_gift": False},
            {"product": products[1].pk, "quantity": "3", "unit_price": "33.33"},
        ],
    }


@pytest.mark.django_db
def test_order_life_through_the_api(api, payload, rep_wang, clerk):
    api.force_authenticate(rep_wang)
    created = api.post("/api/v1/sales/orders/", payload, format="json")
    assert created.status_code == 201, created.json()
    order = created.json()
    assert order["gross_amount"] == "284.99"
    assert [line["ordered_quantity"] for line in order["lines"]] == ["10.000", "3.000"]
    assert [line["delivered_quantity"] for line in order["lines"]] == ["0.000", "0.000"]
    submitted = api.post(f"/api/v1/sales/orders/{order['id']}/submit/")
    assert submitted.json()["status"] == "in_review"
    api.force_authenticate(clerk)
    approved = api.post(
        f"/api/v1/sales/orders/{order['id']}/review/", {"verdict": "approve"}, format="json"
    )
    assert approved.json()["status"] == "approved"
    detail = api.get(f"/api/v1/sales/orders/{order['id']}/").json()
    assert detail["number"].startswith("SO-")


@pytest.mark.django_db
def test_orders_are_visible_like_their_customers(
    api, payload, rep_wang, rep_li, manager_north, finance
):
    api.force_authenticate(rep_wang)
    order_id = api.post("/api/v1/sales/orders/", payload, format="json").json()["id"]
    for user, count in [(rep_wang, 1), (rep_li, 0), (manager_north, 1), (finance, 1)]:
        api.force_authenticate(user)
        assert api.get("/api/v1/sales/orders/").json()["count"] == count, user.username
    api.force_authenticate(rep_li)
    assert api.get(f"/api/v1/sales/orders/{order_id}/").status_code == 404
    assert (
        api.post(f"/api/v1/sales/orders/{order_id}/cancel/", {}, format="json").status_code == 404
    )
    assert (
        api.post("/api/v1/sales/orders/", payload, format="json").status_code == 404
    )  # their customer


@pytest.mark.django_db
def test_api_errors_name_the_rule(api, payload, rep_wang, clerk, region_north, products):
    from backoffice.parties.services import customer_create

    api.force_authenticate(rep_wang)
    bad = dict(payload, lines=[{"product": products[0].pk, "quantity": "0"}])
    response = api.post("/api/v1/sales/orders/", bad, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert (
        api.post("/api/v1/sales/orders/", dict(payload, lines=[]), format="json").status_code == 400
    )
    unknown = dict(payload, lines=[{"product": 999999, "quantity": "1"}])
    assert api.post("/api/v1/sales/orders/", unknown, format="json").status_code == 400

    blocked = customer_create(by=rep_wang, name="无证药房", kind="pharmacy", region=region_north)
    order_id = api.post(
        "/api/v1/sales/orders/", dict(payload, customer=blocked.pk), format="json"
    ).json()["id"]
    api.post(f"/api/v1/sales/orders/{order_id}/submit/")
    api.force_authenticate(clerk)
    refused = api.post(
        f"/api/v1/sales/orders/{order_id}/review/", {"verdict": "approve"}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "qualification_blocked")
    override = api.post(
        f"/api/v1/sales/orders/{order_id}/override/", {"reason": "x"}, format="json"
    )
    assert (override.status_code, override.json()["code"]) == (403, "permission_denied")


def _token_client(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.django_db
def test_an_order_is_created_submitted_and_audited_in_few_statements(
    payload, rep_wang, clerk, django_assert_max_num_queries
):
    """Issue 16's hot path, each request as a client sends it (its token, nothing cached):
    a check that reads per line or per person, or a row read twice, shows here. The counts
    are those of SQLite inside the test's transaction (a savepoint per service)."""
    author, reviewer = _token_client(rep_wang), _token_client(clerk)
    with django_assert_max_num_queries(10):
        created = author.post("/api/v1/sales/orders/", payload, format="json")
    assert created.status_code == 201, created.json()
    order_id = created.json()["id"]
    with django_assert_max_num_queries(16):
        submitted = author.post(f"/api/v1/sales/orders/{order_id}/submit/")
    assert submitted.json()["status"] == "in_review"
    with django_assert_max_num_queries(26):  # 3 of them make the year's order counter
        approved = reviewer.post(
            f"/api/v1/sales/orders/{order_id}/review/", {"verdict": "approve"}, format="json"
        )
    assert approved.json()["status"] == "approved", approved.json()


@pytest.mark.django_db
@pytest.mark.parametrize(("verdict", "reads"), [("reject", 0), ("approve", 1)])
def test_only_the_releasing_decision_reads_the_order_locked_with_its_customer(
    api, payload, rep_wang, clerk, verdict, reads
):
    """The registration's `load` locks the order and its customer for the approval's credit
    check: a sending back (or an approval that does not release) reads the order plainly."""
    import dataclasses
    from unittest import mock

    from backoffice.reviews import registry
    from backoffice.sales.models import SalesOrder
    from backoffice.sales.services import order_for_review

    api.force_authenticate(rep_wang)
    order_id = api.post("/api/v1/sales/orders/", payload, format="json").json()["id"]
    api.post(f"/api/v1/sales/orders/{order_id}/submit/")
    spy = mock.Mock(side_effect=order_for_review)
    kind = registry.kind_of(SalesOrder)
    spied = dataclasses.replace(registry.registration_for(kind), load=spy)
    api.force_authenticate(clerk)
    with mock.patch.dict(registry._registry, {kind: spied}):
        decided = api.post(
            f"/api/v1/sales/orders/{order_id}/review/",
            {"verdict": verdict, "note": "请核对数量"},
            format="json",
        )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == ("approved" if verdict == "approve" else "draft")
    assert spy.call_count == reads
