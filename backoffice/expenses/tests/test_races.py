"""Races on the real database (run on SQLite and PostgreSQL): real threads, real commits."""

from decimal import Decimal

import pytest

from backoffice.core.tests.races import all_at_once
from backoffice.expenses.models import Budget, ExpenseApplication
from backoffice.expenses.selectors import budget_figures
from backoffice.expenses.services import application_submit
from backoffice.expenses.tests.conftest import application

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def test_twenty_submissions_never_commit_more_than_the_budget(
    rep_wang, region_north, conference, budget
):
    # 20 × 7,000 = 140,000 asked of a budget of 100,000: 14 fit
    drafts = [application(rep_wang, region_north, conference, "7000") for _ in range(20)]

    _, errors = all_at_once(
        [lambda d=d: application_submit(application=d, by=rep_wang) for d in drafts]
    )

    assert {getattr(e, "code", repr(e)) for e in errors} <= {"budget_exceeded"}
    submitted = ExpenseApplication.objects.filter(status="in_review").count()
    assert submitted == 14 and len(errors) == 6
    (figures,) = budget_figures([Budget.objects.get(pk=budget.pk)])
    assert figures.committed == Decimal("98000.00") <= figures.amount


def test_twenty_entries_on_a_float_of_1000_never_take_the_cash_below_zero(clerk, finance):
    from backoffice.expenses.models import PettyCashEntry, PettyCashFloat
    from backoffice.expenses.services import entry_create, float_issue
    from backoffice.expenses.tests.factories import ExpenseCategoryFactory
    from backoffice.parties.tests.conftest import pdf_upload

    courier = ExpenseCategoryFactory(
        code="EXPR", name="快递费", group="operations", account_code="660106"
    )
    petty_float = float_issue(by=finance, holder=clerk, amount="1000")
    today = petty_float.issued_on
    # 20 × 70 = 1,400 asked of 1,000 on hand: 14 fit
    _, errors = all_at_once(
        [
            lambda n=n: entry_create(
                by=clerk,
                petty_float=petty_float,
                spent_on=today,
                category=courier,
                amount="70",
                description=f"顺丰快递 {n}",
                scan=pdf_upload(f"r{n}.pdf"),
            )
            for n in range(20)
        ]
    )

    assert {getattr(e, "code", repr(e)) for e in errors} <= {"insufficient_cash"}
    petty_float = PettyCashFloat.objects.get(pk=petty_float.pk)
    spent = sum(PettyCashEntry.objects.values_list("amount", flat=True), Decimal("0.00"))
    assert PettyCashEntry.objects.count() == 14 and len(errors) == 6
    assert petty_float.cash_on_hand == Decimal("20.00") >= 0
    assert petty_float.amount == petty_float.cash_on_hand + spent
