"""Issue 18 in a browser, in Chinese: a rep applies for a marketing expense, the budget
refuses what does not fit, the general manager allows it, the sales manager approves; the
budget list shows it committed. Every page is read for raw codes or English (the Chinese
walk's check)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.expenses.models import ExpenseApplication
from backoffice.expenses.services import budget_create
from backoffice.expenses.tests.factories import ExpenseCategoryFactory
from tests.browser.test_clerks_day import Day, _person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_rep_applies_the_general_manager_allows_it_beyond_the_budget_the_manager_approves(
    live_server, zh_page, region_north
):
    rep = _person("rep_e", "rep", "王磊", regions=["north"])
    _person("smgr_e", "sales_manager", "赵强")
    _person("gm_e", "general_manager", "周伟")
    finance = _person("fin_e", "finance", "孙丽")
    conference = ExpenseCategoryFactory(code="CONF")
    today = timezone.localdate()
    budget_create(
        by=finance,
        region=region_north,
        category=conference,
        period="year",
        starts_on=date(today.year, 1, 1),
        amount=Decimal("20000"),
    )
    day, page = Day(zh_page, live_server), zh_page

    # The rep applies for 25,000: more than the year's 20,000 left
    day.login("rep_e")
    day.go("/expenses/expenseapplication/add/")
    page.select_option("select[name=category]", label="会议费")
    page.fill("textarea[name=purpose]", "石家庄市心内科学术沙龙（40人）")
    page.fill("input[name=planned_on]", today.isoformat())
    page.fill("input[name=amount]", "25000")
    page.locator("button[name=_continue]").click()
    page.get_by_test_id("review-submit").wait_for()
    day.read()
    application = ExpenseApplication.objects.get(owner=rep)
    page.get_by_test_id("review-submit").click()
    page.get_by_text("余额 20000.00").wait_for()  # refused by the budget, in Chinese
    day.read()
    day.shot("expense-over-budget")
    application.refresh_from_db()
    assert application.status == "draft"

    # The general manager allows it, saying why
    day.login("gm_e")
    day.go(f"/expenses/expenseapplication/{application.pk}/change/")
    step = page.get_by_test_id("step-override")
    step.locator("textarea").fill("新品上市，年度重点项目")
    step.get_by_role("button", name="准予超预算").click()
    page.get_by_text("已准予按此金额超出预算。").wait_for()
    day.read()

    # The rep submits again; the sales manager approves
    day.login("rep_e")
    day.go(f"/expenses/expenseapplication/{application.pk}/change/")
    page.get_by_test_id("review-submit").click()
    page.get_by_text("已提交审核。").wait_for()
    day.login("smgr_e")
    day.go(f"/expenses/expenseapplication/{application.pk}/change/")
    day.approve()
    page.get_by_text("已通过。").wait_for()
    day.shot("expense-approved")
    application.refresh_from_db()
    assert application.status == "approved" and application.number

    # The budget list: 25,000 committed, -5,000 available
    day.go("/expenses/budget/")
    row = page.locator("tr", has_text="会议费")
    assert "25000.00" in row.inner_text() and "-5000.00" in row.inner_text()
    day.shot("expense-budgets")
    assert day.raw == {}, day.raw
