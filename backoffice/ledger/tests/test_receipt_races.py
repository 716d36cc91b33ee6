"""Two receipts that together over-allocate one invoice, at the same instant: one fails."""

import pytest

from backoffice.core.tests.races import all_at_once
from backoffice.ledger.models import Receipt
from backoffice.ledger.selectors import receivable_for_source
from backoffice.ledger.services import receipt_create

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def test_two_receipts_over_allocating_one_invoice_at_once(issued, hospital, finance):
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)

    def pay():
        return receipt_create(
            customer=hospital,
            by=finance,
            amount="200.00",
            received_on=issued.issued_on,
            allocations=[{"receivable": receivable.pk, "amount": "200.00"}],
        )

    _, errors = all_at_once([pay, pay])
    assert [getattr(e, "code", repr(e)) for e in errors] == ["over_allocation"]
    receivable.refresh_from_db()
    assert str(receivable.allocated_amount) == "200.00"
    assert Receipt.objects.count() == 1
