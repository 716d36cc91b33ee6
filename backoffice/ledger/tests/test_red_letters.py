"""A red letter nets against the invoice it reverses, in full or in part, and every
receivables figure agrees to the cent after each step: the dashboard, the overdue list, the
aging (as of any day), the credit check, the statements and account 1122."""

from datetime import date
from decimal import Decimal

import pytest

from backoffice.core.exceptions import ValidationFailed
from backoffice.ledger.models import JournalLine, ReceiptAllocation, Receivable
from backoffice.ledger.selectors import (
    aging,
    customer_credit,
    customer_open_receivables,
    receivable_for_source,
    receivables_overdue,
)
from backoffice.ledger.services import receipt_allocate, receipt_create
from backoffice.ledger.tests.agreement import assert_receivables_agree
from backoffice.parties.models import Customer
from backoffice.sales.tests.red_letters import red_letter

TODAY = date(2027, 3, 1)  # the invoice of 1 Oct 2026 is long past due
ISSUED = date(2026, 10, 1)


def _receivable(invoice) -> Receivable:
    return receivable_for_source(source_model="sales.invoice", source_id=invoice.pk)


def _reverse(invoice, finance, *, number, on, lines=None):
    """Asked by finance, approved by two clerks of the shared fixtures (`issued` made them)."""
    from backoffice.accounts.models import User

    return red_letter(
        invoice=invoice,
        by=finance,
        reviewers=tuple(User.objects.get(username=name) for name in ("clerk", "clerk3")),
        invoice_number=number,
        issued_on=on,
        reason="冲红",
        lines=lines,
    )


def _customers(hospital):
    return Customer.objects.filter(pk=hospital.pk)


@pytest.mark.django_db
def test_a_fully_reversed_invoice_is_neither_open_nor_overdue(issued, hospital, finance):
    customers = _customers(hospital)
    assert assert_receivables_agree(customers, today=TODAY)["dashboard"] == Decimal("244.32")
    assert list(receivables_overdue(customers, today=TODAY)) == [_receivable(issued)]

    red = _reverse(issued, finance, number="87654321", on=date(2026, 11, 5))

    original, red_row = _receivable(issued), _receivable(red)
    assert original.credited_amount == Decimal("244.32") and original.open_amount == 0
    assert red_row.reverses == original and red_row.open_amount == 0
    assert list(receivables_overdue(customers, today=TODAY)) == []
    figures = assert_receivables_agree(customers, today=TODAY)
    assert figures["dashboard"] == 0 and figures["overdue_count_list"] == 0
    # as of a day before the red letter the invoice was open, and is aged so
    _rows, totals = aging(as_of=date(2026, 11, 4), customers=customers)
    assert sum(totals.values()) == Decimal("244.32")
    assert_receivables_agree(customers, today=date(2026, 11, 4), past=True)


@pytest.mark.django_db
def test_a_partial_red_letter_takes_its_part_off_the_invoice(issued, hospital, finance):
    customers = _customers(hospital)
    line = issued.lines.order_by("order_line__line_no").first()
    red = _reverse(
        issued,
        finance,
        number="87654321",
        on=date(2026, 11, 5),
        lines=[{"order_line": line.order_line_id, "quantity": "1"}],
    )
    original = _receivable(issued)
    assert original.credited_amount == -red.gross_amount > 0
    assert original.open_amount == Decimal("244.32") + red.gross_amount
    figures = assert_receivables_agree(customers, today=TODAY)
    assert figures["dashboard"] == original.open_amount
    assert customer_open_receivables(hospital) == original.open_amount
    # the rest of it, reversed later, closes it
    _reverse(issued, finance, number="87654322", on=date(2026, 11, 6))
    assert _receivable(issued).open_amount == 0
    assert assert_receivables_agree(customers, today=TODAY)["dashboard"] == 0


@pytest.mark.django_db
def test_reversed_after_payment_the_money_becomes_credit_to_apply_later(issued, hospital, finance):
    customers = _customers(hospital)
    original = _receivable(issued)
    receipt = receipt_create(
        customer=hospital,
        by=finance,
        amount="244.32",
        received_on=date(2026, 10, 20),
        allocations=[{"receivable": original, "amount": "200.00"}],
    )
    assert customer_credit(hospital) == Decimal("44.32")
    assert_receivables_agree(customers, today=TODAY)

    _reverse(issued, finance, number="87654321", on=date(2026, 11, 5))

    original.refresh_from_db()
    receipt.refresh_from_db()
    # 44.32 was open: the red letter nets that, and gives 200.00 of the receipt back
    assert original.open_amount == 0 and original.allocated_amount == 0
    assert receipt.allocated_amount == 0
    assert customer_credit(hospital) == Decimal("244.32")
    release = ReceiptAllocation.objects.get(receipt=receipt, amount__lt=0)
    assert release.amount == Decimal("-200.00") and release.allocated_on == date(2026, 11, 5)
    assert_receivables_agree(customers, today=TODAY)
    # as of the day the money came, the invoice was part paid
    _rows, totals = aging(as_of=date(2026, 10, 25), customers=customers)
    assert sum(totals.values()) == Decimal("44.32")
    assert_receivables_agree(customers, today=date(2026, 10, 25), past=True)


@pytest.mark.django_db
def test_credit_is_applied_to_invoices_later(issued, hospital, finance):
    customers = _customers(hospital)
    receipt = receipt_create(
        customer=hospital, by=finance, amount="100.00", received_on=date(2026, 9, 1)
    )
    assert customer_credit(hospital) == Decimal("100.00")
    original = _receivable(issued)
    with pytest.raises(ValidationFailed):  # not before the money came
        receipt_allocate(
            receipt=receipt,
            by=finance,
            allocated_on=date(2026, 8, 31),
            allocations=[{"receivable": original, "amount": "10"}],
        )
    receipt_allocate(
        receipt=receipt,
        by=finance,
        allocated_on=date(2026, 10, 10),
        allocations=[{"receivable": original, "amount": "100.00"}],
    )
    receipt.refresh_from_db()
    assert receipt.allocated_amount == Decimal("100.00")
    assert customer_credit(hospital) == 0
    assert _receivable(issued).open_amount == Decimal("144.32")
    assert_receivables_agree(customers, today=TODAY)
    # before it was applied, the invoice was open in full and the credit was there
    assert customer_credit(hospital, as_of=date(2026, 10, 5)) == Decimal("100.00")
    _rows, totals = aging(as_of=date(2026, 10, 5), customers=customers)
    assert sum(totals.values()) == Decimal("244.32")
    assert_receivables_agree(customers, today=date(2026, 10, 5), past=True)
    entry_lines = JournalLine.objects.filter(
        entry__source_model="ledger.receipt", posted_on=date(2026, 10, 10)
    )
    assert {(line.account.code, line.debit, line.credit) for line in entry_lines} == {
        ("2203", Decimal("100.00"), Decimal("0.00")),
        ("1122", Decimal("0.00"), Decimal("100.00")),
    }
