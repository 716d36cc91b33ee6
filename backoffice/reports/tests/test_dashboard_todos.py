"""The dashboard's to-dos: each app's, in a fixed order, with their counts and links, for
the user who may see them; the page's queries do not grow with the to-dos."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.accounts.services import user_create
from backoffice.parties.models import Feedback
from backoffice.parties.services import feedback_create
from backoffice.reviews.selectors import review_pending_for
from backoffice.sales.services import delivery_ship, order_create, order_submit
from backoffice.sales.tests.factories import batch_rows


@pytest.fixture
def waiting(issued, delivered, clerk, products, admin_user):
    """One of each to-do for the administrator: an order to audit, a customer due for a
    call, an overdue feedback ticket (which also notified them), an overdue invoice and a
    delivery shipped but not signed for."""
    order = order_create(
        customer=delivered.customer, by=clerk, lines=[{"product": products[0], "quantity": "1"}]
    )
    order_submit(order=order, by=clerk)
    ticket = feedback_create(
        customer=delivered.customer,
        by=clerk,
        type="complaint",
        description="包装破损",
        assignee=admin_user,
    )
    Feedback.objects.filter(pk=ticket.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    delivery_ship(
        delivery=delivered.deliveries.get(),
        by=clerk,
        tracking_number="SF1",
        lines=batch_rows(delivered.deliveries.get()),
    )
    return {"order": order, "ticket": ticket}


def _todos(page: str) -> list[tuple[str, str]]:
    block = page.split("My to-dos", 1)[1].split("My recent activity", 1)[0]
    return re.findall(r'<a class="text-primary-600" href="([^"]*)">([^<]*)</a>', block)


@pytest.mark.django_db
def test_the_dashboard_lists_every_apps_todos_in_order(client, waiting, admin_user):
    client.force_login(admin_user)
    order, ticket = waiting["order"], waiting["ticket"]
    review = review_pending_for(admin_user).get(object_id=order.pk)
    note = admin_user.notifications.get()
    assert _todos(client.get("/").content.decode()) == [
        (f"/sales/salesorder/{order.pk}/change/", f"Review: {review.object_repr}"),
        ("/parties/customer/?call_overdue=yes", "1 customer is due for a call"),
        (f"/parties/feedback/{ticket.pk}/change/", f"Overdue feedback: {ticket}"),
        ("/ledger/receivable/?overdue=yes", "1 invoice is overdue for payment"),
        ("/sales/delivery/?status__exact=shipped", "1 delivery is not yet signed for"),
        (f"/notifications/{note.pk}/", note.title),
    ]


@pytest.mark.django_db
def test_a_count_shows_only_to_those_with_its_permission(client, waiting):
    warehouse = user_create(username="store", role="warehouse", full_name="仓管")
    client.force_login(warehouse)
    assert _todos(client.get("/").content.decode()) == [
        ("/parties/customer/?call_overdue=yes", "1 customer is due for a call"),
        ("/sales/delivery/?status__exact=shipped", "1 delivery is not yet signed for"),
    ]


@pytest.mark.django_db
def test_the_dashboard_with_every_todo_takes_a_fixed_number_of_queries(
    client, waiting, admin_user, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get("/")
    # 28 before the apps registered their to-dos, one for the sample app's (tests only), one
    # since the charts read their names once per dimension (issue 14 §2), and one for the
    # expense applications left unverified (issue 18), one for the petty cash months to
    # settle and one for the budgets in use (issue 18; a second, their applications, when
    # a budget covers today), and four of materials (issue 17: lent samples overdue, the
    # holder's and everyone's; items below their reorder level; batches about to expire), and
    # one of the mail register (issue 17: items past their promised date)
    with django_assert_max_num_queries(38):
        client.get("/")
