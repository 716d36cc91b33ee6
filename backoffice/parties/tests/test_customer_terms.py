"""Separation of duties on customer terms (issue 15 §3): credit limit, payment terms, status
and region only by clerks with the permission or managers; a new credit limit or status only
after one reviewer who is not its requester."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice.audit.models import AuditEvent
from backoffice.core.exceptions import NotAllowed
from backoffice.parties.models import Customer, CustomerTermsChange
from backoffice.parties.services import (
    customer_create,
    customer_terms_change_request,
    customer_update,
)
from backoffice.reviews.exceptions import SelfReviewForbidden
from backoffice.reviews.selectors import review_pending_for, review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.exceptions import CreditLimitExceeded
from backoffice.sales.services import order_create, order_submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("credit_limit", "9999999.00"),
        ("credit_limit", "0.00"),
        ("payment_terms_days", 180),
        ("status", "blacklisted"),
        ("region", "east"),
    ],
)
def test_a_rep_may_not_change_the_terms_of_her_own_customer(
    api, hospital, rep_wang, region_east, field, value
):
    hospital.credit_limit = Decimal("1000.00")
    hospital.save(update_fields=["credit_limit"])
    if value == "east":
        value = region_east.pk
    api.force_authenticate(rep_wang)
    response = api.patch(f"/api/v1/parties/customers/{hospital.pk}/", {field: value}, format="json")
    assert response.status_code == 403, response.json()
    assert response.json()["extra"]["fields"] == {field: ["You may not change this field."]}
    assert str(Customer._meta.get_field(field).verbose_name) in response.json()["message"]
    fresh = Customer.objects.get(pk=hospital.pk)
    assert (fresh.credit_limit, fresh.payment_terms_days, fresh.status, fresh.region_id) == (
        Decimal("1000.00"),
        30,
        "active",
        hospital.region_id,
    )


def test_a_rep_may_not_lift_a_blacklisting(hospital, rep_wang, clerk, finance):
    from backoffice.parties.tests.factories import terms_set

    terms_set(hospital, by=clerk, reviewer=finance, customer_status="blacklisted")
    with pytest.raises(NotAllowed):
        customer_update(customer=hospital, by=rep_wang, status="active")
    assert Customer.objects.get(pk=hospital.pk).status == "blacklisted"


def test_a_rep_still_changes_the_rest_and_sends_the_terms_unchanged(hospital, rep_wang):
    customer_update(
        customer=hospital,
        by=rep_wang,
        phone="010-12345678",
        credit_limit=hospital.credit_limit,
        status=hospital.status,
        region=hospital.region,
        payment_terms_days=hospital.payment_terms_days,
    )
    assert Customer.objects.get(pk=hospital.pk).phone == "010-12345678"


def test_a_rep_creates_customers_with_the_default_terms_only(rep_wang, region_north):
    with pytest.raises(NotAllowed) as refused:
        customer_create(
            by=rep_wang, name="新医院", kind="hospital", region=region_north, credit_limit="5000"
        )
    assert set(refused.value.extra["fields"]) == {"credit_limit"}
    created = customer_create(by=rep_wang, name="新医院", kind="hospital", region=region_north)
    assert created.credit_limit == Decimal("0.00")


def test_the_attack_a_refused_order_stays_refused(
    api, hospital, rep_wang, clerk, finance, products
):
    """The exact case of the issue: a rep whose order was refused for credit_limit_exceeded
    raises the limit through the API, and the order is then approved. Both must fail."""
    from backoffice.parties.tests.factories import terms_set

    terms_set(hospital, by=clerk, reviewer=finance, credit_limit="100.00")
    order = order_create(
        customer=hospital, by=rep_wang, lines=[{"product": products[0], "quantity": "10"}]
    )
    order_submit(order=order, by=rep_wang)
    review = review_request_for(order)
    with pytest.raises(CreditLimitExceeded):
        review_decide(request=review, by=clerk, verdict="approve")
    api.force_authenticate(rep_wang)
    response = api.patch(
        f"/api/v1/parties/customers/{hospital.pk}/", {"credit_limit": "99999999"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    response = api.post(
        f"/api/v1/parties/customers/{hospital.pk}/terms-changes/",
        {"credit_limit": "99999999", "reason": "急单"},
        format="json",
    )
    assert response.status_code == 403
    with pytest.raises(CreditLimitExceeded):
        review_decide(request=review, by=clerk, verdict="approve")
    order.refresh_from_db()
    assert order.status == "in_review"
    assert Customer.objects.get(pk=hospital.pk).credit_limit == Decimal("100.00")


def test_a_new_credit_limit_waits_for_one_reviewer_who_is_not_its_requester(
    api, hospital, clerk, second_clerk, finance
):
    api.force_authenticate(clerk)
    response = api.patch(
        f"/api/v1/parties/customers/{hospital.pk}/",
        {"credit_limit": "50000.00", "payment_terms_days": 60},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["credit_limit"] == "0.00"  # not yet
    assert response.json()["payment_terms_days"] == 60  # terms without review: at once
    change = CustomerTermsChange.objects.get(customer=hospital)
    assert (change.status, change.credit_limit, change.requested_by) == (
        "in_review",
        Decimal("50000.00"),
        clerk,
    )
    review = review_request_for(change)
    assert review in review_pending_for(finance)
    assert review not in review_pending_for(clerk)
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review, by=clerk, verdict="approve")
    with pytest.raises(NotAllowed):  # a clerk asks; she does not review
        review_decide(request=review, by=second_clerk, verdict="approve")
    api.force_authenticate(finance)
    response = api.post(
        f"/api/v1/parties/terms-changes/{change.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "applied"
    assert Customer.objects.get(pk=hospital.pk).credit_limit == Decimal("50000.00")
    event = AuditEvent.objects.filter(
        model="parties.customer",
        object_id=str(hospital.pk),
        action=AuditEvent.Action.UPDATE,
        changes__has_key="credit_limit",
    ).get()
    assert event.actor == finance
    assert event.changes["credit_limit"][1] == "50000.00"


def test_a_refused_change_leaves_the_customer_unchanged(hospital, clerk, finance):
    change = customer_terms_change_request(
        customer=hospital, by=clerk, customer_status="suspended", reason="逾期"
    )
    review_decide(request=review_request_for(change), by=finance, verdict="reject", note="不同意")
    change.refresh_from_db()
    assert change.status == "refused"
    assert Customer.objects.get(pk=hospital.pk).status == "active"


def test_a_customers_terms_changes_filter_by_state_and_local_day(api, hospital, clerk, finance):
    refused = customer_terms_change_request(customer=hospital, by=clerk, credit_limit="10.00")
    review_decide(request=review_request_for(refused), by=finance, verdict="reject", note="否")
    waiting = customer_terms_change_request(customer=hospital, by=clerk, credit_limit="20.00")
    url = f"/api/v1/parties/customers/{hospital.pk}/terms-changes/"
    today = timezone.localdate()
    api.force_authenticate(clerk)

    def ids(**params) -> list[int]:
        response = api.get(url, params)
        assert response.status_code == 200, response.json()
        return sorted(row["id"] for row in response.json())

    assert ids() == sorted([refused.pk, waiting.pk])
    assert ids(status="refused") == [refused.pk]
    assert ids(status="in_review", date_from=today.isoformat()) == [waiting.pk]
    assert ids(date_to=(today - timedelta(days=1)).isoformat()) == []
    assert api.get(url, {"status": "gone"}).status_code == 400


def test_the_admin_locks_the_terms_for_a_rep_and_refuses_a_forged_post(
    client, hospital, rep_wang, clerk
):
    url = reverse("admin:parties_customer_change", args=[hospital.pk])
    client.force_login(rep_wang)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("credit_limit", "payment_terms_days", "status", "region"):
        assert f'name="{name}"' not in html
    forged = client.post(url, {"name": hospital.name, "credit_limit": "99999999"})
    assert forged.status_code == 403
    assert Customer.objects.get(pk=hospital.pk).credit_limit == Decimal("0.00")
    client.force_login(clerk)
    assert 'name="credit_limit"' in client.get(url).content.decode()


def test_the_customer_page_shows_a_pending_change(client, hospital, clerk):
    customer_terms_change_request(customer=hospital, by=clerk, credit_limit="8000", reason="扩量")
    client.force_login(clerk)
    page = client.get(reverse("admin:parties_customer_change", args=[hospital.pk]))
    assert 'data-testid="terms-change-pending"' in page.content.decode()


def test_a_terms_change_while_one_waits_comes_back_on_the_form_in_chinese(client, hospital, clerk):
    """The second change of the terms is refused (one at a time), on the form with what the
    clerk typed, in the page's language: not an error page in English."""
    from backoffice.core.edit_conflicts import FIELD, loaded_marker

    customer_terms_change_request(customer=hospital, by=clerk, credit_limit="8000", reason="扩量")
    hospital.refresh_from_db()
    client.force_login(clerk)
    url = reverse("admin:parties_customer_change", args=[hospital.pk])
    form = {
        "code": hospital.code,
        "name": "北京医院（新名）",
        "kind": hospital.kind,
        "grade": hospital.grade,
        "region": hospital.region_id,
        "owner": hospital.owner_id,
        "status": hospital.status,
        "credit_limit": "9000",
        "payment_terms_days": str(hospital.payment_terms_days),
        "invoice_type": hospital.invoice_type,
        FIELD: loaded_marker(hospital),
        **{
            f"{name}-{count}_FORMS": "0"
            for name in ("contacts", "addresses", "qualifications")
            for count in ("TOTAL", "INITIAL")
        },
    }
    page = client.post(url, form, HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200, html[:2000]
    assert "该客户已有一项信用条件变更在等待复核。" in html
    assert "waiting for review already" not in html
    assert 'value="北京医院（新名）"' in html and 'value="9000"' in html  # the edits kept
    hospital.refresh_from_db()
    assert hospital.name != "北京医院（新名）"  # nothing written
