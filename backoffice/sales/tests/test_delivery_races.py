"""Races on the real database (SQLite and PostgreSQL): real threads, real transactions."""

import pytest

from backoffice.accounts.services import user_create
from backoffice.core.tests.races import all_at_once
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.models import Delivery, SalesOrderLine
from backoffice.sales.services import delivery_create, delivery_submit, order_create, order_submit

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def approved_order(hospital, clerk, second_clerk, products):
    order = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "5"}]
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    return order


def test_two_deliveries_of_the_last_quantity_at_once_one_fails(approved_order, clerk):
    line = approved_order.lines.get()
    done, errors = all_at_once(
        [
            lambda: delivery_create(
                order=approved_order, by=clerk, lines=[{"order_line": line.pk, "quantity": "5"}]
            )
        ]
        * 2
    )
    assert len(done) == 1
    assert [getattr(e, "code", repr(e)) for e in errors] == ["over_delivery"]
    assert Delivery.objects.count() == 1


def test_twenty_reviewers_release_one_delivery_once(approved_order, clerk):
    line = approved_order.lines.get()
    delivery = delivery_create(
        order=approved_order, by=clerk, lines=[{"order_line": line.pk, "quantity": "5"}]
    )
    delivery_submit(delivery=delivery, by=clerk)
    reviewers = [user_create(username=f"r{i}", role="clerk") for i in range(20)]
    request = review_request_for(delivery)
    _, errors = all_at_once(
        [lambda r=r: review_decide(request=request, by=r, verdict="approve") for r in reviewers]
    )
    assert {getattr(e, "code", repr(e)) for e in errors} <= {"review_closed"}
    delivery.refresh_from_db()
    assert delivery.status == "released"
    assert SalesOrderLine.objects.get(pk=line.pk).delivered_quantity == 5  # counted once
