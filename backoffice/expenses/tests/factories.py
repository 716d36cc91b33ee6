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
    PettyCashEntry,
    PettyCashFloat,
    PettyCashSettlement,
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


class PettyCashFloatFactory(DjangoModelFactory):
    """A returned float of 1,000 (one holder may hold any number of returned floats, but one
    open one)."""

    class Meta:
        model = PettyCashFloat

    number = factory.Sequence(lambda n: f"PF2026{n:06d}")
    holder = factory.SubFactory(UserFactory)
    issued_by = factory.SelfAttribute("holder")
    amount = Decimal("1000.00")
    cash_on_hand = Decimal("1000.00")
    status = "returned"
    issued_on = date(2026, 5, 1)


class PettyCashSettlementFactory(DjangoModelFactory):
    class Meta:
        model = PettyCashSettlement

    number = factory.Sequence(lambda n: f"PS2026{n:06d}")
    petty_float = factory.SubFactory(PettyCashFloatFactory)
    month = factory.Sequence(lambda n: date(2000 + n // 12, n % 12 + 1, 1))
    created_by = factory.SelfAttribute("petty_float.holder")
    total = Decimal("0.00")


class PettyCashEntryFactory(DjangoModelFactory):
    class Meta:
        model = PettyCashEntry

    petty_float = factory.SubFactory(PettyCashFloatFactory)
    spent_on = date(2026, 5, 12)
    category = factory.SubFactory(ExpenseCategoryFactory)
    amount = Decimal("23.00")
    description = "寄送合同"
    created_by = factory.SelfAttribute("petty_float.holder")
