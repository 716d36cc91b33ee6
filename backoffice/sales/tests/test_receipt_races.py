"""Two receipts that together over-allocate one invoice, at the same instant: one fails."""

import threading

import pytest
from django.db import connection

from backoffice.ledger.models import Receipt
from backoffice.ledger.selectors import receivable_for_source
from backoffice.ledger.services import receipt_create

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def test_two_receipts_over_allocating_one_invoice_at_once(issued, hospital, finance):
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    errors, barrier, lock = [], threading.Barrier(2), threading.Lock()

    def pay():
        try:
            barrier.wait()
            receipt_create(
                customer=hospital,
                by=finance,
                amount="200.00",
                received_on=issued.issued_on,
                allocations=[{"receivable": receivable.pk, "amount": "200.00"}],
            )
        except BaseException as exc:  # asserted below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [getattr(e, "code", repr(e)) for e in errors] == ["over_allocation"]
    receivable.refresh_from_db()
    assert str(receivable.allocated_amount) == "200.00"
    assert Receipt.objects.count() == 1
