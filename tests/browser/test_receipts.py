"""In Chinese: finance enters a receipt allocated from the customer's open invoices (the
oldest proposed first), applies the credit it left later on the receipt's page, and reads
the customer's statement for a period."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.ledger.models import Receipt, Receivable
from backoffice.ledger.services import receivable_from_invoice
from backoffice.parties.services import customer_create
from tests.browser.conftest import SCREENSHOTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _invoice(customer, owner, number, issued_on, amount, by):
    gross = Decimal(amount)
    net = (gross / Decimal("1.13")).quantize(Decimal("0.01"))
    return receivable_from_invoice(
        source_model="tests.invoice",
        source_id=int(number.rsplit("-", 1)[1]),
        document_number=number,
        customer=customer,
        owner_id=owner.pk,
        region_id=customer.region_id,
        issued_on=issued_on,
        gross_amount=gross,
        net_amount=net,
        tax_amount=gross - net,
        by=by,
    )


def test_a_receipt_allocated_from_the_open_invoices_then_its_credit_applied_later(
    live_server, zh_page, finance, rep_wang, region_north
):
    page = zh_page
    shots = SCREENSHOTS
    shots.mkdir(parents=True, exist_ok=True)
    customer = customer_create(
        by=rep_wang, name="北京同仁堂药店", kind="pharmacy", region=region_north
    )
    today = timezone.localdate()
    _invoice(customer, rep_wang, "INV-2", today - timedelta(days=60), "200.00", finance)
    _invoice(customer, rep_wang, "INV-3", today - timedelta(days=30), "300.00", finance)
    _invoice(customer, rep_wang, "INV-1", today - timedelta(days=90), "100.00", finance)

    sign_in(page, live_server, "finance")

    # A new receipt: the amount, then the customer; its open invoices come as rows.
    page.goto(f"{live_server.url}/ledger/receipt/add/")
    page.get_by_test_id("choose-customer").wait_for()
    assert "收款方式" in page.content()
    page.fill("input[name=amount]", "500")
    page.locator(
        ".field-customer .select2-selection, #id_customer + .select2 .select2-selection"
    ).first.click()
    page.locator(".select2-search__field").fill("同仁堂")
    page.locator(".select2-results__option", has_text="北京同仁堂药店").click()
    rows = page.get_by_test_id("allocation-row")
    rows.first.wait_for()
    assert [r.split("\t")[0] for r in rows.all_inner_texts()] == ["INV-1", "INV-2", "INV-3"]
    inputs = page.locator("input[name^=allocate_]")
    assert [inputs.nth(i).input_value() for i in range(3)] == ["100.00", "200.00", "200.00"]
    assert page.locator("input[name=amount]").input_value() == "500"
    # Too much on the first row comes back beside it, in Chinese; nothing is saved.
    inputs.nth(0).fill("150")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("发票 INV-1 的未收金额只有 100.00。").wait_for()
    assert not Receipt.objects.exists()
    page.locator("input[name^=allocate_]").nth(0).fill("100")
    page.locator("input[name^=allocate_]").nth(2).fill("")
    summary = page.get_by_test_id("allocation-summary").inner_text()
    assert "已分配 300.00" in summary and "留作客户余额 200.00" in summary
    page.screenshot(path=str(shots / "receipt-add-zh.png"), full_page=True)
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_text("成功").first.wait_for()
    receipt = Receipt.objects.get()
    assert receipt.allocated_amount == Decimal("300.00")

    # Later: the 200.00 left is applied from the receipt's page.
    page.goto(f"{live_server.url}/ledger/receipt/{receipt.pk}/change/")
    step = page.get_by_test_id("step-allocate")
    step.wait_for()
    assert "将本收款剩余的 200.00 分配到未结发票" in step.inner_text()
    assert step.locator("input[name^=allocate_]").input_value() == "200.00"
    page.screenshot(path=str(shots / "receipt-credit-zh.png"), full_page=True)
    step.locator("input[name^=allocate_]").fill("150")
    step.get_by_role("button", name="分配余额").click()
    page.get_by_text("余额已分配到发票。").wait_for()
    receipt.refresh_from_db()
    assert receipt.allocated_amount == Decimal("450.00")
    assert Receivable.objects.get(document_number="INV-3").open_amount == Decimal("150.00")

    # The statement for a period, and its link to the receipt that still holds credit.
    page.goto(f"{live_server.url}/statements/{customer.pk}/")
    page.get_by_test_id("preset").filter(has_text="本季度").click()
    page.get_by_text("客 户 对 账 单").wait_for()
    assert "未分配的收款余额：50.00" in page.get_by_test_id("statement-credit").inner_text()
    page.screenshot(path=str(shots / "statement-zh.png"), full_page=True)
    page.goto(f"{live_server.url}/statements/{customer.pk}/?date_from=abc")
    assert "起始日期：日期格式为 YYYY-MM-DD" in page.get_by_test_id("period-errors").inner_text()
    page.goto(f"{live_server.url}/statements/{customer.pk}/")
    page.get_by_test_id("credit-receipts").click()
    page.get_by_role("link", name=receipt.number).wait_for()
