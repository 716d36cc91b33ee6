"""The customer file's lists: a good value filters, a bad one is a 400 that names the
parameter, a customer the caller may not see a 404."""

from datetime import date, timedelta

import pytest

from backoffice.parties.services import (
    call_record,
    contact_create,
    customer_update,
    feedback_create,
    feedback_start,
    qualification_create,
    visit_record,
)


def _rows(response, key: str = "id") -> list:
    assert response.status_code == 200, response.json()
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return [row[key] for row in rows]


def _refused(response, field: str) -> None:
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert list(body["extra"]["fields"]) == [field]
    assert body["extra"]["fields"][field]


@pytest.fixture
def two_customers(make_customer, rep_wang, rep_li, region_east):
    north = make_customer(rep_wang, name="北京医院")
    north = customer_update(customer=north, by=rep_wang, status="active")
    east = make_customer(rep_li, name="上海药店", kind="pharmacy", region=region_east)
    return north, east


@pytest.mark.django_db
def test_customers_filter_by_kind_status_region_and_owner(api, clerk, two_customers):
    north, _east = two_customers
    api.force_authenticate(clerk)
    url = "/api/v1/parties/customers/"
    assert _rows(api.get(url, {"kind": "pharmacy"}), "name") == ["上海药店"]
    assert _rows(api.get(url, {"status": "active"}), "name") == ["北京医院"]
    assert _rows(api.get(url, {"region": "east"}), "name") == ["上海药店"]
    assert _rows(api.get(url, {"region": str(north.region_id)}), "name") == ["北京医院"]
    assert _rows(api.get(url, {"owner": "rep_li"}), "name") == ["上海药店"]
    assert _rows(api.get(url, {"owner": str(north.owner_id)}), "name") == ["北京医院"]
    assert _rows(api.get(url, {"q": "shyd"}), "name") == ["上海药店"]


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("kind", "hospitals"), ("status", "ACTIVE")])
def test_customers_refuse_an_unknown_choice(api, clerk, field, value):
    api.force_authenticate(clerk)
    _refused(api.get("/api/v1/parties/customers/", {field: value}), field)


@pytest.mark.django_db
def test_a_rep_still_sees_only_own_customers_whatever_the_filter(api, rep_li, two_customers):
    api.force_authenticate(rep_li)
    assert _rows(api.get("/api/v1/parties/customers/", {"region": "north"})) == []
    assert _rows(api.get("/api/v1/parties/customers/"), "name") == ["上海药店"]


@pytest.mark.django_db
def test_contacts_filter_by_primary_with_a_strict_boolean(api, rep_wang, two_customers):
    north, _east = two_customers
    contact_create(customer=north, by=rep_wang, name="张主任", is_primary=True)
    contact_create(customer=north, by=rep_wang, name="李药师")
    api.force_authenticate(rep_wang)
    url = f"/api/v1/parties/customers/{north.pk}/contacts/"
    assert _rows(api.get(url, {"is_primary": "true"}), "name") == ["张主任"]
    assert _rows(api.get(url, {"is_primary": "false"}), "name") == ["李药师"]
    _refused(api.get(url, {"is_primary": "yes"}), "is_primary")


@pytest.mark.django_db
def test_qualifications_filter_by_type_and_status(
    api, rep_wang, two_customers, licence_type, drug_licence_type
):
    north, _east = two_customers
    for paper_type in (licence_type, drug_licence_type):
        qualification_create(
            customer=north,
            by=rep_wang,
            qualification_type=paper_type,
            number=paper_type.code,
            valid_from=date(2020, 1, 1),
            valid_to=date(2099, 1, 1),
        )
    api.force_authenticate(rep_wang)
    url = f"/api/v1/parties/customers/{north.pk}/qualifications/"
    assert _rows(api.get(url, {"type": licence_type.code}), "type") == [licence_type.code]
    assert len(_rows(api.get(url, {"status": "pending"}))) == 2
    assert _rows(api.get(url, {"status": "verified"})) == []
    _refused(api.get(url, {"type": "no_such_paper"}), "type")
    _refused(api.get(url, {"status": "valid"}), "status")


@pytest.mark.django_db
def test_calls_filter_by_customer(api, clerk, rep_wang, rep_li, two_customers):
    north, east = two_customers
    call = call_record(customer=north, by=rep_wang)
    call_record(customer=east, by=rep_li)
    api.force_authenticate(clerk)
    assert _rows(api.get("/api/v1/parties/calls/", {"customer": north.pk})) == [call.pk]
    _refused(api.get("/api/v1/parties/calls/", {"customer": "北京医院"}), "customer")


@pytest.mark.django_db
def test_visits_filter_by_customer_and_dates(api, clerk, rep_wang, rep_li, two_customers):
    north, east = two_customers
    day = date(2026, 11, 20)
    early = visit_record(customer=north, by=rep_wang, visited_on=day, purpose="拜访")
    late = visit_record(customer=north, by=rep_wang, visited_on=day + timedelta(7), purpose="回访")
    other = visit_record(customer=east, by=rep_li, visited_on=day, purpose="拜访")
    api.force_authenticate(clerk)
    url = "/api/v1/parties/visits/"
    assert _rows(api.get(url, {"customer": north.pk})) == [late.pk, early.pk]
    assert _rows(api.get(url, {"date_from": "2026-11-21"})) == [late.pk]
    assert _rows(api.get(url, {"date_to": "2026-11-20"})) == [other.pk, early.pk]
    _refused(api.get(url, {"date_from": "2026-11-31"}), "date_from")
    _refused(api.get(url, {"date_to": "20 November"}), "date_to")


@pytest.mark.django_db
def test_feedback_filters_by_customer_and_status(api, clerk, rep_wang, two_customers):
    north, east = two_customers
    started = feedback_create(customer=north, by=rep_wang, type="inquiry", description="价格")
    feedback_start(feedback=started, by=rep_wang)
    fresh = feedback_create(customer=east, by=clerk, type="complaint", description="破损")
    api.force_authenticate(clerk)
    url = "/api/v1/parties/feedback/"
    assert _rows(api.get(url, {"status": "in_progress"})) == [started.pk]
    assert _rows(api.get(url, {"customer": east.pk})) == [fresh.pk]
    _refused(api.get(url, {"status": "open"}), "status")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["calls", "visits", "feedback"])
def test_a_customer_the_caller_may_not_see_is_not_found(api, rep_li, two_customers, url):
    north, _east = two_customers
    api.force_authenticate(rep_li)
    response = api.get(f"/api/v1/parties/{url}/", {"customer": north.pk})
    assert response.status_code == 404
