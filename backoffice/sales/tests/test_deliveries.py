from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.core.exceptions import InvalidTransition, ValidationFailed
from backoffice.office.models import MailItem
from backoffice.reviews.exceptions import SelfReviewForbidden
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.exceptions import OrderNotDeliverable, OverDelivery, QualificationBlocked
from backoffice.sales.services import (
    delivery_create,
    delivery_return,
    delivery_ship,
    delivery_sign,
    delivery_submit,
    order_create,
    order_submit,
)
from backoffice.sales.tests.factories import batch_rows


@pytest.fixture
def order(hospital, clerk, second_clerk, products):
    order = order_create(
        customer=hospital,
        by=clerk,
        lines=[
            {"product": products[0], "quantity": "10"},
            {"product": products[1], "quantity": "4"},
        ],
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    order.refresh_from_db()
    return order


def _lines(order, *quantities):
    return [
        {"order_line": line, "quantity": q}
        for line, q in zip(order.lines.order_by("line_no"), quantities, strict=False)
        if q
    ]


def _release(delivery, author, *reviewers):
    delivery_submit(delivery=delivery, by=author)
    for reviewer in reviewers:
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    delivery.refresh_from_db()
    return delivery


@pytest.mark.django_db
def test_partial_then_full_delivery_with_two_reviewers(
    order, clerk, second_clerk, third_clerk, carrier
):
    first = delivery_create(order=order, by=clerk, lines=_lines(order, "6", "4"), carrier=carrier)
    with pytest.raises(SelfReviewForbidden):
        _release(first, clerk, clerk)
    review_decide(request=review_request_for(first), by=second_clerk, verdict="approve")
    first.refresh_from_db()
    assert first.status == "in_review"  # two reviewers are needed
    review_decide(request=review_request_for(first), by=third_clerk, verdict="approve")
    first.refresh_from_db()
    order.refresh_from_db()
    assert first.status == "released" and first.number.startswith("DN-")
    assert order.status == "partially_delivered"
    assert [line.delivered_quantity for line in order.lines.order_by("line_no")] == [
        Decimal("6.000"),
        Decimal("4.000"),
    ]
    second = _release(
        delivery_create(order=order, by=clerk, lines=_lines(order, "4")),
        clerk,
        second_clerk,
        third_clerk,
    )
    order.refresh_from_db()
    assert second.status == "released" and order.status == "delivered"


@pytest.mark.django_db
def test_over_delivery_is_refused_counting_unreleased_deliveries(order, clerk):
    delivery_create(order=order, by=clerk, lines=_lines(order, "8"))
    with pytest.raises(OverDelivery) as caught:
        delivery_create(order=order, by=clerk, lines=_lines(order, "3"))
    assert caught.value.status == 409
    assert caught.value.extra["remaining"] == "2.000"
    with pytest.raises(ValidationFailed):
        delivery_create(order=order, by=clerk, lines=_lines(order, "0"))


@pytest.mark.django_db
def test_only_approved_orders_are_delivered(hospital, clerk, products):
    draft = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "1"}]
    )
    with pytest.raises(OrderNotDeliverable):
        delivery_create(order=draft, by=clerk, lines=_lines(draft, "1"))


@pytest.mark.django_db
def test_the_trade_block_is_checked_again_at_release(
    order, clerk, second_clerk, third_clerk, hospital, finance
):
    from backoffice.parties.tests.factories import terms_set

    delivery = delivery_create(order=order, by=clerk, lines=_lines(order, "1"))
    delivery_submit(delivery=delivery, by=clerk)
    terms_set(hospital, by=clerk, reviewer=finance, customer_status="blacklisted")
    review_decide(request=review_request_for(delivery), by=second_clerk, verdict="approve")
    with pytest.raises(QualificationBlocked):
        review_decide(request=review_request_for(delivery), by=third_clerk, verdict="approve")
    delivery.refresh_from_db()
    assert delivery.status == "in_review"
    assert order.lines.get(line_no=1).delivered_quantity == 0


@pytest.mark.django_db
def test_ship_sign_and_return(order, clerk, second_clerk, third_clerk, carrier):
    delivery = _release(
        delivery_create(order=order, by=clerk, lines=_lines(order, "10", "4")),
        clerk,
        second_clerk,
        third_clerk,
    )
    with pytest.raises(ValidationFailed) as refused:  # express: a carrier and a tracking number
        delivery_ship(delivery=delivery, by=clerk, lines=batch_rows(delivery))
    assert set(refused.value.extra["fields"]) == {"carrier", "tracking_number"}
    delivery_ship(
        delivery=delivery,
        by=clerk,
        tracking_number="SF1234567890",
        lines=batch_rows(delivery),
        carrier=carrier,  # chosen when the goods leave
    )
    assert MailItem.objects.get(tracking_number="SF1234567890").carrier == carrier
    returned = delivery_return(delivery=delivery, by=clerk, reason="外箱破损，整单退回")
    order.refresh_from_db()
    assert returned.status == "returned"
    assert order.status == "approved"
    assert all(line.delivered_quantity == 0 for line in order.lines.all())
    with pytest.raises(InvalidTransition):
        delivery_sign(delivery=returned, by=clerk, signed_on=timezone.localdate(), signed_by="张三")
    again = _release(
        delivery_create(order=order, by=clerk, lines=_lines(order, "10", "4"), carrier=carrier),
        clerk,
        second_clerk,
        third_clerk,
    )
    delivery_ship(delivery=again, by=clerk, tracking_number="SF9999", lines=batch_rows(again))
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        delivery_sign(
            delivery=again, by=clerk, signed_on=today + timedelta(days=1), signed_by="王主任"
        )
    assert "signed_on" in refused.value.extra["fields"]
    signed = delivery_sign(delivery=again, by=clerk, signed_on=today, signed_by="王主任")
    assert signed.status == "signed" and signed.signed_by_name == "王主任"
