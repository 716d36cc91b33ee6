"""Contracts and payables for the read side (STYLE §9). A contract whose workflow matters is
built through `contract_create`, `contract_submit` and `contract_sign` (see test_contracts.py)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from backoffice.contracts.models import (
    Contract,
    ContractLine,
    ContractMilestone,
    ContractTemplate,
)
from backoffice.parties.tests.factories import CustomerFactory


class ContractTemplateFactory(DjangoModelFactory):
    class Meta:
        model = ContractTemplate

    name = factory.Sequence(lambda n: f"标准销售合同{n:03d}")
    kind = "sales"
    body = "合同编号：{number}\n买方：{counterparty}"


class ContractFactory(DjangoModelFactory):
    """An active sales contract of 300.00 with two lines and one milestone."""

    class Meta:
        model = Contract
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"CT-2026-{n:06d}")
    kind = "sales"
    title = factory.Sequence(lambda n: f"供货合同{n:03d}")
    counterparty = factory.SubFactory(CustomerFactory)
    owner = factory.SelfAttribute("counterparty.owner")
    region = factory.SelfAttribute("counterparty.region")
    created_by = factory.SelfAttribute("counterparty.owner")
    status = "active"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=335))
    amount = Decimal("300.00")

    @factory.post_generation
    def lines(self: Contract, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        ContractLine.objects.bulk_create(
            ContractLine(contract=self, line_no=no, description=text, amount=amount)
            for no, text, amount in [
                (1, "原料药", Decimal("180.00")),
                (2, "辅料", Decimal("120.00")),
            ]
        )
        ContractMilestone.objects.create(
            contract=self, kind="payment", due_on=self.ends_on, amount=Decimal("300.00")
        )
