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
