"""An order for a blocked customer, in Chinese: warned before submission, refused at audit
(the author is told why), overridden on the order's page by the sales manager with a
reason, then approved."""

from decimal import Decimal

import pytest

from backoffice.accounts.services import user_create
from backoffice.catalog.services import product_save
from backoffice.core.models import Notification
from backoffice.parties.services import customer_create
from backoffice.sales.models import SalesOrder
from backoffice.sales.services import order_create
from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _person(username, role, regions=()):
    return user_create(
        username=username,
        role=role,
        region_codes=list(regions),
        password=PASSWORD,
        full_name={"clerk2": "周敏", "smgr": "赵强"}.get(username, username),
        validate_password_strength=False,
    )


def _shot(page, name):
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_blocked_order_is_overridden_on_its_page_and_proceeds(
    live_server, zh_page, clerk, rep_wang, region_north
):
    page = zh_page
    _person("clerk2", "clerk")
    manager = _person("smgr", "sales_manager")
    pharmacy = customer_create(
        by=clerk, name="无证药房", kind="pharmacy", region=region_north, owner=rep_wang
    )
    product = product_save(by=clerk, code="P0001", name="阿莫西林胶囊", list_price=Decimal("18.50"))
    order = order_create(
        customer=pharmacy, by=clerk, lines=[{"product": product, "quantity": "10"}]
    )
    url = f"{live_server.url}/sales/salesorder/{order.pk}/change/"

    # The author sees the warning before submitting, and submits.
    sign_in(page, live_server, "clerk")
    page.goto(url)
    warning = page.get_by_test_id("order-warning")
    assert "审核将拒绝此订单" in warning.inner_text()
    assert "缺少营业执照" in warning.inner_text()
    _shot(page, "order-blocked-warning-zh")
    page.get_by_test_id("review-submit").click()
    page.get_by_text("已提交审核。").wait_for()
    assert page.get_by_test_id("step-override").count() == 0  # a clerk may not override

    # The auditor approves: the checks refuse, the order stays in audit.
    sign_in(page, live_server, "clerk2")
    page.goto(url)
    page.get_by_test_id("review-decide").get_by_role("button", name="通过").click()
    page.get_by_text("不能向 无证药房 销售").first.wait_for()
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.IN_REVIEW
    notice = Notification.objects.get(recipient=clerk, title__startswith="审核未通过")
    assert "缺少营业执照" in notice.body

    # The sales manager overrides on the page; a reason is required.
    sign_in(page, live_server, "smgr")
    page.goto(url)
    step = page.get_by_test_id("step-override")
    reason = step.locator("textarea")
    assert reason.get_attribute("required") is not None  # (the server's 400: a client test)
    reason.fill("资质在补办，总经理同意先发货")
    _shot(page, "order-override-step-zh")
    step.get_by_role("button", name="覆盖检查").click()
    page.get_by_text("已覆盖检查：审核可以继续。").wait_for()
    assert "资质在补办" in page.get_by_test_id("order-override").inner_text()
    _shot(page, "order-overridden-zh")
    order.refresh_from_db()
    assert order.block_override_by == manager

    # The audit proceeds.
    sign_in(page, live_server, "clerk2")
    page.goto(url)
    page.get_by_test_id("review-decide").get_by_role("button", name="通过").click()
    page.get_by_text("已通过。").wait_for()
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.APPROVED and order.number
    assert page.get_by_test_id("order-documents").is_visible()
    _shot(page, "order-approved-zh")
