"""What sales posts to the ledger: an issued invoice and its red letter, and what the open
receivables change for deliveries and the credit limit."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum

from backoffice.ledger.models import JournalEntry, JournalLine
from backoffice.ledger.selectors import receivable_for_source
from backoffice.ledger.services import receipt_create
from backoffice.sales.tests.factories import batch_rows
from backoffice.sales.tests.red_letters import red_letter

ISSUED = date(2026, 10, 1)


def _trial_balance():
    totals = JournalLine.objects.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or 0) - (totals["c"] or 0)


@pytest.mark.django_db
def test_an_issued_invoice_posts_ar_revenue_and_vat(issued, hospital):
    entry = JournalEntry.objects.get(source_model="sales.invoice", source_id=issued.pk)
    lines = {line.account.code: (line.debit, line.credit) for line in entry.lines.all()}
    assert lines == {
        "1122": (Decimal("244.32"), Decimal("0.00")),
        "6001": (Decimal("0.00"), issued.net_amount),
        "22210106": (Decimal("0.00"), issued.tax_amount),
    }
    assert _trial_balance() == 0
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    assert receivable.due_on == ISSUED + timedelta(days=hospital.payment_terms_days)


@pytest.mark.django_db
def test_a_red_letter_reverses_the_posting(issued, finance, clerk, third_clerk):
    red = red_letter(
        invoice=issued,
        by=finance,
        reviewers=(clerk, third_clerk),
        invoice_number="87654321",
        issued_on=date(2026, 10, 5),
        reason="开错",
    )
    entry = JournalEntry.objects.get(source_model="sales.invoice", source_id=red.pk)
    ar = entry.lines.get(account__code="1122")
    assert (ar.debit, ar.credit) == (Decimal("0.00"), Decimal("244.32"))
    assert _trial_balance() == 0


@pytest.mark.django_db
def test_invoiced_goods_come_back_only_after_a_red_letter(
    issued, delivered, clerk, third_clerk, finance
):
    from backoffice.sales.exceptions import ReturnOfInvoicedGoods
    from backoffice.sales.models import Delivery
    from backoffice.sales.services import delivery_return, delivery_ship

    delivery = Delivery.objects.get(order=delivered)
    delivery_ship(delivery=delivery, by=clerk, tracking_number="SF1", lines=batch_rows(delivery))
    with pytest.raises(ReturnOfInvoicedGoods) as caught:
        delivery_return(delivery=delivery, by=clerk, reason="客户退货")
    assert caught.value.status == 409
    red_letter(
        invoice=issued,
        by=finance,
        reviewers=(clerk, third_clerk),
        invoice_number="99999999",
        issued_on=date(2026, 10, 9),
        reason="退货冲红",
    )
    assert delivery_return(delivery=delivery, by=clerk, reason="客户退货").status == "returned"


@pytest.mark.django_db
def test_unpaid_invoices_count_against_the_credit_limit(issued, hospital, finance):
    from backoffice.sales.selectors import customer_credit_exposure

    # The delivered order of 10 + 4 is invoiced for what was delivered (6 + 4): its last 4
    # units are still on order (74.00), and the invoice (244.32) is unpaid.
    assert customer_credit_exposure(hospital) == Decimal("318.32")
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    receipt_create(
        customer=hospital,
        by=finance,
        amount="244.32",
        received_on=date(2026, 10, 9),
        allocations=[{"receivable": receivable, "amount": "244.32"}],
    )
    assert customer_credit_exposure(hospital) == Decimal("74.00")
