from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.accounts.services import user_create
from backoffice.catalog.services import product_save
from backoffice.contracts.services import contract_create, contract_submit
from backoffice.parties.services import customer_create
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_sales_manager_signs_an_approved_contract_and_opens_its_performance(
    live_server, page, clerk, rep_wang, region_north, screenshot, tmp_path
):
    manager = user_create(
        username="smgr", role="sales_manager", password=PASSWORD, validate_password_strength=False
    )
    hospital = customer_create(
        by=rep_wang, name="北京协和医院", kind="hospital", region=region_north
    )
    product = product_save(by=clerk, code="P0001", name="阿莫西林胶囊", list_price=Decimal("18.50"))
    today = timezone.localdate()
    contract = contract_create(
        kind="sales",
        counterparty=hospital,
        by=clerk,
        title="年度供货合同",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=300),
        lines=[{"product": product, "quantity": "100", "unit_price": "18.00"}],
    )
    contract_submit(contract=contract, by=clerk)
    review_decide(request=review_request_for(contract), by=manager, verdict="approve")
    scan = tmp_path / "signed.pdf"
    scan.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    # the signature binds the company: a sales manager records it, never a clerk (issue 15 §20)
    sign_in(page, live_server, "smgr")
    page.goto(f"{live_server.url}/contracts/contract/")
    page.get_by_role("link", name=contract.number).click()
    form = page.get_by_test_id("step-sign")
    form.locator("input[name=scan]").set_input_files(str(scan))
    form.get_by_role("button", name="Confirm signing").click()
    page.get_by_text("Signing recorded; the scan is attached.").wait_for()
    contract.refresh_from_db()
    assert contract.status == "active"
    assert page.get_by_test_id("step-terminate").is_visible()
    screenshot("contract-signed")
    page.get_by_role("link", name="Performance list").click()
    table = page.get_by_test_id("performance-lines")
    table.wait_for()
    assert "阿莫西林胶囊" in table.inner_text()
    assert "1,800.00" in table.inner_text() or "1800.00" in table.inner_text()
    screenshot("contract-performance")
