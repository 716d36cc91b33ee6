"""In Chinese: a clerk delivers part of an order to the address the customer chose; the
warehouse records the batch and expiry of the goods as they ship (an expired batch is
refused on the page); the delivery note shows them under the company's letterhead."""

from datetime import timedelta

import pytest
from django.utils import timezone

from backoffice.accounts.services import user_create
from backoffice.core.models import CompanySettings
from backoffice.core.tests.test_company_settings import png
from backoffice.parties.services import address_create
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.models import Delivery
from backoffice.sales.services import delivery_submit, order_create, order_submit
from conftest import PASSWORD
from tests.browser.conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shoot(zh_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        zh_page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


def test_a_partial_delivery_to_a_chosen_address_ships_with_its_batches(
    live_server, zh_page, hospital, clerk, second_clerk, third_clerk, products, shoot, carrier
):
    page = zh_page
    company = CompanySettings(
        pk=1,
        legal_name="北京康泰医药有限公司",
        address="北京市朝阳区酒仙桥路10号",
        phone="010-84561234",
        tax_id="91110105MA01ABCD2X",
    )
    company.seal.save("seal.png", png(), save=False)
    company.save()
    address_create(
        customer=hospital,
        by=clerk,
        label="仓库",
        recipient="王主任",
        phone="13800000001",
        address="北京市东城区大华路1号",
        is_default=True,
    )
    pharmacy = address_create(
        customer=hospital,
        by=clerk,
        label="门诊药房",
        recipient="李药师",
        phone="13800000002",
        address="北京市东城区大华路1号门诊楼",
    )
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
    first, second = order.lines.order_by("line_no")

    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/sales/salesorder/{order.pk}/change/")
    step = page.get_by_test_id("step-deliver")
    step.wait_for()
    assert "收货地址" in step.inner_text()
    page.fill(f"#id_deliver_qty_{first.pk}", "6")
    page.fill(f"#id_deliver_qty_{second.pk}", "0")
    page.select_option("#id_deliver_address", str(pharmacy.pk))
    shoot("delivery-create-zh")
    step.get_by_role("button", name="创建发货单").click()
    page.wait_for_url(f"{live_server.url}/sales/delivery/*/change/")
    delivery = Delivery.objects.get()
    assert (delivery.ship_to, delivery.lines.count()) == (pharmacy, 1)
    assert "北京市东城区大华路1号门诊楼" in page.content()

    delivery_submit(delivery=delivery, by=clerk)
    for reviewer in (second_clerk, third_clerk):
        review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
    user_create(
        username="warehouse",
        role="warehouse",
        full_name="赵库管",
        password=PASSWORD,
        validate_password_strength=False,
    )
    sign_in(page, live_server, "warehouse")
    page.goto(f"{live_server.url}/sales/delivery/{delivery.pk}/change/")
    ship = page.get_by_test_id("step-shipped")
    ship.wait_for()
    line = delivery.lines.get()
    today = timezone.localdate()
    page.fill(f"#id_shipped_batch_{line.pk}", "B260118")
    page.fill(f"#id_shipped_expiry_{line.pk}", (today - timedelta(days=1)).isoformat())
    page.select_option("#id_shipped_carrier", str(carrier.pk))
    page.fill("#id_shipped_tracking_number", "SF1234567890")
    ship.get_by_role("button", name="标记已发出").click()
    # The date picker refuses a past expiry before anything is sent (the server refuses it
    # too, beside the field: test_deliveries_admin).
    expiry_input = f"#id_shipped_expiry_{line.pk}"
    assert page.eval_on_selector(expiry_input, "el => el.validity.rangeUnderflow")
    delivery.refresh_from_db()
    assert delivery.status == "released"
    shoot("delivery-ship-expired-zh")

    expiry = today + timedelta(days=700)
    page.fill(f"#id_shipped_batch_{line.pk}", "B260118")
    page.fill(f"#id_shipped_expiry_{line.pk}", expiry.isoformat())
    page.fill("#id_shipped_tracking_number", "SF1234567890")
    page.get_by_test_id("step-shipped").get_by_role("button", name="标记已发出").click()
    page.get_by_text("已保存").first.wait_for()
    delivery.refresh_from_db()
    line.refresh_from_db()
    assert delivery.status == "shipped"
    assert (line.batch_number, line.expires_on) == ("B260118", expiry)
    shoot("delivery-shipped-zh")

    page.goto(f"{live_server.url}/sales/delivery/{delivery.pk}/print/")
    note = page.get_by_test_id("note-lines").inner_text()
    assert "B260118" in note and expiry.isoformat() in note and "111.00" in note
    body = page.content()
    assert "北京康泰医药有限公司" in body and "李药师" in body and 'data-testid="seal"' in body
    shoot("delivery-note-zh")
