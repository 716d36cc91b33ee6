from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from backoffice.core.exceptions import InvalidTransition, ValidationFailed
from backoffice.core.models import Notification
from backoffice.parties.models import Feedback
from backoffice.parties.selectors import calls_overdue_for, feedback_overdue_for
from backoffice.parties.services import (
    call_record,
    customer_update,
    feedback_answer,
    feedback_close,
    feedback_create,
    feedback_start,
    visit_record,
)


@pytest.fixture
def active(make_customer, rep_wang):
    def make(name, grade):
        customer = make_customer(rep_wang, name=name, grade=grade)
        return customer_update(customer=customer, by=rep_wang, status="active")

    return make


@pytest.mark.django_db
def test_a_call_keeps_the_customers_stock_as_rows(active, rep_wang, stock_products):
    customer = active("北京医院", "A")
    call = call_record(
        customer=customer,
        by=rep_wang,
        business_status="门诊量回升",
        market_demand="需要更多规格",
        inventory=[(stock_products[0], "120"), (stock_products[1].pk, Decimal("35.5"))],
    )
    assert [(line.product, line.quantity) for line in call.inventory.all()] == [
        (stock_products[0], Decimal("120.000")),
        (stock_products[1], Decimal("35.500")),
    ]
    with pytest.raises(ValidationFailed):
        call_record(customer=customer, by=rep_wang, inventory=[(stock_products[1], "-1")])
    with pytest.raises(TypeError):
        call_record(customer=customer, by=rep_wang, inventory=[(stock_products[1], 1.5)])


@pytest.mark.django_db
def test_overdue_calls_follow_the_grade_cadence(active, rep_wang, rep_li, clerk):
    a = active("甲医院", "A")
    c = active("丙医院", "C")
    now = timezone.now()
    call_record(customer=a, by=rep_wang, called_at=now - timedelta(days=8))
    call_record(customer=c, by=rep_wang, called_at=now - timedelta(days=8))
    assert [x.name for x in calls_overdue_for(rep_wang)] == ["甲医院"]  # A: weekly; C: monthly
    assert [x.name for x in calls_overdue_for(clerk)] == ["甲医院"]
    assert list(calls_overdue_for(rep_li)) == []
    call_record(customer=a, by=rep_wang)
    assert list(calls_overdue_for(rep_wang)) == []
    with time_machine.travel(now + timedelta(days=30)):
        assert sorted(x.name for x in calls_overdue_for(rep_wang)) == ["丙医院", "甲医院"]


@pytest.mark.django_db
def test_a_customer_never_called_is_due(active, rep_wang):
    active("新医院", "B")
    assert [x.name for x in calls_overdue_for(rep_wang)] == ["新医院"]


@pytest.mark.django_db
def test_visits_and_receptions(active, rep_wang):
    customer = active("北京医院", "A")
    visit = visit_record(
        customer=customer,
        by=rep_wang,
        kind="reception",
        visited_on=timezone.localdate(),
        purpose="参观生产线",
    )
    assert visit.host == rep_wang


@pytest.mark.django_db
def test_feedback_due_date_follows_priority_and_the_assignee_is_told(active, rep_wang, clerk):
    customer = active("北京医院", "A")
    ticket = feedback_create(
        customer=customer, by=clerk, type="complaint", priority="urgent", description="到货外箱破损"
    )
    assert ticket.due_on == timezone.localdate() + timedelta(days=1)
    assert ticket.assignee == rep_wang
    assert Notification.objects.filter(recipient=rep_wang, title__contains="北京医院").exists()


@pytest.mark.django_db
def test_feedback_life_cycle_and_time_to_resolve(active, rep_wang, clerk):
    customer = active("北京医院", "A")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ticket = feedback_create(
            customer=customer, by=clerk, type="quality", description="批号 2026A 有异味"
        )
    with pytest.raises(InvalidTransition):
        feedback_close(feedback=ticket, by=rep_wang, resolution="x")
    feedback_start(feedback=ticket, by=rep_wang)
    with pytest.raises(ValidationFailed):
        feedback_answer(feedback=ticket, by=rep_wang, response=" ")
    feedback_answer(feedback=ticket, by=rep_wang, response="已安排质检部门取样")
    with time_machine.travel(start + timedelta(hours=50), tick=False):
        feedback_close(feedback=ticket, by=rep_wang, resolution="更换同批次产品")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert ticket.resolve_hours == 50
    assert ticket.answered_at is not None


@pytest.mark.django_db
def test_overdue_feedback_is_a_to_do_of_the_assignee(active, rep_wang, clerk):
    customer = active("北京医院", "A")
    ticket = feedback_create(
        customer=customer, by=clerk, type="inquiry", priority="high", description="询价"
    )
    assert list(feedback_overdue_for(rep_wang)) == []
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        assert list(feedback_overdue_for(rep_wang)) == [ticket]
        assert list(feedback_overdue_for(clerk)) == []
        Feedback.objects.filter(pk=ticket.pk).update(status="answered")
        assert list(feedback_overdue_for(rep_wang)) == []


@pytest.mark.django_db
def test_calls_visits_feedback_api_respect_visibility(
    api, active, rep_wang, rep_li, clerk, stock_products
):
    customer = active("北京医院", "A")
    api.force_authenticate(rep_wang)
    created = api.post(
        "/api/v1/parties/calls/",
        {
            "customer": customer.pk,
            "business_status": "正常",
            "inventory": [{"product": stock_products[1].pk, "quantity": "10"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["inventory"] == [{"product": stock_products[1].pk, "quantity": "10.000"}]
    assert api.get("/api/v1/parties/calls/", {"customer": customer.pk}).json()["count"] == 1
    ticket = api.post(
        "/api/v1/parties/feedback/",
        {"customer": customer.pk, "type": "complaint", "priority": "high", "description": "破损"},
        format="json",
    )
    assert ticket.status_code == 201
    tid = ticket.json()["id"]
    assert (
        api.post(f"/api/v1/parties/feedback/{tid}/answer/", {"text": ""}, format="json").status_code
        == 400
    )
    assert (
        api.post(
            f"/api/v1/parties/feedback/{tid}/answer/", {"text": "已补发"}, format="json"
        ).json()["status"]
        == "answered"
    )
    visit = api.post(
        "/api/v1/parties/visits/",
        {
            "customer": customer.pk,
            "kind": "visit",
            "visited_on": "2026-11-20",
            "purpose": "拜访药剂科",
        },
        format="json",
    )
    assert visit.status_code == 201

    api.force_authenticate(rep_li)
    assert api.get("/api/v1/parties/calls/").json()["count"] == 0
    assert api.get("/api/v1/parties/calls/", {"customer": customer.pk}).status_code == 404
    assert (
        api.post("/api/v1/parties/calls/", {"customer": customer.pk}, format="json").status_code
        == 404
    )
    assert (
        api.post(f"/api/v1/parties/feedback/{tid}/close/", {"text": "x"}, format="json").status_code
        == 404
    )
    api.force_authenticate(clerk)
    assert api.get("/api/v1/parties/feedback/").json()["count"] == 1


@pytest.mark.django_db
def test_the_dashboard_lists_overdue_calls(client, active, rep_wang):
    active("北京医院", "A")
    client.force_login(rep_wang)
    page = client.get("/").content.decode()
    assert "1 customer is due for a call" in page
    listing = client.get("/parties/customer/", {"call_overdue": "yes"}).content.decode()
    assert "北京医院" in listing


@pytest.mark.django_db
def test_a_ticket_is_answered_and_closed_from_its_page(client, make_customer, clerk, rep_wang):
    customer = make_customer(rep_wang, name="北京医院")
    ticket = feedback_create(customer=customer, by=clerk, type="complaint", description="破损")
    page = f"/parties/feedback/{ticket.pk}/"
    client.force_login(rep_wang)
    html = client.get(f"{page}change/").content.decode()
    assert 'data-testid="step-start"' in html and 'data-testid="step-answer"' in html
    assert 'data-testid="step-close"' not in html
    blank = client.post(f"{page}step/answer/", {"response": " "})
    assert blank.status_code == 400 and 'data-testid="step-error"' in blank.content.decode()
    client.post(f"{page}step/answer/", {"response": "已补发"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.response) == ("answered", "已补发")
    html = client.get(f"{page}change/").content.decode()
    assert 'data-testid="step-close"' in html and 'data-testid="step-reopen"' in html
    client.post(f"{page}step/close/", {"resolution": "客户确认收到"})
    ticket.refresh_from_db()
    assert ticket.status == "closed"


@pytest.mark.django_db
def test_a_call_is_titled_with_the_companys_day_not_utcs(active, rep_wang):
    customer = active("早医院", "A")
    # 05:22 on 30 November in Shanghai is still 29 November in UTC.
    with time_machine.travel("2026-11-29T21:22:00Z", tick=False):
        call = call_record(customer=customer, by=rep_wang, business_status="正常")
        assert timezone.localdate() == date(2026, 11, 30)
    assert str(call).endswith("2026-11-30")
