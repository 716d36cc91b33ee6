from datetime import date

import pytest

from backoffice.accounts.services import user_create
from backoffice.parties.models import QualificationType
from backoffice.parties.services import customer_create, qualification_create, qualification_submit
from backoffice.parties.tests.conftest import pdf_upload
from conftest import PASSWORD
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pharmacy(rep_wang, region_north):
    return customer_create(by=rep_wang, name="北京同仁堂药店", kind="pharmacy", region=region_north)


def test_clerk_finds_a_customer_by_pinyin_and_sees_its_trade_block(
    live_server, page, clerk, pharmacy, screenshot
):
    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/parties/customer/")
    page.fill("input[name=q]", "bjtrt")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="北京同仁堂药店").click()
    block = page.get_by_test_id("trade-block")
    block.wait_for()
    text = block.inner_text()
    assert "Business licence is missing" in text
    assert "Drug trading licence is missing" in text
    screenshot("customer-file-trade-block")


def test_two_clerks_verify_a_paper_in_the_review_panel(
    live_server, page, clerk, rep_wang, pharmacy, screenshot
):
    second = user_create(
        username="clerk2",
        role="clerk",
        full_name="周敏",
        password=PASSWORD,
        validate_password_strength=False,
    )
    paper = qualification_create(
        customer=pharmacy,
        by=rep_wang,
        qualification_type=QualificationType.objects.get(code="business_licence"),
        number="110105000000001",
        valid_from=date(2024, 1, 1),
        valid_to=date(2030, 12, 31),
        scan=pdf_upload(),
    )
    qualification_submit(qualification=paper, by=rep_wang)

    for username in ("clerk", second.username):
        sign_in(page, live_server, username)
        page.get_by_role("link", name="My reviews").click()
        page.get_by_test_id("my-reviews").get_by_role("link").first.click()
        panel = page.get_by_test_id("review-panel")
        panel.wait_for()
        if username == "clerk":
            assert "Waiting for review (0 of 2)" in panel.inner_text()
            screenshot("review-panel-before")
        panel.get_by_role("button", name="Approve").click()
        if username == "clerk":  # one of two: not yet "approved"
            page.get_by_text("1 of 2 approvals; waiting for one more").first.wait_for()
        else:
            page.get_by_text("Approved.").wait_for()
        page.context.clear_cookies()

    paper.refresh_from_db()
    assert paper.status == "verified"
    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/parties/qualification/{paper.pk}/change/")
    assert "Approved" in page.get_by_test_id("review-state").inner_text()
    assert page.get_by_test_id("review-decide").count() == 0
    screenshot("review-panel-approved")
