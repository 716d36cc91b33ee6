"""The demo's documents follow a calendar: each step on its own day (issue 14 §7)."""

from datetime import date, timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from backoffice.demo.clock import demo_clock, stories_play


def test_stories_run_in_calendar_order_with_the_clock_on_their_day():
    today = timezone.localdate()
    seen = []

    def story(name, days):
        for day in days:
            yield day
            seen.append((name, timezone.localdate(), timezone.now()))

    stories_play(
        [
            story("a", [today - timedelta(days=30), today - timedelta(days=2)]),
            story("b", [today - timedelta(days=10), today + timedelta(days=3)]),  # stops
        ]
    )
    assert [(name, day) for name, day, _ in seen] == [
        ("a", today - timedelta(days=30)),
        ("b", today - timedelta(days=10)),
        ("a", today - timedelta(days=2)),
    ]
    moments = [moment for *_, moment in seen]
    assert moments == sorted(moments)
    assert all(timezone.localdate(m) == d for _, d, m in seen)
    assert timezone.localdate() == today  # the clock is back


def test_today_keeps_the_real_clock():
    before = timezone.now()
    with demo_clock(timezone.localdate()):
        assert timezone.now() >= before


@pytest.mark.django_db
def test_demo_orders_are_shipped_signed_invoiced_and_paid_on_days_that_follow(
    hospital, products, clerk, second_clerk, third_clerk, finance
):
    from backoffice.catalog.services import product_save
    from backoffice.demo.orders import demo_orders
    from backoffice.ledger.models import Receipt
    from backoffice.parties.tests.factories import terms_set
    from backoffice.sales.models import Delivery, Invoice, SalesFact

    terms_set(hospital, by=clerk, reviewer=finance, credit_limit="100000000")
    for n in range(3, 8):  # the demo picks up to six products an order
        product_save(by=clerk, code=f"P000{n}", name=f"演示药品{n}", list_price="10.00")
    demo_orders(count=40)
    local = timezone.localdate
    shipped = list(Delivery.objects.filter(shipped_at__isnull=False).select_related("order"))
    assert len(shipped) >= 5
    assert len({local(d.shipped_at) for d in shipped}) > 3  # not all on one day
    for delivery in shipped:
        assert (
            delivery.order.ordered_on <= local(delivery.released_at) <= local(delivery.shipped_at)
        )
        if delivery.signed_on:
            assert local(delivery.shipped_at) <= delivery.signed_on <= local()
    for invoice in Invoice.objects.filter(issued_on__isnull=False, kind="normal").select_related(
        "order"
    ):
        signed = invoice.order.deliveries.exclude(signed_on=None).values_list(
            "signed_on", flat=True
        )
        assert min(signed) <= invoice.issued_on <= local()
    for receipt in Receipt.objects.all():
        assert receipt.received_on <= local()
        assert local(receipt.created_at) == receipt.received_on
    # The daily facts agree with the documents: goods count as delivered on release days.
    released_days = {local(d.released_at) for d in Delivery.objects.exclude(released_at=None)}
    fact_days = set(
        SalesFact.objects.filter(basis=SalesFact.Basis.DELIVERED, product_id=0)
        .values("day")
        .annotate(total=Sum("gross_amount"))
        .exclude(total=0)
        .values_list("day", flat=True)
    )
    assert fact_days <= released_days and len(fact_days) > 3
    assert date(2000, 1, 1) < min(fact_days)
