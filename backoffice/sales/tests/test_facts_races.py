"""Races on the real database (SQLite and PostgreSQL): orders of one customer and the same
products, their lines in opposite orders, approved at once, add to the same daily facts
and monthly sums (sales.facts): none deadlocks, and the sums equal the lines."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from backoffice.core.tests.races import all_at_once
from backoffice.reviews.services import review_decide
from backoffice.sales.facts import EVERY_REGION
from backoffice.sales.models import SalesFact, SalesMonth, SalesOrderLine
from backoffice.sales.services import order_create, order_submit

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]

ORDERED = SalesFact.Basis.ORDERED


def test_orders_approved_at_once_add_to_the_same_sums_exactly(
    hospital, clerk, second_clerk, products
):
    orders = []
    for n in range(6):
        lines = [
            {"product": product, "quantity": str(n + 1), "unit_price": "10.01"}
            for product in (products if n % 2 else products[::-1])
        ]
        order = order_create(customer=hospital, by=clerk, lines=lines)
        order_submit(order=order, by=clerk)
        orders.append(order)

    _, errors = all_at_once(
        [
            lambda order=order: review_decide(document=order, by=second_clerk, verdict="approve")
            for order in orders
        ]
    )

    assert errors == []
    lines = SalesOrderLine.objects.filter(order__in=orders, order__status="approved")
    assert lines.count() == 12
    customer_total = SalesMonth.objects.get(basis=ORDERED, customer_id=hospital.pk, product_id=0)
    assert customer_total.gross_amount == lines.aggregate(s=Sum("gross_amount"))["s"]
    assert customer_total.orders == 6
    for product in products:
        of_product = lines.filter(product=product).aggregate(
            q=Sum("quantity"), g=Sum("gross_amount")
        )
        assert of_product["q"] == Decimal(21)
        every_region = SalesMonth.objects.get(
            basis=ORDERED, customer_id=EVERY_REGION, product_id=product.pk
        )
        day = SalesFact.objects.get(basis=ORDERED, customer_id=hospital.pk, product_id=product.pk)
        for row in (every_region, day):
            assert (row.quantity, row.gross_amount) == (of_product["q"], of_product["g"])
            assert row.orders == 6
