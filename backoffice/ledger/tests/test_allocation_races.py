"""Money documents that together over-allocate one open item, at the same instant: the
allocation service locks the items, so exactly one of them fails, on both sides."""

from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.core.tests.races import all_at_once
from backoffice.ledger.models import PaymentAllocation, Receipt, SupplierPayment
from backoffice.ledger.services import (
    receipt_create,
    supplier_invoice_create,
    supplier_payment_create,
)

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def test_two_receipts_over_allocating_one_receivable_at_once(open_receivable, finance):
    def receive():
        return receipt_create(
            customer=open_receivable.customer,
            by=finance,
            amount="150.00",
            received_on=timezone.localdate(),
            allocations=[{"receivable": open_receivable.pk, "amount": "150.00"}],
        )

    _, errors = all_at_once([receive, receive, receive])
    assert [getattr(e, "code", repr(e)) for e in errors] == ["over_allocation"] * 2
    open_receivable.refresh_from_db()
    assert open_receivable.allocated_amount == Decimal("150.00")
    assert Receipt.objects.count() == 1


def test_payments_over_allocating_supplier_invoices_at_once(purchase_contract, finance):
    """Three payments, each settling both invoices in a different order: whatever the order
    asked, the locks are taken in one order, so none deadlocks and only one gets through."""
    today = timezone.localdate()
    first, second = (
        supplier_invoice_create(
            contract=purchase_contract,
            by=finance,
            vat_invoice_number=number,
            issued_on=today,
            gross_amount="500.00",
            tax_amount="50.00",
        )
        for number in ("11110001", "11110002")
    )

    def pay(*invoices):
        def run():
            return supplier_payment_create(
                supplier=purchase_contract.counterparty,
                by=finance,
                amount="800.00",
                paid_on=today,
                allocations=[{"invoice": i.pk, "amount": "400.00"} for i in invoices],
            )

        return run

    _, errors = all_at_once([pay(first, second), pay(second, first), pay(first, second)])
    assert [getattr(e, "code", repr(e)) for e in errors] == ["over_allocation"] * 2
    for invoice in (first, second):
        invoice.refresh_from_db()
        assert invoice.paid_amount == Decimal("400.00")
    assert SupplierPayment.objects.count() == 1
    assert PaymentAllocation.objects.count() == 2
