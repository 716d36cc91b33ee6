"""Expenses for the read side (STYLE §9). An application whose workflow matters is built
through `application_create` and `application_submit` (see test_applications.py)."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from backoffice.accounts.tests.factories import RegionFactory, UserFactory
from backoffice.expenses.models import (
    Budget,
    ExpenseApplication,
    ExpenseCategory,
    ExpenseVerification,
    ExpenseVerificationLine,
)


class ExpenseCategoryFactory(DjangoModelFactory):
    class Meta:
        model = ExpenseCategory
        django_get_or_create = ("code",)

    code = "CONF"
    name = "会议费"
    group = "marketing"
    account_code = "660101"


class BudgetFactory(DjangoModelFactory):
    class Meta:
        model = Budget

    region = factory.SubFactory(RegionFactory)
    category = factory.SubFactory(ExpenseCategoryFactory)
    period = "year"
    starts_on = date(2026, 1, 1)
    amount = Decimal("100000.00")


class ExpenseApplicationFactory(DjangoModelFactory):
    """A draft application of the north's rep: a conference of 5,000."""

    class Meta:
        model = ExpenseApplication

    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")
    region = factory.SubFactory(RegionFactory)
    category = factory.SubFactory(ExpenseCategoryFactory)
    purpose = "区域学术会议"
    planned_on = date(2026, 5, 20)
    amount = Decimal("5000.00")


class ExpenseVerificationFactory(DjangoModelFactory):
    """An approved application's verification of 4,800 in one line."""

    class Meta:
        model = ExpenseVerification
        skip_postgeneration_save = True

    application = factory.SubFactory(ExpenseApplicationFactory, status="approved")
    created_by = factory.SelfAttribute("application.owner")
    total = Decimal("4800.00")

    @factory.post_generation
    def lines(self: ExpenseVerification, create: bool, extracted, **kwargs) -> None:
        if create:
            ExpenseVerificationLine.objects.create(
                verification=self,
                line_no=1,
                spent_on=date(2026, 5, 20),
                description="会场租金",
                amount=Decimal("4800.00"),
                invoice_number="04420001",
            )
