"""The warehouse's dashboard: released deliveries waiting to ship (oldest first, with links)
and the deliveries shipped but not yet signed for."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from backoffice.accounts.services import user_create
from backoffice.office.models import Carrier
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.models import Delivery
from backoffice.sales.services import delivery_create, delivery_ship, delivery_submit
from backoffice.sales.tests.factories import batch_rows


@pytest.fixture
def warehouse(db):
    return user_create(username="warehouse", role="warehouse", full_name="吴刚")


def _released(order, clerk, reviewers, quantity: str) -> Delivery:
    line = order.lines.order_by("line_no").first()
    delivery = delivery_create(
        order=order,
        by=clerk,
        lines=[{"order_line": line, "quantity": quantity}],
        carrier=Carrier.objects.get(code="SF"),  # the fixture's (`delivered`)
    )
    delivery_submit(delivery=delivery, by=clerk)
    for reviewer in reviewers:
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def deliveries(delivered, clerk, second_clerk, third_clerk, warehouse):
    reviewers = (second_clerk, third_clerk)
    first = delivered.deliveries.get()  # released by the fixture
    older = _released(delivered, clerk, reviewers, "2")
    Delivery.objects.filter(pk=older.pk).update(released_at=timezone.now() - timedelta(days=3))
    shipped = _released(delivered, clerk, reviewers, "2")
    delivery_ship(
        delivery=shipped,
        by=warehouse,
        tracking_number="SF1234567890",
        lines=batch_rows(shipped),
    )
    return {"first": first, "older": older, "shipped": shipped}


def _dashboard(user) -> tuple[str, dict]:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), response.context


@pytest.mark.django_db
def test_the_warehouse_sees_what_to_ship_and_what_to_have_signed(deliveries, warehouse):
    page, context = _dashboard(warehouse)
    to_ship, unsigned = context["shipping"]["to_ship"], context["shipping"]["unsigned"]
    older, first, shipped = deliveries["older"], deliveries["first"], deliveries["shipped"]
    assert to_ship["count"] == 2
    assert [row["url"] for row in to_ship["rows"]] == [
        f"/sales/delivery/{older.pk}/change/",  # released three days ago: first
        f"/sales/delivery/{first.pk}/change/",
    ]
    assert unsigned["count"] == 1
    assert [row["url"] for row in unsigned["rows"]] == [f"/sales/delivery/{shipped.pk}/change/"]
    assert 'data-testid="to-ship"' in page
    assert "待发货（已放行）" in page
    assert "已发货未签收" in page
    assert "2 张发货单" in page
    assert 'href="/sales/delivery/?status__exact=released"' in page
    assert 'href="/sales/delivery/?status__exact=shipped"' in page
    assert f"{older.number} · 北京医院" in page
    assert "3 天前放行" in page.replace("\xa0", " ")


@pytest.mark.django_db
def test_other_roles_do_not_get_the_warehouse_block(deliveries, clerk):
    page, context = _dashboard(clerk)
    assert context["shipping"] is None
    assert 'data-testid="to-ship"' not in page


@pytest.mark.django_db
def test_an_empty_warehouse_says_so(warehouse):
    page, context = _dashboard(warehouse)
    assert context["shipping"]["to_ship"]["count"] == 0
    assert "无。" in page
