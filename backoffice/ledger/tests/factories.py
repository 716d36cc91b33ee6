"""Ledger rows for the read side (STYLE §9): receivables, receipts, journal entries.
Postings that matter to a test go through `receivable_from_invoice` and `receipt_create`."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from backoffice.contracts.tests.factories import ContractFactory
from backoffice.ledger.models import (
    Account,
    JournalEntry,
    JournalLine,
    Receipt,
    Receivable,
    SupplierInvoice,
    SupplierPayment,
)
from backoffice.parties.tests.factories import CustomerFactory


class AccountFactory(DjangoModelFactory):
    class Meta:
        model = Account

    code = factory.Sequence(lambda n: f"9{n:03d}")
    name = factory.Sequence(lambda n: f"科目{n:03d}")
    kind = "asset"


class ReceivableFactory(DjangoModelFactory):
    class Meta:
        model = Receivable

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SelfAttribute("customer.owner")
    region = factory.SelfAttribute("customer.region")
    source_model = "sales.invoice"
    source_id = factory.Sequence(lambda n: n + 1)
    document_number = factory.Sequence(lambda n: f"INV-2026-{n:06d}")
    issued_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.issued_on + timedelta(days=30))
    amount = Decimal("244.32")


class ReceiptFactory(DjangoModelFactory):
    class Meta:
        model = Receipt

    number = factory.Sequence(lambda n: f"RC-2026-{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SelfAttribute("customer.owner")
    region = factory.SelfAttribute("customer.region")
    created_by = factory.SelfAttribute("customer.owner")
    received_on = factory.LazyFunction(timezone.localdate)
    amount = Decimal("300.00")


class JournalEntryFactory(DjangoModelFactory):
    """A balanced entry: the customer's receivable against revenue."""

    class Meta:
        model = JournalEntry
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"JE-2026-{n:06d}")
    posted_on = factory.LazyFunction(timezone.localdate)
    source_model = "sales.invoice"
    source_id = factory.Sequence(lambda n: n + 1)
    source_number = factory.Sequence(lambda n: f"INV-2026-{n:06d}")

    @factory.post_generation
    def lines(self: JournalEntry, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        receivable, revenue = Account.objects.get(code="1122"), Account.objects.get(code="6001")
        JournalLine.objects.bulk_create(
            [
                JournalLine(
                    entry=self,
                    account=receivable,
                    posted_on=self.posted_on,
                    debit=Decimal("1.00"),
                ),
                JournalLine(
                    entry=self, account=revenue, posted_on=self.posted_on, credit=Decimal("1.00")
                ),
            ]
        )


class SupplierInvoiceFactory(DjangoModelFactory):
    class Meta:
        model = SupplierInvoice

    number = factory.Sequence(lambda n: f"SI-2026-{n:06d}")
    contract = factory.SubFactory(
        ContractFactory,
        kind="purchase",
        counterparty=factory.SubFactory(CustomerFactory, kind="supplier"),
    )
    supplier = factory.SelfAttribute("contract.counterparty")
    vat_invoice_number = factory.Sequence(lambda n: f"{22220000 + n}")
    issued_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.issued_on + timedelta(days=30))
    gross_amount = Decimal("113.00")
    net_amount = Decimal("100.00")
    tax_amount = Decimal("13.00")
    created_by = factory.SelfAttribute("contract.owner")


class SupplierPaymentFactory(DjangoModelFactory):
    class Meta:
        model = SupplierPayment

    number = factory.Sequence(lambda n: f"SP-2026-{n:06d}")
    supplier = factory.SubFactory(CustomerFactory, kind="supplier")
    paid_on = factory.LazyFunction(timezone.localdate)
    amount = Decimal("113.00")
    created_by = factory.SelfAttribute("supplier.owner")
