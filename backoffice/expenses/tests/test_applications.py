"""Expense applications (issue 18): approval levels by amount, the budget checked and
committed at submission, a general manager's leave beyond it, cancellation, visibility."""

from datetime import date
from decimal import Decimal

import pytest

from backoffice.core.exceptions import InvalidTransition, NotAllowed, ValidationFailed
from backoffice.expenses.exceptions import BudgetExceeded
from backoffice.expenses.models import Budget, ExpenseApplication
from backoffice.expenses.selectors import application_visible_to, budget_figures
from backoffice.expenses.services import (
    application_cancel,
    application_cancel_request,
    application_override,
    application_submit,
    budget_create,
)
from backoffice.expenses.tests.conftest import application
from backoffice.reviews.exceptions import SelfReviewForbidden
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide


def _figures(budget: Budget) -> tuple[Decimal, Decimal]:
    (budget,) = budget_figures([Budget.objects.get(pk=budget.pk)])
    return budget.committed, budget.available


@pytest.mark.django_db
def test_one_approval_below_50000_two_in_order_from_it(
    rep_wang, region_north, conference, finance, sales_manager, general_manager
):
    budget_create(
        by=finance,
        region=region_north,
        category=conference,
        period="year",
        starts_on=date(2026, 1, 1),
        amount=Decimal("200000"),
    )
    small = application(rep_wang, region_north, conference, "49999.99")
    application_submit(application=small, by=rep_wang)
    with pytest.raises(SelfReviewForbidden):  # the applicant never counts
        review_decide(request=review_request_for(small), by=rep_wang, verdict="approve")
    review_decide(request=review_request_for(small), by=sales_manager, verdict="approve")
    small.refresh_from_db()
    assert small.status == "approved" and small.number.startswith("EA")

    big = application(rep_wang, region_north, conference, "50000.00")
    application_submit(application=big, by=rep_wang)
    review_decide(request=review_request_for(big), by=sales_manager, verdict="approve")
    big.refresh_from_db()
    assert big.status == "in_review"  # the general manager's level is still open
    review_decide(request=review_request_for(big), by=general_manager, verdict="approve")
    big.refresh_from_db()
    assert big.status == "approved"


@pytest.mark.django_db
def test_a_manager_who_applies_does_not_approve_their_own(
    region_north, conference, budget, sales_manager, clerk
):
    mine = application(sales_manager, region_north, conference, "1000")
    application_submit(application=mine, by=sales_manager)
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review_request_for(mine), by=sales_manager, verdict="approve")
    # entered by a clerk for the manager: the manager is still the applicant
    theirs = application(clerk, region_north, conference, "1000", owner=sales_manager)
    application_submit(application=theirs, by=clerk)
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review_request_for(theirs), by=sales_manager, verdict="approve")


@pytest.mark.django_db
def test_the_budget_is_checked_and_committed_at_submission(
    rep_wang, region_north, conference, budget, sales_manager
):
    first = application(rep_wang, region_north, conference, "60000")
    application_submit(application=first, by=rep_wang)
    assert _figures(budget) == (Decimal("60000.00"), Decimal("40000.00"))
    second = application(rep_wang, region_north, conference, "40000.01")
    with pytest.raises(BudgetExceeded) as refused:
        application_submit(application=second, by=rep_wang)
    assert refused.value.status == 409 and refused.value.extra["available"] == "40000.00"
    second.refresh_from_db()
    assert second.status == "draft"  # nothing half-done
    assert review_request_for(second) is None
    # returned to draft, the first commits nothing; approved, it commits again
    review_decide(
        request=review_request_for(first), by=sales_manager, verdict="reject", note="太贵"
    )
    assert _figures(budget) == (Decimal("0.00"), Decimal("100000.00"))
    application_submit(application=second, by=rep_wang)
    review_decide(request=review_request_for(second), by=sales_manager, verdict="approve")
    assert _figures(budget) == (Decimal("40000.01"), Decimal("59999.99"))


@pytest.mark.django_db
def test_every_budget_that_covers_it_must_have_room(
    rep_wang, region_north, conference, budget, finance
):
    budget_create(
        by=finance,
        region=region_north,
        category=conference,
        period="month",
        starts_on=date(2026, 5, 1),
        amount=Decimal("5000"),
    )
    over_may = application(rep_wang, region_north, conference, "5000.01")
    with pytest.raises(BudgetExceeded):
        application_submit(application=over_may, by=rep_wang)
    june = application(rep_wang, region_north, conference, "9000", planned_on=date(2026, 6, 2))
    application_submit(application=june, by=rep_wang)  # the month's budget is May's only


@pytest.mark.django_db
def test_without_a_budget_nothing_is_spent_unless_the_general_manager_allows_it(
    rep_li, region_east, conference, general_manager, sales_manager
):
    rep_wang = rep_li
    asked = application(rep_li, region_east, conference, "8000")
    with pytest.raises(BudgetExceeded):
        application_submit(application=asked, by=rep_wang)
    with pytest.raises(NotAllowed):  # only a general manager gives leave
        application_override(application=asked, by=sales_manager, reason="急需")
    with pytest.raises(ValidationFailed):  # saying why
        application_override(application=asked, by=general_manager, reason="  ")
    application_override(application=asked, by=general_manager, reason="新品上市会议")
    asked.refresh_from_db()
    assert asked.override_amount == Decimal("8000.00") and asked.override_by == general_manager
    asked.amount = Decimal("8000.01")  # more than the leave was for
    asked.save()
    with pytest.raises(BudgetExceeded):
        application_submit(application=asked, by=rep_wang)
    asked.amount = Decimal("7500")
    asked.save()
    application_submit(application=asked, by=rep_wang)
    asked.refresh_from_db()
    assert asked.status == "in_review"


@pytest.mark.django_db
def test_cancelling_a_draft_at_once_an_approved_one_through_a_review(
    rep_wang, region_north, conference, budget, sales_manager
):
    draft = application(rep_wang, region_north, conference, "100")
    application_cancel(application=draft, by=rep_wang, reason="不办了")
    draft.refresh_from_db()
    assert draft.status == "cancelled"
    with pytest.raises(InvalidTransition):
        application_submit(application=draft, by=rep_wang)

    granted = application(rep_wang, region_north, conference, "30000")
    application_submit(application=granted, by=rep_wang)
    review_decide(request=review_request_for(granted), by=sales_manager, verdict="approve")
    asked = application_cancel_request(application=granted, by=rep_wang, reason="会议取消")
    granted.refresh_from_db()
    assert granted.status == "approved"  # not by the asker alone
    assert _figures(budget)[0] == Decimal("30000.00")
    review_decide(request=review_request_for(asked), by=sales_manager, verdict="approve")
    granted.refresh_from_db()
    assert granted.status == "cancelled"
    assert _figures(budget) == (Decimal("0.00"), Decimal("100000.00"))


@pytest.mark.django_db
def test_who_sees_which_application(
    rep_wang, rep_li, region_north, region_east, conference, manager_north, finance, clerk,
    outsider,
):  # fmt: skip
    north = application(rep_wang, region_north, conference, "100")
    east = application(rep_li, region_east, conference, "200")
    assert set(application_visible_to(rep_wang)) == {north}
    assert set(application_visible_to(rep_li)) == {east}
    assert set(application_visible_to(manager_north)) == {north}
    assert (
        set(application_visible_to(finance))
        == set(application_visible_to(clerk))
        == {
            north,
            east,
        }
    )
    assert not application_visible_to(outsider).exists()


@pytest.mark.django_db
def test_an_application_is_validated_and_nothing_half_saved(rep_wang, region_north, conference):
    for amount in ("0", "-5", "abc"):
        with pytest.raises(ValidationFailed):
            application(rep_wang, region_north, conference, amount)
    with pytest.raises(ValidationFailed):
        application(rep_wang, region_north, conference, "10", purpose=" ")
    conference.is_active = False
    conference.save()
    with pytest.raises(Exception) as refused:
        application(rep_wang, region_north, conference, "10")
    assert refused.value.code == "category_inactive"
    assert not ExpenseApplication.objects.exists()


@pytest.mark.django_db
def test_a_rep_applies_in_own_regions_only(rep_wang, region_east, conference, clerk):
    with pytest.raises(ValidationFailed) as refused:
        application(rep_wang, region_east, conference, "100")
    assert "region" in refused.value.extra["fields"]
    # a clerk enters it for the rep: the rep's regions still decide
    with pytest.raises(ValidationFailed):
        application(clerk, region_east, conference, "100", owner=rep_wang)
    assert application(clerk, region_east, conference, "100").owner == clerk


@pytest.mark.django_db
def test_through_the_api(api, rep_wang, region_north, conference, budget, sales_manager):
    api.force_authenticate(rep_wang)
    created = api.post(
        "/api/v1/expenses/applications/",
        {
            "category": conference.pk,
            "region": region_north.pk,
            "purpose": "科室会",
            "planned_on": "2026-05-20",
            "amount": "120000.00",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    refused = api.post(f"/api/v1/expenses/applications/{pk}/submit/")
    assert refused.status_code == 409 and refused.json()["code"] == "budget_exceeded"
    override = api.post(f"/api/v1/expenses/applications/{pk}/override/", {"reason": "要"})
    assert override.status_code == 403  # a rep gives no leave
    budgets = api.get("/api/v1/expenses/budgets/")
    assert budgets.status_code == 403  # a rep reads no budgets
    api.force_authenticate(sales_manager)
    rows = api.get(f"/api/v1/expenses/budgets/?region={region_north.pk}&year=2026").json()
    assert [(r["budget"], r["committed"], r["available"]) for r in rows["results"]] == [
        ("100000.00", "0.00", "100000.00")
    ]
    assert api.get("/api/v1/expenses/budgets/?year=1").status_code == 400
    assert (
        api.get(f"/api/v1/expenses/applications/?status=draft&region={region_north.pk}").json()[
            "count"
        ]
        == 1
    )


@pytest.mark.django_db
def test_papers_are_attached_until_the_application_is_done(
    api, rep_wang, rep_li, region_north, conference, budget
):
    from backoffice.core.files import attachments_of
    from backoffice.expenses.services import application_attach, application_cancel
    from backoffice.parties.tests.conftest import pdf_upload

    asked = application(rep_wang, region_north, conference, "5000")
    application_attach(application=asked, by=rep_wang, upload=pdf_upload("会议议程.pdf"))
    api.force_authenticate(rep_wang)
    url = f"/api/v1/expenses/applications/{asked.pk}/attachments/"
    answered = api.post(url, {"file": pdf_upload("报价单.pdf")}, format="multipart")
    assert answered.status_code == 201, answered.json()
    assert sorted(a.original_name for a in attachments_of(asked)) == ["会议议程.pdf", "报价单.pdf"]
    api.force_authenticate(rep_li)  # another rep's application is not there at all
    assert api.post(url, {"file": pdf_upload()}, format="multipart").status_code == 404
    application_cancel(application=asked, by=rep_wang, reason="不办了")
    with pytest.raises(ValidationFailed):
        application_attach(application=asked, by=rep_wang, upload=pdf_upload())
