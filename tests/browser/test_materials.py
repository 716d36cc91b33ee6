"""Issue 17 in a browser, in Chinese: a clerk asks for brochures for a customer, two others
review (a clerk and the warehouse), the stock falls; the slip prints with the reviewers; the
stock on hand and the movements show it. Every page is read for raw codes or English (the
Chinese walk's check)."""

from decimal import Decimal

import pytest

from backoffice.materials.models import IssueRequest, MaterialItem
from backoffice.materials.services import item_save, location_create, receipt_create
from backoffice.parties.services import customer_create
from tests.browser.test_clerks_day import Day, _person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_asks_for_brochures_two_others_review_and_the_stock_falls(
    live_server, zh_page, region_north
):
    clerk = _person("clerk_m", "clerk", "陈静")
    _person("clerk_m2", "clerk", "周敏")
    keeper = _person("wh_m", "warehouse", "吴刚")
    rep = _person("rep_m", "rep", "王磊", regions=["north"])
    customer_create(by=rep, name="北京协和医院", kind="hospital", region=region_north)
    brochure = item_save(
        by=clerk, code="WL-BR-001", name="阿莫西林胶囊产品彩页", kind="brochure", unit="份"
    )
    warehouse = location_create(by=clerk, code="WH", name="总部物料仓", kind="warehouse")
    receipt_create(
        by=keeper,
        location=warehouse,
        supplier="印务公司",
        lines=[{"item": brochure, "quantity": Decimal(100), "unit_cost": Decimal("0.85")}],
    )
    day, page = Day(zh_page, live_server), zh_page

    # The clerk asks for 30 brochures for the hospital
    day.login("clerk_m")
    day.go("/materials/issuerequest/add/")
    page.select_option("select[name=location]", label="总部物料仓")
    page.select_option("select[name=purpose]", label="发给客户")
    day.pick("id_customer", "协和", "北京协和医院")
    day.pick("id_lines-0-item", "amxl", "阿莫西林胶囊产品彩页")
    page.fill("input[name=lines-0-quantity]", "30")
    page.locator("button[name=_continue]").click()
    page.get_by_test_id("review-submit").wait_for()
    day.read()
    issue = IssueRequest.objects.get(owner=clerk)
    assert issue.lines.get().quantity == Decimal("30")
    page.get_by_test_id("review-submit").click()
    page.get_by_text("已提交审核。").wait_for()
    day.read()
    day.shot("material-issue-submitted")

    # Two others review: a clerk, then the warehouse; the second releases it
    for reviewer in ("clerk_m2", "wh_m"):
        day.login(reviewer)
        day.go(f"/materials/issuerequest/{issue.pk}/change/")
        page.get_by_text("该库位现有（未过期）").wait_for()
        day.approve()
    page.get_by_text("已发放").first.wait_for()
    day.shot("material-issue-released")
    issue.refresh_from_db()
    assert issue.status == "released" and issue.number.startswith("MI-")
    item = MaterialItem.objects.get(pk=brochure.pk)
    assert item.stock_quantity == Decimal("70") and item.stock_value == Decimal("59.50")

    # The slip names both reviewers; stock and movements show what moved
    day.go(f"/materials/issuerequest/{issue.pk}/print/")
    page.get_by_text("复核：周敏、吴刚").wait_for()
    day.go("/materials/stockbalance/")
    page.get_by_text("70").first.wait_for()
    day.go("/materials/stockmove/")
    page.get_by_text(issue.number).first.wait_for()
    day.shot("stock-movements")
    assert day.raw == {}, day.raw
