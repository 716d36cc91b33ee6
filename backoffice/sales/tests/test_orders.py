from decimal import Decimal

import pytest

from backoffice.core.exceptions import (
    ApplicationError,
    InvalidTransition,
    NotAllowed,
    ValidationFailed,
)
from backoffice.reviews.exceptions import SelfReviewForbidden
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.exceptions import CreditLimitExceeded, EmptyOrder, QualificationBlocked
from backoffice.sales.models import SalesOrder
from backoffice.sales.services import (
    order_cancel,
    order_cancel_request,
    order_create,
    order_lines_replace,
    order_override_block,
    order_submit,
)


def _order(customer, by, products, **kw):
    lines = kw.pop("lines", None) or [
        {"product": products[0], "quantity": "10"},
        {"product": products[1], "quantity": "3", "unit_price": "33.33"},
    ]
    return order_create(customer=customer, by=by, lines=lines, **kw)


@pytest.mark.django_db
def test_lines_get_policy_prices_and_vat_per_line(hospital, clerk, products):
    order = _order(hospital, clerk, products)
    first, second = order.lines.order_by("line_no")
    assert (first.unit_price, first.gross_amount) == (Decimal("18.500000"), Decimal("185.00"))
    assert (second.gross_amount, second.net_amount, second.tax_amount) == (
        Decimal("99.99"),
        Decimal("88.49"),
        Decimal("11.50"),
    )
    assert order.gross_amount == Decimal("284.99")
    assert order.net_amount + order.tax_amount == order.gross_amount
    assert order.number == "" and order.status == "draft"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-2"}, "quantity"),
        ({"quantity": "1", "unit_price": "0"}, "unit_price"),
    ],
)
def test_bad_lines_are_refused_and_nothing_is_saved(hospital, clerk, products, line, field):
    with pytest.raises(ValidationFailed) as caught:
        order_create(customer=hospital, by=clerk, lines=[{"product": products[0], **line}])
    assert field in caught.value.extra["fields"]["lines"]["1"]
    assert not SalesOrder.objects.exists()


@pytest.mark.django_db
def test_gift_lines_may_be_free(hospital, clerk, products):
    order = order_create(
        customer=hospital,
        by=clerk,
        lines=[
            {"product": products[0], "quantity": "10"},
            {"product": products[1], "quantity": "1", "is_gift": True},
        ],
    )
    assert order.lines.get(is_gift=True).gross_amount == Decimal("0.00")


@pytest.mark.django_db
def test_an_empty_order_and_floats_are_refused(hospital, clerk, products):
    with pytest.raises(EmptyOrder):
        order_create(customer=hospital, by=clerk, lines=[])
    with pytest.raises(TypeError):
        order_create(customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": 1.5}])


@pytest.mark.django_db
def test_audit_approves_numbers_and_freezes(hospital, clerk, second_clerk, products):
    order = _order(hospital, clerk, products)
    order_submit(order=order, by=clerk)
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review_request_for(order), by=clerk, verdict="approve")
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    order.refresh_from_db()
    assert order.status == "approved"
    assert order.number.startswith("SO-") and order.number.endswith("-000001")
    assert order.approved_by == second_clerk
    with pytest.raises(ValidationFailed):
        order_lines_replace(
            order=order, by=clerk, lines=[{"product": products[0], "quantity": "1"}]
        )


@pytest.mark.django_db
def test_audit_is_refused_for_a_blocked_customer(
    rep_wang, region_north, clerk, second_clerk, products
):
    from backoffice.parties.services import customer_create

    unverified = customer_create(by=rep_wang, name="新药房", kind="pharmacy", region=region_north)
    order = _order(unverified, rep_wang, products)
    order_submit(order=order, by=rep_wang)
    with pytest.raises(QualificationBlocked) as caught:
        review_decide(request=review_request_for(order), by=clerk, verdict="approve")
    assert caught.value.status == 409
    assert {r["code"] for r in caught.value.extra["reasons"]} == {"missing_qualification"}
    order.refresh_from_db()
    assert order.status == "in_review"  # the decision rolled back with the refusal
    assert review_request_for(order).decisions.count() == 0


@pytest.mark.django_db
def test_a_sales_manager_may_override_with_a_reason(
    rep_wang, region_north, clerk, products, django_user_model
):
    from backoffice.accounts.services import user_create
    from backoffice.audit.models import AuditEvent
    from backoffice.parties.services import customer_create

    manager = user_create(username="boss", role="sales_manager")
    customer = customer_create(by=rep_wang, name="新药房", kind="pharmacy", region=region_north)
    order = _order(customer, rep_wang, products)
    with pytest.raises(NotAllowed):
        order_override_block(order=order, by=clerk, reason="老客户")
    with pytest.raises(ValidationFailed):
        order_override_block(order=order, by=manager, reason="")
    order_override_block(order=order, by=manager, reason="资质在补办，总经理同意先发货")
    order_submit(order=order, by=rep_wang)
    review_decide(request=review_request_for(order), by=clerk, verdict="approve")
    order.refresh_from_db()
    assert order.status == "approved"
    assert order.block_override_by == manager
    assert AuditEvent.objects.filter(
        model="sales.salesorder", object_id=str(order.pk), changes__has_key="block_override_reason"
    ).exists()


@pytest.mark.django_db
def test_credit_limit_counts_open_orders(
    hospital, rep_wang, clerk, second_clerk, finance, products
):
    from backoffice.parties.tests.factories import terms_set

    terms_set(hospital, by=clerk, reviewer=finance, credit_limit=Decimal("500.00"))
    first = _order(hospital, rep_wang, products)  # 284.99
    order_submit(order=first, by=rep_wang)
    review_decide(request=review_request_for(first), by=clerk, verdict="approve")
    second = _order(hospital, rep_wang, products)  # 284.99 more: 569.98 > 500
    order_submit(order=second, by=rep_wang)
    with pytest.raises(CreditLimitExceeded) as caught:
        review_decide(request=review_request_for(second), by=clerk, verdict="approve")
    assert caught.value.extra == {
        "exposure": "284.99",
        "order_amount": "284.99",
        "credit_limit": "500.00",
    }
    with pytest.raises(ApplicationError) as refused:  # approved: only through a review
        order_cancel(order=first, by=clerk, reason="客户取消")
    assert refused.value.code == "review_required"
    asked = order_cancel_request(order=first, by=rep_wang, reason="客户取消")
    review_decide(request=review_request_for(asked), by=clerk, verdict="approve")
    review_decide(request=review_request_for(second), by=second_clerk, verdict="approve")
    second.refresh_from_db()
    assert second.status == "approved"


@pytest.mark.django_db
def test_cancel_only_before_delivery_and_not_while_in_audit(hospital, clerk, products):
    order = _order(hospital, clerk, products)
    order_submit(order=order, by=clerk)
    with pytest.raises(InvalidTransition):
        order_cancel(order=order, by=clerk)
    from backoffice.sales.exceptions import OrderHasDeliveries

    draft = _order(hospital, clerk, products)
    draft.lines.filter(line_no=1).update(delivered_quantity=1)
    with pytest.raises(OrderHasDeliveries):
        order_cancel(order=draft, by=clerk)


@pytest.mark.django_db
def test_numbers_are_per_year_of_the_order(hospital, clerk, second_clerk, products):
    from datetime import date

    old = _order(hospital, clerk, products, ordered_on=date(2025, 12, 31))
    order_submit(order=old, by=clerk)
    review_decide(request=review_request_for(old), by=second_clerk, verdict="approve")
    old.refresh_from_db()
    assert old.number == "SO-2025-000001"


@pytest.mark.django_db
def test_orders_appear_on_the_customer_timeline(client, hospital, clerk, products):
    order = _order(hospital, clerk, products)
    client.force_login(clerk)
    page = client.get(f"/parties/customer/{hospital.pk}/change/").content.decode()
    assert f"/parties/customer/{hospital.pk}/tab/?key=timeline" in page
    tab = client.get(f"/parties/customer/{hospital.pk}/tab/", {"key": "timeline"})
    assert f"Draft order #{order.pk}" in tab.content.decode()
