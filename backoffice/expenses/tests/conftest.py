from datetime import date
from decimal import Decimal

import pytest

from backoffice.accounts.services import user_create
from backoffice.expenses.models import Budget, ExpenseCategory
from backoffice.expenses.services import application_create, budget_create
from backoffice.expenses.tests.factories import ExpenseCategoryFactory


@pytest.fixture
def sales_manager(db):
    return user_create(username="sm", role="sales_manager", full_name="孙经理")


@pytest.fixture
def general_manager(db):
    return user_create(username="gm", role="general_manager", full_name="钱总")


@pytest.fixture
def conference(db) -> ExpenseCategory:
    # made again when a transactional test emptied the tables (the migration's rows go)
    return ExpenseCategoryFactory(code="CONF")


PLANNED = date(2026, 5, 20)


@pytest.fixture
def budget(region_north, conference, finance) -> Budget:
    """The north's conference budget for the second quarter of 2026: 100,000."""
    return budget_create(
        by=finance,
        region=region_north,
        category=conference,
        period="quarter",
        starts_on=date(2026, 4, 1),
        amount=Decimal("100000.00"),
    )


def application(by, region, category, amount, planned_on=PLANNED, **kwargs):
    return application_create(
        by=by,
        region=region,
        category=category,
        amount=amount,
        purpose=kwargs.pop("purpose", "区域学术会议"),
        planned_on=planned_on,
        **kwargs,
    )
