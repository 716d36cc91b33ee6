"""A clerk, in Chinese, adds a customer whose name another customer has: the page warns,
links to the namesake, and saves it once she ticks that it is a separate customer. The new
customer's page shows its documents in tabs (issue 14 §3, §4)."""

import pytest

from backoffice.parties.models import Customer
from backoffice.parties.services import customer_create
from backoffice.parties.tests.conftest import VALID_USCC
from tests.browser.conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSPITAL = "北京大学附属医院"


def _screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_a_namesake_is_saved_after_the_warning_and_its_page_has_tabs(
    live_server, zh_page, clerk, rep_wang, region_north
):
    page = zh_page
    first = customer_create(
        by=rep_wang,
        name=HOSPITAL,
        kind="hospital",
        region=region_north,
        tax_id=VALID_USCC[0],
        address="北京市海淀区学院路38号",
    )
    sign_in(page, live_server, "clerk")

    page.goto(f"{live_server.url}/parties/customer/add/")
    page.fill("input[name=name]", HOSPITAL)
    page.select_option("select[name=kind]", "hospital")
    page.select_option("select[name=region]", str(region_north.pk))
    page.fill("input[name=address]", "北京市西城区西什库大街8号")
    # the rep who looks after it: set on the select itself, whichever picker widget it has
    page.evaluate(
        "([pk, name]) => { const s = document.querySelector('select[name=owner]');"
        " s.add(new Option(name, pk, true, true)); s.value = pk; }",
        [str(rep_wang.pk), rep_wang.full_name],
    )
    page.locator("button[name=_continue]").click()

    link = page.get_by_test_id("duplicate-customer-link")
    link.wait_for()
    assert link.inner_text() == f"{HOSPITAL} · {first.code} · 北京 · …0Y43"
    assert link.get_attribute("href") == f"/parties/customer/{first.pk}/change/"
    assert "已有同名客户" in page.content()
    assert Customer.objects.filter(name=HOSPITAL).count() == 1
    _screenshot(page, "customer-namesake-warning-zh")

    page.get_by_label("这是另一家客户（分支机构），仍然保存").check()
    page.locator("button[name=_continue]").click()
    page.get_by_test_id("customer-file").wait_for()
    second = Customer.objects.exclude(pk=first.pk).get(name=HOSPITAL)
    assert page.url.endswith(f"/parties/customer/{second.pk}/change/")
    assert (second.code != first.code, second.owner_id) == (True, rep_wang.pk)

    for title in ("销售订单", "发货单", "发票", "应收与对账", "合同", "资质证照", "回访记录"):
        assert page.locator("#tabs-wrapper").get_by_text(title, exact=True).count() == 1
    page.locator("a[href='#dataset-receivables']").click()
    receivables = page.get_by_test_id("customer-tab-receivables")
    receivables.get_by_test_id("customer-tab-more").wait_for()  # read when the tab is opened
    assert "未收应收款" in receivables.inner_text()
    assert "查看完整列表" in receivables.inner_text()
    assert not page.locator("fieldset").first.is_visible()  # the form is the first tab's
    _screenshot(page, "customer-tabs-zh")


def test_an_address_ending_in_a_tab_opens_the_customer_page_on_that_tab(
    live_server, zh_page, clerk, rep_wang, region_north
):
    """A link to a customer's tab (…/change/#dataset-receivables) opens the page on it, its
    rows read; the rep picker is the searchable one; a link to another tab of the page
    already open switches to it."""
    page = zh_page
    customer = customer_create(by=rep_wang, name=HOSPITAL, kind="hospital", region=region_north)
    sign_in(page, live_server, "clerk")

    page.goto(f"{live_server.url}/parties/customer/{customer.pk}/change/#dataset-receivables")
    receivables = page.get_by_test_id("customer-tab-receivables")
    receivables.get_by_test_id("customer-tab-more").wait_for()
    assert "未收应收款" in receivables.inner_text()
    assert not page.locator("fieldset").first.is_visible()
    assert not page.get_by_test_id("customer-tab-orders").is_visible()

    page.locator("a[href='#general']").click()
    owner = page.locator("select[name=owner]")
    assert owner.evaluate("s => s.options[s.selectedIndex].text").startswith(rep_wang.full_name)
    assert page.locator("select[name=owner] + .select2-container").count() == 1

    # a link to another tab of the page already open switches to it
    page.evaluate("location.hash = '#dataset-receivables'")
    receivables.wait_for()
    assert not page.locator("fieldset").first.is_visible()
    page.evaluate("location.hash = '#dataset-orders'")
    page.get_by_test_id("customer-tab-orders").wait_for()
    assert not receivables.is_visible()
    page.evaluate("location.hash = '#nowhere'")  # not a tab: the tab stays
    assert page.get_by_test_id("customer-tab-orders").is_visible()
