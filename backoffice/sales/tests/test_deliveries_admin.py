from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.models import Delivery
from backoffice.sales.services import order_create, order_submit
from backoffice.sales.tests.factories import batch_rows


@pytest.fixture
def order(hospital, clerk, second_clerk, products):
    order = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "10"}]
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    return order


@pytest.mark.django_db
def test_deliver_from_the_order_page_then_release_ship_and_print(
    client, order, clerk, second_clerk, carrier
):
    from backoffice.accounts.services import user_create

    third = user_create(username="clerk3", role="clerk")
    line = order.lines.get()
    client.force_login(clerk)
    page = client.get(f"/sales/salesorder/{order.pk}/change/").content.decode()
    assert 'data-testid="step-deliver"' in page
    assert f'name="qty_{line.pk}" value="10"' in page  # the remainder, as a person writes it
    deliver = f"/sales/salesorder/{order.pk}/step/deliver/"
    too_much = client.post(deliver, {f"qty_{line.pk}": "11", "method": "express"})
    assert too_much.status_code == 302 and not Delivery.objects.exists()
    # A bad value is shown beside its field, never read as a default; nothing is created.
    bad = client.post(deliver, {f"qty_{line.pk}": "六", "method": "express", "promised_on": "x"})
    assert bad.status_code == 400 and not Delivery.objects.exists()
    assert bad.content.decode().count('data-testid="step-error"') == 2
    nothing = client.post(deliver, {f"qty_{line.pk}": "0", "method": "express"})
    assert nothing.status_code == 400 and "at least one line" in nothing.content.decode()
    response = client.post(
        deliver,
        {
            f"qty_{line.pk}": "6",
            "method": "express",
            "carrier": str(carrier.pk),
            "promised_on": "2026-12-03",
        },
    )
    delivery = Delivery.objects.get()
    assert response["Location"] == f"/sales/delivery/{delivery.pk}/change/"
    client.post(f"/sales/delivery/{delivery.pk}/submit/")
    for reviewer in (second_clerk, third):
        client.force_login(reviewer)
        client.post(f"/sales/delivery/{delivery.pk}/review/", {"verdict": "approve"})
    delivery.refresh_from_db()
    assert delivery.status == "released"
    client.force_login(clerk)
    page = client.get(f"/sales/delivery/{delivery.pk}/change/").content.decode()
    assert 'data-testid="step-shipped"' in page and 'data-testid="step-signed"' not in page
    shipped = f"/sales/delivery/{delivery.pk}/step/shipped/"
    note_line = delivery.lines.get()
    # The batch and expiry of every line are required, and goods past their expiry stay.
    missing = client.post(shipped, {"tracking_number": "SF123"})
    assert missing.status_code == 400 and 'data-testid="ship-lines"' in missing.content.decode()
    expired = client.post(
        shipped,
        {
            "tracking_number": "SF123",
            f"batch_{note_line.pk}": "B240101",
            f"expiry_{note_line.pk}": "2020-01-31",
        },
    )
    assert expired.status_code == 400 and "expired" in expired.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "released"
    client.post(
        shipped,
        {
            "carrier": str(carrier.pk),
            "tracking_number": "SF123",
            f"batch_{note_line.pk}": "B260118",
            f"expiry_{note_line.pk}": "2099-06-30",
            f"manufacturer_{note_line.pk}": "华北制药股份有限公司",
            f"approval_{note_line.pk}": "国药准字H13020000",
        },
    )
    delivery.refresh_from_db()
    assert delivery.status == "shipped"
    note = client.get(f"/sales/delivery/{delivery.pk}/print/").content.decode()
    assert "随 货 同 行 单" in note and "SF123" in note and delivery.number in note
    assert "B260118" in note and "2099-06-30" in note and "国药准字H13020000" in note
    pdf = client.get(f"/sales/delivery/{delivery.pk}/print/", {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_a_rep_sees_no_delivery_buttons_and_cannot_step(client, order, rep_wang, clerk):
    from backoffice.sales.services import delivery_create

    delivery = delivery_create(
        order=order, by=clerk, lines=[{"order_line": order.lines.get().pk, "quantity": "1"}]
    )
    client.force_login(rep_wang)
    page = client.get(f"/sales/salesorder/{order.pk}/change/").content.decode()
    assert 'data-testid="step-deliver"' not in page
    assert (
        client.post(
            f"/sales/delivery/{delivery.pk}/step/shipped/", {"tracking_number": "x"}
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_a_bad_signing_date_is_shown_and_nothing_is_saved(
    client, order, clerk, second_clerk, carrier
):
    from backoffice.accounts.services import user_create
    from backoffice.sales.services import delivery_create, delivery_ship, delivery_submit

    third = user_create(username="clerk3", role="clerk")
    delivery = delivery_create(
        order=order,
        by=clerk,
        lines=[{"order_line": order.lines.get().pk, "quantity": "1"}],
        carrier=carrier,
    )
    delivery_submit(delivery=delivery, by=clerk)
    for reviewer in (second_clerk, third):
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    delivery_ship(
        delivery=Delivery.objects.get(),
        by=clerk,
        tracking_number="SF1",
        lines=batch_rows(Delivery.objects.get()),
    )
    client.force_login(clerk)
    sign = f"/sales/delivery/{delivery.pk}/step/signed/"
    response = client.post(sign, {"signed_on": "2026-13-45", "signed_by": "张三"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="step-error"' in page and 'value="张三"' in page
    assert Delivery.objects.get().status == "shipped"
    # A step the document's state does not allow now is refused with a message.
    again = client.post(f"/sales/delivery/{delivery.pk}/step/shipped/", {"tracking_number": "x"})
    assert again.status_code == 302 and Delivery.objects.get().status == "shipped"
    tomorrow = timezone.localdate() + timedelta(days=1)
    future = client.post(sign, {"signed_on": tomorrow.isoformat(), "signed_by": "张三"})
    assert future.status_code == 400 and "cannot be in the future" in future.content.decode()
    assert Delivery.objects.get().status == "shipped"
    client.post(sign, {"signed_on": timezone.localdate().isoformat(), "signed_by": "张三"})
    assert Delivery.objects.get().signed_by_name == "张三"
