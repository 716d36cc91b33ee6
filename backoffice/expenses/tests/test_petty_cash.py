"""Petty cash (备用金, issue 18 §5): a float issued by finance and posted, spending that
never takes cash on hand below zero, the month's settlement approved by the sales manager
and then finance, posted and topped up, the month locked, and the float returned."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db.models import Sum

from backoffice.core.exceptions import ValidationFailed
from backoffice.core.files import attachments_of
from backoffice.core.todos import todos_for
from backoffice.expenses.exceptions import InsufficientCash, PeriodLocked
from backoffice.expenses.models import PettyCashEntry, PettyCashFloat, PettyCashSettlement
from backoffice.expenses.selectors import settlement_totals, settlements_due
from backoffice.expenses.services import (
    entry_create,
    entry_delete,
    float_issue,
    float_return,
    settlement_create,
    settlement_submit,
)
from backoffice.expenses.tests.factories import ExpenseCategoryFactory
from backoffice.ledger.models import JournalLine
from backoffice.parties.tests.conftest import pdf_upload
from backoffice.reviews.exceptions import NotAReviewer, SelfReviewForbidden
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide

# Mid-month in the past, so that a whole month of spending lies behind "today".
NOW = "2026-06-10 10:00:00+08:00"
MAY = date(2026, 5, 1)


@pytest.fixture
def courier(db):
    return ExpenseCategoryFactory(
        code="EXPR", name="快递费", group="operations", account_code="660106"
    )


@pytest.fixture
def printing(db):
    return ExpenseCategoryFactory(
        code="PRNT", name="印刷费", group="operations", account_code="660107"
    )


@pytest.fixture
def sales_manager(db):
    from backoffice.accounts.services import user_create

    return user_create(username="sm", role="sales_manager", full_name="孙经理")


@pytest.fixture
def petty_float(clerk, finance):
    with time_machine.travel(NOW, tick=False):
        return float_issue(by=finance, holder=clerk, amount="1000", issued_on=date(2026, 5, 1))


def spend(petty_float, by, category, amount, day=date(2026, 5, 12), **kwargs):
    return entry_create(
        by=by,
        petty_float=petty_float,
        spent_on=day,
        category=category,
        amount=amount,
        description=kwargs.pop("description", "寄送合同"),
        invoice_number=kwargs.pop("invoice_number", "SF1234"),
        scan=kwargs.pop("scan", pdf_upload("receipt.pdf")),
    )


def balances(source_model: str, source_id: int) -> dict[str, Decimal]:
    rows = (
        JournalLine.objects.filter(entry__source_model=source_model, entry__source_id=source_id)
        .values("account__code")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    return {row["account__code"]: row["debit"] - row["credit"] for row in rows}


def unsettled(petty_float) -> Decimal:
    total = (
        PettyCashEntry.objects.filter(petty_float=petty_float)
        .exclude(settlement__status="settled")
        .aggregate(total=Sum("amount"))["total"]
    )
    return total or Decimal("0.00")


@pytest.mark.django_db
def test_a_float_is_posted_as_the_holders_debt_against_the_bank(petty_float, clerk):
    assert petty_float.number.startswith("PF") and petty_float.cash_on_hand == Decimal("1000.00")
    assert petty_float.holder == clerk and petty_float.status == "open"
    assert balances("expenses.pettycashfloat", petty_float.pk) == {
        "1221": Decimal("1000.00"),
        "1002": Decimal("-1000.00"),
    }


@pytest.mark.django_db
def test_one_open_float_per_holder_and_only_finance_issues(petty_float, clerk, finance, rep_wang):
    with pytest.raises(ValidationFailed):
        float_issue(by=finance, holder=clerk, amount="500")
    with pytest.raises(Exception) as refused:
        float_issue(by=clerk, holder=rep_wang, amount="500")
    assert getattr(refused.value, "status", None) == 403
    assert PettyCashFloat.objects.count() == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_spending_beyond_the_cash_on_hand_is_refused_and_nothing_is_saved(
    petty_float, clerk, courier
):
    spend(petty_float, clerk, courier, "600")
    with pytest.raises(InsufficientCash) as refused:
        spend(petty_float, clerk, courier, "400.01")
    assert refused.value.status == 409 and refused.value.extra["cash_on_hand"] == "400.00"
    assert PettyCashEntry.objects.count() == 1
    spend(petty_float, clerk, courier, "400")
    petty_float.refresh_from_db()
    assert petty_float.cash_on_hand == Decimal("0.00")
    assert petty_float.amount == petty_float.cash_on_hand + unsettled(petty_float)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_entry_needs_its_scan_a_past_date_and_its_holder(petty_float, clerk, rep_wang, courier):
    with pytest.raises(ValidationFailed) as refused:
        spend(petty_float, clerk, courier, "10", day=date(2026, 6, 11), scan=None, description=" ")
    assert set(refused.value.extra["fields"]) == {"scan", "spent_on", "description"}
    with pytest.raises(ValidationFailed):
        spend(petty_float, clerk, courier, "10", day=date(2026, 4, 30))  # before the float
    with pytest.raises(ValidationFailed):
        spend(petty_float, rep_wang, courier, "10")  # not the holder
    entry = spend(petty_float, clerk, courier, "12.50")
    assert [a.original_name for a in attachments_of(entry)] == ["receipt.pdf"]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_an_entry_taken_back_gives_the_cash_back(petty_float, clerk, courier):
    entry = spend(petty_float, clerk, courier, "300")
    entry_delete(entry=entry, by=clerk)
    petty_float.refresh_from_db()
    assert petty_float.cash_on_hand == Decimal("1000.00")
    assert not PettyCashEntry.objects.exists()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_month_is_settled_by_the_sales_manager_then_finance_posted_and_topped_up(
    petty_float, clerk, finance, sales_manager, courier, printing
):
    spend(petty_float, clerk, courier, "23.00", day=date(2026, 5, 3))
    spend(petty_float, clerk, courier, "18.50", day=date(2026, 5, 20))
    spend(petty_float, clerk, printing, "320.00", day=date(2026, 5, 28))
    june = spend(petty_float, clerk, courier, "15.00", day=date(2026, 6, 2))

    settlement = settlement_create(by=clerk, petty_float=petty_float, month=date(2026, 5, 17))
    assert settlement.month == MAY and settlement.total == Decimal("361.50")
    assert [(c.code, a) for c, a in settlement_totals(settlement)] == [
        ("EXPR", Decimal("41.50")),
        ("PRNT", Decimal("320.00")),
    ]
    settlement_submit(settlement=settlement, by=clerk)
    settlement.refresh_from_db()
    assert settlement.status == "in_review"
    with pytest.raises(PeriodLocked) as locked:  # the month in review takes nothing more
        spend(petty_float, clerk, courier, "5", day=date(2026, 5, 30))
    assert locked.value.status == 409 and locked.value.code == "period_locked"

    review = review_request_for(settlement)
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review, by=clerk, verdict="approve")
    with pytest.raises(NotAReviewer):  # the sales manager first
        review_decide(request=review, by=finance, verdict="approve")
    review_decide(request=review, by=sales_manager, verdict="approve")
    settlement.refresh_from_db()
    assert settlement.status == "in_review"  # finance still to settle
    review_decide(request=review_request_for(settlement), by=finance, verdict="approve")
    settlement.refresh_from_db()
    petty_float.refresh_from_db()
    assert settlement.status == "settled" and settlement.journal_entry_id
    assert petty_float.cash_on_hand == Decimal("985.00")  # topped up; June's 15 still out
    assert petty_float.amount == petty_float.cash_on_hand + unsettled(petty_float)
    assert balances("expenses.pettycashsettlement", settlement.pk) == {
        "660106": Decimal("41.50"),
        "660107": Decimal("320.00"),
        "1221": Decimal("0.00"),
        "1002": Decimal("-361.50"),
    }
    with pytest.raises(PeriodLocked):  # settled: locked for good
        spend(petty_float, clerk, courier, "5", day=date(2026, 5, 30))
    with pytest.raises(Exception):  # noqa: B017 (a settled entry is kept)
        entry_delete(entry=settlement.entries.first(), by=clerk)
    assert june.settlement_id is None


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_settlement_sent_back_reopens_its_month(petty_float, clerk, sales_manager, courier):
    spend(petty_float, clerk, courier, "40", day=date(2026, 5, 3))
    settlement = settlement_create(by=clerk, petty_float=petty_float, month=MAY)
    settlement_submit(settlement=settlement, by=clerk)
    review_decide(
        request=review_request_for(settlement), by=sales_manager, verdict="reject", note="缺发票"
    )
    settlement.refresh_from_db()
    assert settlement.status == "draft"
    late = spend(petty_float, clerk, courier, "8", day=date(2026, 5, 31))
    settlement_submit(settlement=settlement, by=clerk)
    settlement.refresh_from_db()
    late.refresh_from_db()
    assert settlement.total == Decimal("48.00") and late.settlement_id == settlement.pk


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_one_settlement_a_month_never_a_month_to_come_never_empty(petty_float, clerk, courier):
    for not_over in (date(2026, 7, 1), date(2026, 6, 1)):  # June is not over on the 10th
        with pytest.raises(ValidationFailed):
            settlement_create(by=clerk, petty_float=petty_float, month=not_over)
    empty = settlement_create(by=clerk, petty_float=petty_float, month=MAY)
    with pytest.raises(ValidationFailed):
        settlement_submit(settlement=empty, by=clerk)
    with pytest.raises(ValidationFailed):
        settlement_create(by=clerk, petty_float=petty_float, month=MAY)
    assert PettyCashSettlement.objects.count() == 1


@pytest.mark.django_db
def test_the_float_is_returned_after_its_last_settlement(
    petty_float, clerk, finance, sales_manager, courier
):
    with time_machine.travel(NOW, tick=False):
        spend(petty_float, clerk, courier, "100", day=date(2026, 5, 3))
        with pytest.raises(ValidationFailed):
            float_return(petty_float=petty_float, by=finance)
        settlement = settlement_create(by=clerk, petty_float=petty_float, month=MAY)
        settlement_submit(settlement=settlement, by=clerk)
        for reviewer in (sales_manager, finance):
            review_decide(request=review_request_for(settlement), by=reviewer, verdict="approve")
        with pytest.raises(Exception) as refused:  # the holder does not close it
            float_return(petty_float=petty_float, by=clerk)
        assert getattr(refused.value, "status", None) == 403
        returned = float_return(petty_float=petty_float, by=finance)
    assert returned.status == "returned" and returned.returned_on == date(2026, 6, 10)
    totals = balances("expenses.pettycashfloat", petty_float.pk)
    assert totals == {"1221": Decimal("0.00"), "1002": Decimal("0.00")}
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationFailed):
        spend(returned, clerk, courier, "1", day=date(2026, 6, 10))


@pytest.mark.django_db
def test_a_month_not_yet_sent_to_be_settled_is_on_the_holders_to_dos(petty_float, clerk, courier):
    with time_machine.travel("2026-05-20 10:00:00+08:00", tick=False):
        spend(petty_float, clerk, courier, "30", day=date(2026, 5, 3))
        assert settlements_due(clerk) == []  # May is not over
    with time_machine.travel("2026-06-02 10:00:00+08:00", tick=False):
        assert settlements_due(clerk) == [(petty_float, MAY)]
        titles = [todo.title for todo in todos_for(clerk)]
        assert any(petty_float.number in str(title) for title in titles)
        settlement = settlement_create(by=clerk, petty_float=petty_float, month=MAY)
        assert settlements_due(clerk) == [(petty_float, MAY)]  # a draft is not sent
        settlement_submit(settlement=settlement, by=clerk)
        assert settlements_due(clerk) == []


@pytest.mark.django_db
def test_through_the_api(api, clerk, finance, sales_manager, rep_wang, courier):
    with time_machine.travel(NOW, tick=False):
        api.force_authenticate(finance)
        issued = api.post(
            "/api/v1/expenses/petty-cash/floats/",
            {"holder": clerk.pk, "amount": "500.00", "issued_on": "2026-05-01"},
            format="json",
        )
        assert issued.status_code == 201, issued.json()
        float_id = issued.json()["id"]
        assert issued.json()["cash_on_hand"] == "500.00" and issued.json()["source"] == "1002"

        api.force_authenticate(clerk)
        entry = {
            "float": float_id,
            "spent_on": "2026-05-06",
            "category": courier.pk,
            "amount": "120.00",
            "description": "顺丰寄发票",
            "invoice_number": "SF0001",
        }
        missing = api.post("/api/v1/expenses/petty-cash/entries/", entry, format="multipart")
        assert missing.status_code == 400 and "scan" in missing.json()["extra"]["fields"]
        created = api.post(
            "/api/v1/expenses/petty-cash/entries/",
            {**entry, "scan": pdf_upload("sf.pdf")},
            format="multipart",
        )
        assert created.status_code == 201, created.json()
        too_much = api.post(
            "/api/v1/expenses/petty-cash/entries/",
            {**entry, "amount": "380.01", "scan": pdf_upload("sf.pdf")},
            format="multipart",
        )
        assert too_much.status_code == 409 and too_much.json()["code"] == "insufficient_cash"

        api.force_authenticate(rep_wang)  # another holder's float is not there at all
        assert api.get(f"/api/v1/expenses/petty-cash/floats/{float_id}/").status_code == 404
        assert api.get("/api/v1/expenses/petty-cash/entries/").json()["count"] == 0

        api.force_authenticate(clerk)
        drafted = api.post(
            "/api/v1/expenses/petty-cash/settlements/",
            {"float": float_id, "month": "2026-05-31"},
            format="json",
        )
        assert drafted.status_code == 201, drafted.json()
        settlement = drafted.json()
        assert settlement["month"] == "2026-05-01" and settlement["total"] == "120.00"
        assert settlement["by_category"] == [
            {"category": courier.pk, "name": "快递费", "amount": "120.00"}
        ]
        url = f"/api/v1/expenses/petty-cash/settlements/{settlement['id']}/"
        assert api.post(url + "submit/").status_code == 200
        locked = api.post(
            "/api/v1/expenses/petty-cash/entries/",
            {**entry, "amount": "1.00", "scan": pdf_upload("sf.pdf")},
            format="multipart",
        )
        assert locked.status_code == 409 and locked.json()["code"] == "period_locked"
        for reviewer in (sales_manager, finance):
            api.force_authenticate(reviewer)
            decided = api.post(url + "review/", {"verdict": "approve"}, format="json")
            assert decided.status_code == 200, decided.json()
        assert api.get(url).json()["status"] == "settled"
        petty_float = api.get(f"/api/v1/expenses/petty-cash/floats/{float_id}/").json()
        assert petty_float["cash_on_hand"] == "500.00"
        unsettled = api.get(f"/api/v1/expenses/petty-cash/entries/?float={float_id}&settled=false")
        assert unsettled.json()["count"] == 0
        returned = api.post(f"/api/v1/expenses/petty-cash/floats/{float_id}/return/", {})
        assert returned.status_code == 200 and returned.json()["status"] == "returned"


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_settlement_prints_as_the_reimbursement_form_with_the_amount_in_capitals(
    client, petty_float, clerk, finance, sales_manager, courier, printing
):
    spend(petty_float, clerk, courier, "23.00", day=date(2026, 5, 3))
    spend(petty_float, clerk, printing, "320.50", day=date(2026, 5, 28))
    settlement = settlement_create(by=clerk, petty_float=petty_float, month=MAY)
    settlement_submit(settlement=settlement, by=clerk)
    for reviewer in (sales_manager, finance):
        review_decide(request=review_request_for(settlement), by=reviewer, verdict="approve")
    client.force_login(clerk)
    url = f"/expenses/pettycashsettlement/{settlement.pk}/print/"
    html = client.get(url).content.decode()
    assert "备用金报销单" in html and "叁佰肆拾叁元伍角整" in html
    assert "2026年5月" in html and "快递费" in html and "印刷费" in html
    assert "销售经理：孙经理" in html and f"财务：{finance}" in html
    pdf = client.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_whoever_recorded_the_spending_never_approves_its_settlement(
    petty_float, clerk, finance, sales_manager, courier
):
    spend(petty_float, finance, courier, "30", day=date(2026, 5, 3))  # finance, for the clerk
    settlement = settlement_create(by=clerk, petty_float=petty_float, month=MAY)
    settlement_submit(settlement=settlement, by=clerk)
    review_decide(request=review_request_for(settlement), by=sales_manager, verdict="approve")
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review_request_for(settlement), by=finance, verdict="approve")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_a_draft_settlement_holds_its_months_entries_as_they_come_and_go(
    petty_float, clerk, courier
):
    spend(petty_float, clerk, courier, "30", day=date(2026, 5, 3))
    settlement = settlement_create(by=clerk, petty_float=petty_float, month=MAY)
    later = spend(petty_float, clerk, courier, "12.50", day=date(2026, 5, 20))
    settlement.refresh_from_db()
    assert later.settlement_id == settlement.pk and settlement.total == Decimal("42.50")
    entry_delete(entry=later, by=clerk)
    settlement.refresh_from_db()
    assert settlement.total == Decimal("30.00")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_marketing_is_never_paid_out_of_petty_cash_nor_a_float_issued_to_oneself(
    petty_float, clerk, finance
):
    conference = ExpenseCategoryFactory(code="CONF")
    with pytest.raises(ValidationFailed) as refused:
        spend(petty_float, clerk, conference, "100")
    assert "category" in refused.value.extra["fields"]
    with pytest.raises(ValidationFailed) as refused:
        float_issue(by=finance, holder=finance, amount="100")
    assert "holder" in refused.value.extra["fields"]


@pytest.mark.django_db
def test_only_the_holder_and_finance_see_the_floats_buttons(
    client, petty_float, clerk, second_clerk, finance
):
    url = f"/expenses/pettycashfloat/{petty_float.pk}/change/"
    for user, shown in ((clerk, True), (finance, True), (second_clerk, False)):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert ('data-testid="step-spend"' in page) is shown, user
        assert ('data-testid="step-settle"' in page) is shown, user
    client.force_login(finance)
    assert 'data-testid="step-return"' in client.get(url).content.decode()
