"""A delivery's extras drawn from stock (issue 17 §6): its release takes them out of their
location in the release's transaction (short stock refuses the approval), a return of the
delivery brings them back; extras without an item stay as they were."""

from decimal import Decimal

import pytest

from backoffice.core.exceptions import ValidationFailed
from backoffice.materials.exceptions import InsufficientStock
from backoffice.materials.models import StockMove
from backoffice.materials.services import issue_create, issue_submit
from backoffice.materials.tests.conftest import receive, refreshed, soon
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.models import Delivery
from backoffice.sales.services import (
    delivery_create,
    delivery_return,
    delivery_ship,
    delivery_submit,
    order_create,
    order_submit,
)
from backoffice.sales.tests.factories import batch_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(hospital, clerk, second_clerk, products):
    order = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "10"}]
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    return order


def _deliver(order, clerk, extras):
    return delivery_create(
        order=order,
        by=clerk,
        lines=[{"order_line": order.lines.get(), "quantity": "10"}],
        extras=extras,
    )


def _release(delivery, *reviewers):
    for reviewer in reviewers:
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    return Delivery.objects.get(pk=delivery.pk)


def test_the_release_takes_the_extras_out_and_a_return_brings_them_back(
    order, hospital, clerk, second_clerk, third_clerk, warehouse, sample, brochure, carrier
):
    receive(clerk, warehouse, sample, "10", "8.00", batch="B1", expires_on=soon(60))
    delivery = _deliver(
        order,
        clerk,
        [
            {"kind": "sample", "item": sample, "location": warehouse, "quantity": "3"},
            {"kind": "material", "description": "产品说明书（随货）", "quantity": "10"},
        ],
    )
    extra = delivery.extras.get(item=sample)
    assert extra.description == str(sample)
    delivery_submit(delivery=delivery, by=clerk)
    delivery = _release(delivery, second_clerk, third_clerk)
    move = StockMove.objects.get(kind="delivery")
    assert (move.quantity, move.value, move.batch, move.customer) == (
        Decimal("-3"),
        Decimal("-24.00"),
        "B1",
        hospital,
    )
    assert move.source_number == delivery.number
    assert refreshed(sample).stock_quantity == Decimal("7")
    delivery_ship(
        delivery=delivery,
        by=clerk,
        tracking_number="SF1234567890",
        lines=batch_rows(delivery),
        carrier=carrier,
    )
    delivery_return(delivery=Delivery.objects.get(pk=delivery.pk), by=clerk, reason="客户拒收")
    back = StockMove.objects.get(kind="return")
    assert (back.quantity, back.value, back.batch) == (Decimal("3"), Decimal("24.00"), "B1")
    item = refreshed(sample)
    assert item.stock_quantity == Decimal("10") and item.stock_value == Decimal("80.00")


def test_short_stock_refuses_the_submission_and_the_release(
    order, clerk, second_clerk, third_clerk, warehouse, brochure
):
    receive(clerk, warehouse, brochure, "5", "1.00")
    delivery = _deliver(
        order, clerk, [{"kind": "gift", "item": brochure, "location": warehouse, "quantity": "6"}]
    )
    with pytest.raises(InsufficientStock):
        delivery_submit(delivery=delivery, by=clerk)
    receive(clerk, warehouse, brochure, "1", "1.00")
    delivery_submit(delivery=delivery, by=clerk)
    # meanwhile an issue takes three of the six: the release finds the stock short
    issue = issue_create(
        by=clerk,
        location=warehouse,
        purpose="internal",
        lines=[{"item": brochure, "quantity": "3"}],
    )
    issue_submit(issue=issue, by=clerk)
    for reviewer in (second_clerk, third_clerk):
        review_decide(request=review_request_for(issue), by=reviewer, verdict="approve")
    review_decide(request=review_request_for(delivery), by=second_clerk, verdict="approve")
    with pytest.raises(InsufficientStock):
        review_decide(request=review_request_for(delivery), by=third_clerk, verdict="approve")
    assert Delivery.objects.get(pk=delivery.pk).status == "in_review"
    assert not StockMove.objects.filter(kind="delivery").exists()


def test_an_extra_from_stock_names_its_location(order, clerk, brochure):
    with pytest.raises(ValidationFailed) as bad:
        _deliver(order, clerk, [{"item": brochure, "quantity": "1"}])
    assert bad.value.extra["fields"]["lines"] == {
        "1": {"location": ["an item drawn from stock names its location"]}
    }


def test_two_extras_of_one_item_take_from_the_stock_in_turn(
    order, clerk, second_clerk, third_clerk, warehouse, brochure
):
    receive(clerk, warehouse, brochure, "5", "1.00")
    twice = [
        {"kind": "gift", "item": brochure, "location": warehouse, "quantity": "3"},
        {"kind": "brochure", "item": brochure, "location": warehouse, "quantity": "3"},
    ]
    delivery = _deliver(order, clerk, twice)
    with pytest.raises(InsufficientStock):  # 3 + 3 of the 5 on hand
        delivery_submit(delivery=delivery, by=clerk)
    receive(clerk, warehouse, brochure, "1", "1.00")
    delivery_submit(delivery=delivery, by=clerk)
    assert _release(delivery, second_clerk, third_clerk).status == "released"
    assert refreshed(brochure).stock_quantity == Decimal("0")
