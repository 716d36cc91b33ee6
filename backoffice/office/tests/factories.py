"""The office's rows for the read side (STYLE §9): as the services would leave them."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from backoffice.accounts.tests.factories import UserFactory
from backoffice.office.models import Carrier, CarrierBill, CarrierBillLine, MailItem


class CarrierFactory(DjangoModelFactory):
    class Meta:
        model = Carrier

    code = factory.Sequence(lambda n: f"K{n:04d}")
    name = factory.Sequence(lambda n: f"快递公司{n}")
    status = "approved"


class MailItemFactory(DjangoModelFactory):
    class Meta:
        model = MailItem

    number = factory.Sequence(lambda n: f"ML-2026-{n:06d}")
    kind = "contract"
    counterparty = "北京医院"
    carrier = factory.SubFactory(CarrierFactory)
    tracking_number = factory.Sequence(lambda n: f"T{n:08d}")
    shipped_on = date(2026, 11, 3)
    handler = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("handler")


class CarrierBillFactory(DjangoModelFactory):
    class Meta:
        model = CarrierBill

    carrier = factory.SubFactory(CarrierFactory)
    month = date(2026, 10, 1)
    file_name = "bill.csv"
    digest = factory.Sequence(lambda n: f"{n:064d}")
    uploaded_by = factory.SubFactory(UserFactory)


class CarrierBillLineFactory(DjangoModelFactory):
    class Meta:
        model = CarrierBillLine

    bill = factory.SubFactory(CarrierBillFactory)
    line_no = factory.Sequence(lambda n: n + 2)
    tracking_number = factory.Sequence(lambda n: f"T{n:08d}")
    fee = 12
    match = "not_registered"
