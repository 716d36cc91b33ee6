"""Issue 18 in a browser, in Chinese: a rep applies for a marketing expense, the budget
refuses what does not fit, the general manager allows it, the sales manager approves; the
budget list shows it committed; the rep verifies what it cost with the receipts' scan and
finance checks it. Petty cash: finance issues a float, the clerk pays out of it with a
receipt, settles the month, the sales manager and finance approve, and the 备用金报销单
prints, its PDF in Chinese with the amount in capitals. Every page is read for raw codes or
English (the Chinese walk's check)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.core.periods import shift_start
from backoffice.expenses.models import (
    ExpenseApplication,
    ExpenseVerification,
    PettyCashFloat,
    PettyCashSettlement,
)
from backoffice.expenses.services import budget_create
from backoffice.expenses.tests.factories import ExpenseCategoryFactory
from tests.browser.test_clerks_day import MINIMAL_PDF, Day, _person

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

    # The rep verifies what it cost, with the receipts' scan; finance checks it
    day.login("rep_e")
    day.go(f"/expenses/expenseapplication/{application.pk}/change/")
    step = page.get_by_test_id("step-verify")
    step.locator("input[name=spent_on_1]").fill(today.isoformat())
    step.locator("input[name=description_1]").fill("会场租金")
    step.locator("input[name=amount_1]").fill("20000")
    step.locator("input[name=invoice_number_1]").fill("04420001")
    step.locator("input[name=spent_on_2]").fill(today.isoformat())
    step.locator("input[name=description_2]").fill("茶歇")
    step.locator("input[name=amount_2]").fill("3600.50")
    step.locator("input[name=scan]").set_input_files(
        {"name": "发票.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    step.get_by_role("button", name="费用核销").click()
    page.get_by_text("已提交财务审核。").wait_for()
    day.read()
    verification = ExpenseVerification.objects.get(application=application)
    assert verification.total == Decimal("23600.50") and verification.status == "in_review"
    day.login("fin_e")
    day.go(f"/expenses/expenseverification/{verification.pk}/change/")
    assert page.get_by_text("发票.pdf").is_visible()
    day.approve()
    page.get_by_text("已通过。").wait_for()
    day.shot("expense-verified")
    application.refresh_from_db()
    assert application.status == "verified" and application.spent == Decimal("23600.50")
    assert day.raw == {}, day.raw


def test_petty_cash_from_float_to_the_printed_reimbursement_form(
    live_server, zh_page, region_north
):
    import pypdf

    clerk = _person("clerk_p", "clerk", "陈静")
    _person("smgr_p", "sales_manager", "赵强")
    _person("fin_p", "finance", "孙丽")
    ExpenseCategoryFactory(code="EXPR", name="快递费", group="operations", account_code="660106")
    last_month = shift_start(timezone.localdate().replace(day=1), "month", -1)
    day, page = Day(zh_page, live_server), zh_page

    # Finance issues a float of 1,000 to the clerk, last month
    # (a month is settled once it is over)
    day.login("fin_p")
    day.go("/expenses/pettycashfloat/add/")
    page.select_option("select[name=holder]", label="陈静")
    page.fill("input[name=amount]", "1000")
    page.fill("input[name=issued_on]", last_month.isoformat())
    page.locator("button[name=_continue]").click()
    page.get_by_test_id("step-spend").wait_for()
    day.read()
    petty_float = PettyCashFloat.objects.get(holder=clerk)
    assert petty_float.cash_on_hand == Decimal("1000.00")

    # The clerk pays a courier out of it, with the receipt; more than is on hand is refused
    day.login("clerk_p")
    day.go(f"/expenses/pettycashfloat/{petty_float.pk}/change/")
    for amount, description, answer in (
        ("1200", "寄样品", "现有备用金 1000.00"),  # refused, in Chinese
        ("23.50", "顺丰寄送合同", "已登记。"),
    ):
        step = page.get_by_test_id("step-spend")
        step.locator("input[name=spent_on]").fill(last_month.replace(day=12).isoformat())
        step.locator("select[name=category]").select_option(label="快递费")
        step.locator("input[name=amount]").fill(amount)
        step.locator("input[name=description]").fill(description)
        step.locator("input[name=invoice_number]").fill("SF1402938475")
        step.locator("input[name=scan]").set_input_files(
            {"name": "收据.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
        )
        step.get_by_role("button", name="登记支出").click()
        page.get_by_text(answer).wait_for()
        day.read()
    petty_float.refresh_from_db()
    assert petty_float.cash_on_hand == Decimal("976.50")
    day.shot("petty-cash-spent")

    # The month's settlement, submitted; the sales manager, then finance, approve it
    day.step("settle", "月度报销")
    page.get_by_text("已生成该月报销单草稿").wait_for()
    settlement = PettyCashSettlement.objects.get(petty_float=petty_float)
    page.get_by_test_id("review-submit").click()
    page.get_by_text("已提交审核。").wait_for()
    day.read()
    for reviewer in ("smgr_p", "fin_p"):
        day.login(reviewer)
        day.go(f"/expenses/pettycashsettlement/{settlement.pk}/change/")
        day.approve()
    settlement.refresh_from_db()
    petty_float.refresh_from_db()
    assert settlement.status == "settled" and petty_float.cash_on_hand == Decimal("1000.00")
    day.shot("petty-cash-settled")

    # The 备用金报销单: on screen, and as a PDF in Chinese with the amount in capitals
    day.go(f"/expenses/pettycashsettlement/{settlement.pk}/print/")
    page.get_by_text("贰拾叁元伍角整").wait_for()
    day.shot("petty-cash-form")
    pdf = page.request.get(
        f"{live_server.url}/expenses/pettycashsettlement/{settlement.pk}/print/?format=pdf"
    )
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.body())).pages)
    assert "备用金报销单" in text.replace(" ", "") and "贰拾叁元伍角整" in text
    assert "快递费" in text and "陈静" in text
    assert day.raw == {}, day.raw
