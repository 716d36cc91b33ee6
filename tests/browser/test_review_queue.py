""" "My reviews" in Chinese: filter the queue, tick documents, approve them with one click."""

from datetime import date

import pytest

from backoffice.parties.models import QualificationType
from backoffice.parties.services import customer_create, qualification_create, qualification_submit
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.models import ReviewRequest
from backoffice.reviews.selectors import review_request_for
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _paper(customer, by, number: str) -> ReviewRequest:
    paper = qualification_create(
        customer=customer,
        by=by,
        qualification_type=QualificationType.objects.get(code="business_licence"),
        number=number,
        valid_from=date(2024, 1, 1),
        valid_to=date(2030, 12, 31),
        scan=pdf_upload(),
    )
    qualification_submit(qualification=paper, by=by)
    return review_request_for(paper)


def test_a_clerk_filters_the_queue_and_approves_two_papers_at_once(
    live_server, zh_page, clerk, rep_wang, region_north, tmp_path
):
    page = zh_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    pharmacy = customer_create(
        by=rep_wang, name="北京同仁堂药店", kind="pharmacy", region=region_north
    )
    clinic = customer_create(by=rep_wang, name="朝阳区医院", kind="hospital", region=region_north)
    mine = [_paper(pharmacy, rep_wang, "A-1"), _paper(pharmacy, rep_wang, "A-2")]
    other = _paper(clinic, rep_wang, "B-1")
    sign_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/reviews/reviewrequest/pending/")
    filters = page.get_by_test_id("my-reviews-filters")
    filters.locator("select[name=customer]").select_option(label="北京同仁堂药店")
    filters.get_by_role("button", name="查询").click()
    table = page.get_by_test_id("my-reviews")
    table.wait_for()
    assert table.locator("tbody tr").count() == 2
    assert "朝阳区医院" not in table.inner_text()
    page.screenshot(path=str(tmp_path / "queue.png"), full_page=True)
    select_all = page.get_by_test_id("select-all")
    select_all.check()
    rows = table.locator("tbody input[name=reviews]")
    rows.first.uncheck()  # one row unticked: "all" is not ticked any more
    assert not select_all.is_checked()
    rows.first.check()  # every row ticked again: so is "all"
    assert select_all.is_checked()
    page.fill("input[name=note]", "证照齐全")
    page.get_by_test_id("approve-selected").click()
    page.get_by_text("已批准 2 份单据。").wait_for()
    assert f"customer={pharmacy.pk}" in page.url  # the filters stay
    for review in mine:
        decision = ReviewRequest.objects.get(pk=review.pk).decisions.get()
        assert (decision.reviewer_id, decision.note) == (clerk.pk, "证照齐全")
    assert ReviewRequest.objects.get(pk=other.pk).decisions.count() == 0
    assert errors == []
