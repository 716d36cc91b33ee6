"""Nobody reviews, or is told about, a document they may not see (issue 15 §2): a review is
in a person's queue, API, badge and to-dos only when its document is visible to them, and
`review_decide` refuses anyone else with the same 404 as a missing document."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory

from backoffice.accounts.services import user_create
from backoffice.core.exceptions import NotFound
from backoffice.parties.models import QualificationType
from backoffice.parties.services import (
    customer_create,
    customer_update,
    qualification_create,
    qualification_submit,
)
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.apps import _reviews_waiting
from backoffice.reviews.models import ReviewRequest
from backoffice.reviews.selectors import pending_badge, review_pending_for, review_request_for
from backoffice.reviews.services import review_approve_many, review_decide
from backoffice.sales.services import order_create, order_submit

QUEUE = "/reviews/reviewrequest/pending/"


def _trading_customer(name, region, rep, reviewers):
    """An active customer of `region` with a verified licence: its orders may be approved."""
    customer = customer_create(by=rep, name=name, kind="hospital", region=region)
    customer = customer_update(customer=customer, by=rep, status="active")
    paper = qualification_create(
        customer=customer,
        by=rep,
        qualification_type=QualificationType.objects.get(code="business_licence"),
        number=name,
        valid_from=date(2020, 1, 1),
        valid_to=date(2099, 1, 1),
        scan=pdf_upload(),
    )
    qualification_submit(qualification=paper, by=rep)
    for reviewer in reviewers:
        review_decide(request=review_request_for(paper), by=reviewer, verdict="approve")
    return customer


def _order_reviewer(username, regions, email=""):
    """A regional sales manager of `regions` who audits orders."""
    user = user_create(
        username=username,
        role="regional_manager",
        region_codes=regions,
        full_name=username,
        email=email,
    )
    user.user_permissions.add(Permission.objects.get(codename="review_order"))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def orders(rep_wang, rep_li, region_north, region_east, clerk, second_clerk, products):
    """An order of each region, waiting for its audit."""
    found = {}
    for code, rep, region in (("north", rep_wang, region_north), ("east", rep_li, region_east)):
        customer = _trading_customer(f"{code}医院", region, rep, (clerk, second_clerk))
        order = order_create(
            customer=customer, by=rep, lines=[{"product": products[0], "quantity": "2"}]
        )
        found[code] = order_submit(order=order, by=rep)
    return found


def _pending_ids(user) -> set[int]:
    return {r.object_id for r in review_pending_for(user)}


@pytest.mark.django_db
def test_a_north_manager_never_meets_an_east_orders_review(orders, api, clerk):
    north = _order_reviewer("mgr_north", ["north"])
    both = _order_reviewer("mgr_both", ["north", "east"])
    east_order, north_order = orders["east"], orders["north"]

    assert _pending_ids(north) == {north_order.pk}
    assert _pending_ids(both) == {north_order.pk, east_order.pk}
    assert _pending_ids(clerk) == {north_order.pk, east_order.pk}  # she sees every order

    # the API's queue, the sidebar badge, the dashboard's to-dos and "My reviews"
    api.force_authenticate(north)
    listed = api.get("/api/v1/reviews/pending/").json()
    assert [row["document_id"] for row in listed["results"]] == [north_order.pk]
    badge = RequestFactory().get("/")
    badge.user = north
    assert pending_badge(badge) == "1"
    assert [str(t.url) for t in _reviews_waiting(north)] == [
        f"/sales/salesorder/{north_order.pk}/change/"
    ]
    page = Client()
    page.force_login(north)
    shown = page.get(QUEUE)
    assert [row["review"].object_id for row in shown.context["rows"]] == [north_order.pk]
    assert str(east_order) not in shown.content.decode()
    # the sidebar writes the badge of its one entry that has one (unfold/helpers/app_list.html)
    badges = re.findall(
        r'<span class="sidebar-badge[^>]*>\s*(\S+?)\s*</span>', shown.content.decode()
    )
    assert badges == ["1"]

    # nor can he decide on it: not through the API, the service or the bulk approve
    refused = api.post(
        f"/api/v1/sales/orders/{east_order.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert refused.status_code == 404
    with pytest.raises(NotFound):
        review_decide(request=review_request_for(east_order), by=north, verdict="approve")
    outcome = review_approve_many(requests=[review_request_for(east_order)], by=north)
    assert outcome.approved == []
    bulk = page.post(QUEUE, {"reviews": [review_request_for(east_order).pk]}, follow=True)
    notes = " ".join(str(m) for m in bulk.context["messages"])
    assert str(east_order) not in notes  # not even its name
    assert review_request_for(east_order).decisions.count() == 0
    east_order.refresh_from_db()
    assert east_order.status == "in_review"

    # a manager of both regions decides on it as before
    api.force_authenticate(both)
    approved = api.post(
        f"/api/v1/sales/orders/{east_order.pk}/review/", {"verdict": "approve"}, format="json"
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == "approved"


@pytest.mark.django_db
def test_only_reviewers_who_may_see_the_document_are_told(
    rep_li, region_east, region_north, clerk, second_clerk, products, settings, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    settings.EMAIL_ENABLED = True
    _order_reviewer("mgr_north", ["north"], email="north@example.com")
    _order_reviewer("mgr_both", ["north", "east"], email="both@example.com")
    customer = _trading_customer("东方医院", region_east, rep_li, (clerk, second_clerk))
    order = order_create(
        customer=customer, by=rep_li, lines=[{"product": products[0], "quantity": "2"}]
    )
    with django_capture_on_commit_callbacks(execute=True):
        order_submit(order=order, by=rep_li)
    told = {address for message in mailoutbox for address in message.to}
    assert "both@example.com" in told
    assert "north@example.com" not in told


@pytest.mark.django_db
def test_the_pending_queue_is_one_query_whatever_its_length(
    orders, django_assert_num_queries, rep_li, products
):
    north = _order_reviewer("mgr_north", ["north"])
    review_pending_for(north).count()  # the user's permissions and groups, cached
    with django_assert_num_queries(2):  # the user's roles, then the queue
        assert len(list(review_pending_for(north))) == 1
    assert ReviewRequest.objects.filter(state="open").count() == 2


@pytest.mark.django_db
def test_telling_the_reviewers_reads_as_much_for_many_as_for_few(
    rep_li, region_east, region_north, clerk, second_clerk, products, settings, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.EMAIL_ENABLED = True
    customer = _trading_customer("东方医院", region_east, rep_li, (clerk, second_clerk))

    def submitted() -> int:
        order = order_create(
            customer=customer, by=rep_li, lines=[{"product": products[0], "quantity": "1"}]
        )
        rep = type(rep_li).objects.get(pk=rep_li.pk)  # nothing of the author's cached
        with CaptureQueriesContext(connection) as queries:
            order_submit(order=order, by=rep)
        return len(queries)

    _order_reviewer("mgr_east1", ["east"], email="east1@example.com")
    submitted()  # the first one makes the orders' review policy
    few = submitted()
    for n in range(2, 7):
        _order_reviewer(f"mgr_east{n}", ["east"], email=f"east{n}@example.com")
    _order_reviewer("mgr_north_only", ["north"], email="north@example.com")
    assert submitted() == few
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    told = {address for message in mailoutbox for address in message.to}
    assert {f"east{n}@example.com" for n in range(1, 7)} <= told
    assert "north@example.com" not in told


@pytest.mark.django_db
def test_the_badge_is_kept_until_a_review_moves_and_no_longer_than_a_minute(
    hospital,
    clerk,
    second_clerk,
    products,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    """The sidebar's count is on every page: read once, it is kept for the person; a review
    submitted or decided renews everyone's when it commits; what moves it outside the
    engine shows within BADGE_SECONDS."""
    import time
    from unittest import mock

    from backoffice.reviews.selectors import BADGE_SECONDS

    def submitted():
        order = order_create(
            customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "1"}]
        )
        with django_capture_on_commit_callbacks() as committed:
            order = order_submit(order=order, by=clerk)
        assert pending_badge(badge) == "", "the count is renewed once the review commits"
        for callback in committed:
            callback()
        return order

    badge = RequestFactory().get("/")
    badge.user = second_clerk
    assert pending_badge(badge) == ""
    with django_assert_num_queries(0):
        assert pending_badge(badge) == ""
    order = submitted()
    assert pending_badge(badge) == "1"
    with django_assert_num_queries(0):
        assert pending_badge(badge) == "1"
    with django_capture_on_commit_callbacks(execute=True):
        review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    assert pending_badge(badge) == ""
    # outside the engine (here a review closed by hand) the kept count lasts its time
    order = submitted()
    assert pending_badge(badge) == "1"
    ReviewRequest.objects.filter(pk=review_request_for(order).pk).update(state="withdrawn")
    assert pending_badge(badge) == "1"
    with mock.patch("time.time", return_value=time.time() + BADGE_SECONDS + 1):
        assert pending_badge(badge) == ""


@pytest.mark.django_db
def test_reviews_and_pages_go_on_when_the_cache_is_down(hospital, clerk, second_clerk, products):
    from unittest import mock

    from django.core.cache import cache

    badge = RequestFactory().get("/")
    badge.user = second_clerk
    down = ConnectionError("cache down")
    with (
        mock.patch.object(cache, "set", side_effect=down),
        mock.patch.object(cache, "add", side_effect=down),
        mock.patch.object(cache, "get_many", side_effect=down),
    ):
        order = order_create(
            customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "1"}]
        )
        order_submit(order=order, by=clerk)  # not refused for the cache's sake
        assert pending_badge(badge) == "1"  # counted
    assert pending_badge(badge) == "1"
