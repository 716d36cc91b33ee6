"""Verification (核销, issue 18 §4): what an approved application cost, checked by finance,
posted to the ledger; the tolerance over the approved amount; the budget's spent."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from backoffice.core.exceptions import ValidationFailed
from backoffice.core.files import attachments_of
from backoffice.core.todos import todos_for
from backoffice.expenses.exceptions import OverApproved
from backoffice.expenses.models import Budget, ExpenseVerification
from backoffice.expenses.selectors import budget_figures
from backoffice.expenses.services import (
    application_cancel_request,
    application_submit,
    verification_submit,
)
from backoffice.expenses.tests.conftest import application
from backoffice.ledger.models import JournalLine
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.exceptions import NotAReviewer, SelfReviewForbidden
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

TODAY = timezone.localdate()


@pytest.fixture
def approved(rep_wang, region_north, conference, budget, sales_manager):
    asked = application(rep_wang, region_north, conference, "10000")
    application_submit(application=asked, by=rep_wang)
    review_decide(request=review_request_for(asked), by=sales_manager, verdict="approve")
    asked.refresh_from_db()
    return asked


def _lines(*amounts):
    return [
        {
            "spent_on": TODAY - timedelta(days=1),
            "description": f"会场及茶歇 {n}",
            "amount": amount,
            "invoice_number": f"0442{n:04d}",
        }
        for n, amount in enumerate(amounts, start=1)
    ]


@pytest.mark.django_db
def test_spending_beyond_the_approved_amount_and_its_tolerance_needs_a_new_application(
    approved, rep_wang
):
    with pytest.raises(OverApproved) as refused:
        verification_submit(
            application=approved, by=rep_wang, lines=_lines("6000", "5000.01"), scans=[pdf_upload()]
        )
    assert refused.value.status == 409 and refused.value.extra["allowed"] == "11000.00"
    assert not ExpenseVerification.objects.exists()  # nothing half-saved
    verification = verification_submit(
        application=approved, by=rep_wang, lines=_lines("6000", "5000"), scans=[pdf_upload()]
    )
    assert verification.status == "in_review" and verification.total == Decimal("11000.00")


@pytest.mark.django_db
def test_finance_checks_and_the_spending_is_posted_and_leaves_the_budget(
    approved, rep_wang, finance, sales_manager, budget
):
    verification = verification_submit(
        application=approved, by=rep_wang, lines=_lines("4000", "3500.50"), scans=[pdf_upload()]
    )
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review_request_for(verification), by=rep_wang, verdict="approve")
    with pytest.raises(NotAReviewer):  # finance checks, not sales
        review_decide(request=review_request_for(verification), by=sales_manager, verdict="approve")
    review_decide(request=review_request_for(verification), by=finance, verdict="approve")
    verification.refresh_from_db()
    approved.refresh_from_db()
    assert verification.status == "verified" and verification.number.startswith("EV")
    assert approved.status == "verified" and approved.spent == Decimal("7500.50")
    posted = JournalLine.objects.filter(entry=verification.journal_entry)
    assert sorted((line.account.code, line.debit, line.credit) for line in posted) == [
        ("2241", Decimal("0.00"), Decimal("7500.50")),
        ("660101", Decimal("7500.50"), Decimal("0.00")),
    ]
    (figures,) = budget_figures([Budget.objects.get(pk=budget.pk)])
    # the unused 2,499.50 of the approved 10,000 is back in the budget
    assert (figures.committed, figures.spent, figures.available) == (
        Decimal("0.00"),
        Decimal("7500.50"),
        Decimal("92499.50"),
    )
    with pytest.raises(ValidationFailed):  # verified once
        verification_submit(
            application=approved, by=rep_wang, lines=_lines("1"), scans=[pdf_upload()]
        )


@pytest.mark.django_db
def test_sent_back_it_is_corrected_and_sent_again_with_its_scans(approved, rep_wang, finance):
    verification = verification_submit(
        application=approved, by=rep_wang, lines=_lines("4000"), scans=[pdf_upload()]
    )
    review_decide(
        request=review_request_for(verification), by=finance, verdict="reject", note="缺发票"
    )
    verification.refresh_from_db()
    assert verification.status == "draft"
    again = verification_submit(application=approved, by=rep_wang, lines=_lines("3800"), scans=[])
    assert again.pk == verification.pk and again.status == "in_review"
    assert [line.amount for line in again.lines.all()] == [Decimal("3800.00")]
    assert attachments_of(again).count() == 1


@pytest.mark.django_db
def test_lines_are_checked_each_under_its_number(approved, rep_wang):
    bad = [
        {"spent_on": TODAY + timedelta(days=1), "description": "x", "amount": "10"},
        {"spent_on": TODAY, "description": " ", "amount": "0"},
    ]
    with pytest.raises(ValidationFailed) as refused:
        verification_submit(application=approved, by=rep_wang, lines=bad, scans=[pdf_upload()])
    errors = refused.value.extra["fields"]["lines"]
    assert set(errors["1"]) == {"spent_on"} and set(errors["2"]) == {"description", "amount"}
    with pytest.raises(ValidationFailed) as refused:
        verification_submit(application=approved, by=rep_wang, lines=_lines("10"), scans=[])
    assert "scans" in refused.value.extra["fields"]
    assert not ExpenseVerification.objects.exists()


@pytest.mark.django_db
def test_an_application_with_spending_at_finance_is_not_cancelled(
    approved, rep_wang, sales_manager
):
    verification_submit(
        application=approved, by=rep_wang, lines=_lines("100"), scans=[pdf_upload()]
    )
    with pytest.raises(ValidationFailed):
        application_cancel_request(application=approved, by=rep_wang, reason="不办了")


@pytest.mark.django_db
def test_verify_through_the_api(api, approved, rep_wang, finance):
    import json

    api.force_authenticate(rep_wang)
    url = f"/api/v1/expenses/applications/{approved.pk}/verify/"
    lines = [{"spent_on": str(TODAY - timedelta(days=2)), "description": "会场",
              "amount": "9000.00", "invoice_number": "04420001"}]  # fmt: skip
    refused = api.post(url, {"lines": json.dumps(lines * 2), "scans": [pdf_upload()]})
    assert refused.status_code == 409 and refused.json()["code"] == "over_approved"
    bad = api.post(url, {"lines": "not json", "scans": [pdf_upload()]})
    assert bad.status_code == 400
    sent = api.post(url, {"lines": json.dumps(lines), "scans": [pdf_upload()]})
    assert sent.status_code == 201, sent.json()
    pk = sent.json()["id"]
    api.force_authenticate(finance)
    checked = api.post(f"/api/v1/expenses/verifications/{pk}/review/", {"verdict": "approve"})
    assert checked.status_code == 200, checked.json()
    assert api.get(f"/api/v1/expenses/verifications/{pk}/").json()["status"] == "verified"


@pytest.mark.django_db
def test_an_approved_application_not_verified_30_days_after_its_date_is_a_to_do(
    approved, rep_wang, rep_li
):
    planned = approved.planned_on

    def mine(user):
        return [t.title for t in todos_for(user) if approved.number in t.title]

    with time_machine.travel(datetime.combine(planned + timedelta(days=10), time(9))):
        assert mine(rep_wang) == []
    with (
        translation.override("zh-hans"),
        time_machine.travel(datetime.combine(planned + timedelta(days=31), time(9))),
    ):
        assert len(mine(rep_wang)) == 1 and "核销" in mine(rep_wang)[0]
        assert mine(rep_li) == []  # the applicant's
        line = {"spent_on": planned, "description": "会场", "amount": "100"}
        verification_submit(application=approved, by=rep_wang, lines=[line], scans=[pdf_upload()])
        assert mine(rep_wang) == []  # sent to finance
