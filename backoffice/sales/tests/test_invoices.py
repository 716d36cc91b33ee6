from datetime import date
from decimal import Decimal

import pytest

from backoffice.core.exceptions import ApplicationError, NotAllowed, ValidationFailed
from backoffice.ledger.models import JournalEntry
from backoffice.ledger.selectors import receivable_for_source
from backoffice.reviews.exceptions import SelfReviewForbidden
from backoffice.reviews.models import ReversalRequest
from backoffice.reviews.reversals import ReviewRequired
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.exceptions import InvalidVatInvoiceNumber, InvoiceMismatch, OverInvoicing
from backoffice.sales.models import Invoice
from backoffice.sales.services import (
    invoice_issue,
    invoice_request_create,
    invoice_reverse,
    invoice_reverse_request,
    invoice_submit,
    order_create,
    order_submit,
)
from backoffice.sales.tests.red_letters import red_letter


def _audit(invoice, author, *reviewers):
    invoice_submit(invoice=invoice, by=author)
    for reviewer in reviewers:
        review_decide(request=review_request_for(invoice), by=reviewer, verdict="approve")
    invoice.refresh_from_db()
    return invoice


@pytest.mark.django_db
def test_a_request_takes_what_is_delivered_and_not_yet_invoiced(
    delivered, clerk, finance, second_clerk
):
    invoice = invoice_request_create(order=delivered, by=clerk)
    assert [
        (line.quantity, line.price_differs)
        for line in invoice.lines.order_by("order_line__line_no")
    ] == [
        (Decimal("6.000"), False),
        (Decimal("4.000"), False),
    ]
    assert invoice.gross_amount == Decimal("111.00") + Decimal("133.32")
    invoice = _audit(invoice, clerk, second_clerk, finance)
    assert invoice.status == "approved" and invoice.number.startswith("IR-")
    issued = invoice_issue(
        invoice=invoice,
        by=finance,
        invoice_number="12345678901234567890",
        issued_on=date(2026, 11, 30),
    )
    assert issued.status == "issued"
    assert [line.invoiced_quantity for line in delivered.lines.order_by("line_no")] == [
        Decimal("6.000"),
        Decimal("4.000"),
    ]
    with pytest.raises(ValidationFailed, match="Nothing"):
        invoice_request_create(order=delivered, by=clerk)


@pytest.mark.django_db
def test_differences_are_refused_without_a_reason_and_highlighted_with_one(delivered, clerk):
    first = delivered.lines.get(line_no=1)
    with pytest.raises(InvoiceMismatch) as mismatch:
        invoice_request_create(
            order=delivered,
            by=clerk,
            lines=[
                {"order_line": first, "quantity": "6", "unit_price": "17.00"},
            ],
        )
    assert mismatch.value.status == 409
    with pytest.raises(OverInvoicing):
        invoice_request_create(
            order=delivered, by=clerk, lines=[{"order_line": first, "quantity": "8"}]
        )
    with pytest.raises(OverInvoicing, match="left"):
        invoice_request_create(
            order=delivered,
            by=clerk,
            reason="客户要求",
            lines=[{"order_line": first, "quantity": "11"}],
        )  # beyond the order
    invoice = invoice_request_create(
        order=delivered,
        by=clerk,
        reason="合同补充协议约定降价",
        lines=[
            {"order_line": first, "quantity": "8", "unit_price": "17.00"},
        ],
    )
    line = invoice.lines.get()
    assert invoice.has_differences and line.price_differs and line.quantity_exceeds


@pytest.mark.django_db
def test_an_invoice_line_refuses_a_negative_or_unreadable_price(delivered, clerk):
    first = delivered.lines.get(line_no=1)
    for price, message in (("-1.00", "the price cannot be negative"), ("x", "not a number")):
        with pytest.raises(ValidationFailed) as error:
            invoice_request_create(
                order=delivered,
                by=clerk,
                reason="agreed",
                lines=[{"order_line": first, "quantity": "6", "unit_price": price}],
            )
        assert error.value.extra["fields"] == {"lines": {"1": {"unit_price": [message]}}}


@pytest.mark.django_db
def test_open_requests_hold_their_quantities(delivered, clerk):
    first = delivered.lines.get(line_no=1)
    invoice_request_create(
        order=delivered, by=clerk, lines=[{"order_line": first, "quantity": "5"}]
    )
    with pytest.raises(OverInvoicing):
        invoice_request_create(
            order=delivered, by=clerk, lines=[{"order_line": first, "quantity": "2"}]
        )


@pytest.mark.django_db
def test_issuing_needs_the_permission_and_a_valid_unique_number(
    delivered, clerk, second_clerk, finance
):
    invoice = _audit(
        invoice_request_create(order=delivered, by=clerk), clerk, second_clerk, finance
    )
    with pytest.raises(NotAllowed):
        invoice_issue(
            invoice=invoice, by=clerk, invoice_number="12345678", issued_on=date(2026, 11, 30)
        )
    # A fully-digital e-invoice: 20 digits and no code.
    for bad_number, bad_code in [
        ("12345678", ""),
        ("1234567890123456789A", ""),
        ("12345678901234567890", "1100233130"),
    ]:
        with pytest.raises(InvalidVatInvoiceNumber):
            invoice_issue(
                invoice=invoice,
                by=finance,
                invoice_type="digital",
                invoice_number=bad_number,
                invoice_code=bad_code,
                issued_on=date(2026, 11, 30),
            )
    # On paper: a code of 10 or 12 digits and a number of 8.
    for bad_number, bad_code in [
        ("1234", "1100233130"),
        ("1234567A", "1100233130"),
        ("12345678", ""),
        ("12345678", "11002331"),
        ("12345678", "11002331301"),
    ]:
        with pytest.raises(InvalidVatInvoiceNumber) as caught:
            invoice_issue(
                invoice=invoice,
                by=finance,
                invoice_type="special_vat",
                invoice_number=bad_number,
                invoice_code=bad_code,
                issued_on=date(2026, 11, 30),
            )
        assert set(caught.value.extra["fields"]) <= {"invoice_code", "invoice_number"}
    invoice_issue(
        invoice=invoice,
        by=finance,
        invoice_type="special_vat",
        invoice_code="1100 2331 30",
        invoice_number="0440 0123",
        issued_on=date(2026, 11, 30),
    )
    invoice.refresh_from_db()
    assert (invoice.vat_invoice_code, invoice.vat_invoice_number) == ("1100233130", "04400123")
    assert invoice.vat_invoice_reference == "1100233130 04400123"


@pytest.mark.django_db
def test_a_red_letter_reverses_in_part_and_gives_the_quantity_back(
    delivered, clerk, second_clerk, third_clerk, finance
):
    invoice = _audit(
        invoice_request_create(order=delivered, by=clerk), clerk, second_clerk, finance
    )
    invoice_issue(
        invoice=invoice,
        by=finance,
        invoice_type="ordinary",
        invoice_code="011002600111",
        invoice_number="11111111",
        issued_on=date(2026, 11, 30),
    )
    first = delivered.lines.get(line_no=1)
    with pytest.raises(ValidationFailed):
        invoice_reverse_request(
            invoice=invoice,
            by=finance,
            invoice_number="22222222",
            issued_on=date(2026, 12, 1),
            reason="",
            lines=None,
        )
    red = red_letter(
        invoice=invoice,
        by=finance,
        reviewers=(clerk, third_clerk),
        invoice_number="22222222",
        issued_on=date(2026, 12, 1),
        reason="单价开错，部分冲红",
        lines=[{"order_line": first, "quantity": "2"}],
    )
    assert red.kind == "red" and red.reverses == invoice
    assert red.issued_on == date(2026, 12, 1)
    assert red.vat_invoice_code == "011002600111"  # a paper red letter: the original's roll
    assert red.gross_amount == Decimal("-37.00")
    first.refresh_from_db()
    assert first.invoiced_quantity == Decimal("4.000")
    with pytest.raises(ValidationFailed):  # only 4 of that line are left: refused when asked
        invoice_reverse_request(
            invoice=invoice,
            by=finance,
            invoice_number="33333333",
            issued_on=date(2026, 12, 1),
            reason="再次冲红",
            lines=[{"order_line": first, "quantity": "5"}],
        )
    assert not ReversalRequest.objects.filter(reason="再次冲红").exists()
    rest = red_letter(
        invoice=invoice,
        by=finance,
        reviewers=(clerk, third_clerk),
        invoice_number="44444444",
        issued_on=date(2026, 12, 2),
        reason="整单作废",
    )
    assert rest.lines.count() == 2
    first.refresh_from_db()
    assert first.invoiced_quantity == Decimal("0.000")


def _ask_red_letter(issued, finance, **arguments):
    return invoice_reverse_request(
        invoice=issued,
        by=finance,
        invoice_number="87654321",
        issued_on=date(2026, 10, 5),
        reason="抬头开错",
        **arguments,
    )


def _journal(invoice) -> list[tuple[str, Decimal, Decimal]]:
    entry = JournalEntry.objects.get(source_model="sales.invoice", source_id=invoice.pk)
    return sorted((line.account.code, line.debit, line.credit) for line in entry.lines.all())


@pytest.mark.django_db
def test_finance_alone_issues_no_red_letter(issued, finance):
    """Issue 15 §20: the invoice needed two reviewers; its red letter is asked for."""
    with pytest.raises(ReviewRequired) as refused:
        invoice_reverse(
            invoice=issued,
            by=finance,
            invoice_number="87654321",
            issued_on=date(2026, 10, 5),
            reason="抬头开错",
        )
    assert (refused.value.status, refused.value.code) == (409, "review_required")
    asked = _ask_red_letter(issued, finance)
    assert asked.status == "in_review" and asked.arguments["issued_on"] == "2026-10-05"
    assert not Invoice.objects.filter(reverses=issued).exists()  # nothing issued yet
    assert sum(line.order_line.invoiced_quantity for line in issued.lines.all()) == Decimal(
        "10.000"
    )
    with pytest.raises(ApplicationError) as again:  # one request at a time
        _ask_red_letter(issued, finance)
    assert again.value.code == "reversal_already_open"


@pytest.mark.django_db
def test_the_asker_does_not_approve_a_red_letter(issued, finance, clerk):
    asked = _ask_red_letter(issued, finance)
    with pytest.raises(SelfReviewForbidden):
        review_decide(request=review_request_for(asked), by=finance, verdict="approve")
    review_decide(request=review_request_for(asked), by=clerk, verdict="approve")
    with pytest.raises(SelfReviewForbidden):  # nor as the second reviewer
        review_decide(request=review_request_for(asked), by=finance, verdict="approve")
    assert not Invoice.objects.filter(reverses=issued).exists()


@pytest.mark.django_db
def test_the_invoices_reviewers_issue_the_red_letter_as_before(issued, finance, clerk, third_clerk):
    """As many reviewers as the invoice had (two): the red letter is then issued by its
    asker, on the day asked, with the posting that reverses the invoice's."""
    original = review_request_for(issued)
    asked = _ask_red_letter(issued, finance)
    review = review_request_for(asked)
    assert review.levels == original.levels  # two approvals with sales.review_invoice
    review_decide(request=review, by=clerk, verdict="approve")
    assert not Invoice.objects.filter(reverses=issued).exists()  # one is not enough
    review_decide(request=review_request_for(asked), by=third_clerk, verdict="approve")
    asked.refresh_from_db()
    assert asked.status == "done"
    red = Invoice.objects.get(reverses=issued)
    assert (red.kind, red.status, red.issued_on) == ("red", "issued", date(2026, 10, 5))
    assert (red.issued_by, red.created_by, red.reason) == (finance, finance, "抬头开错")
    assert red.vat_invoice_reference == "011002600111 87654321"
    assert red.gross_amount == -issued.gross_amount
    assert _journal(red) == sorted(
        (code, credit, debit) for code, debit, credit in _journal(issued)
    )
    assert all(line.order_line.invoiced_quantity == 0 for line in issued.lines.all())


@pytest.mark.django_db
def test_a_partial_red_letter_keeps_its_quantities_through_the_review(
    issued, finance, clerk, third_clerk
):
    first = issued.lines.order_by("order_line__line_no").first()
    asked = _ask_red_letter(
        issued, finance, lines=[{"order_line": first.order_line, "quantity": Decimal("1.5")}]
    )
    assert asked.arguments["lines"] == [{"order_line": first.order_line_id, "quantity": "1.5"}]
    for reviewer in (clerk, third_clerk):
        review_decide(request=review_request_for(asked), by=reviewer, verdict="approve")
    red = Invoice.objects.get(reverses=issued)
    assert [line.quantity for line in red.lines.all()] == [Decimal("-1.500")]
    assert red.gross_amount == Decimal("-27.75")


@pytest.mark.django_db
def test_a_refused_red_letter_leaves_the_invoice_as_it_was(issued, finance, clerk):
    before = _journal(issued)
    receivable = receivable_for_source(source_model="sales.invoice", source_id=issued.pk)
    asked = _ask_red_letter(issued, finance)
    review_decide(request=review_request_for(asked), by=clerk, verdict="reject", note="抬头无误")
    asked.refresh_from_db()
    assert asked.status == "refused"
    issued.refresh_from_db()
    assert issued.status == "issued"
    assert not Invoice.objects.filter(reverses=issued).exists()
    assert _journal(issued) == before
    assert (
        receivable_for_source(source_model="sales.invoice", source_id=issued.pk).open_amount
        == receivable.open_amount
    )
    assert all(line.order_line.invoiced_quantity > 0 for line in issued.lines.all())
    assert _ask_red_letter(issued, finance).status == "in_review"  # may be asked again


@pytest.mark.django_db
def test_invoice_before_delivery_by_the_customers_terms(hospital, clerk, second_clerk, products):
    from backoffice.parties.services import customer_update

    customer_update(customer=hospital, by=clerk, invoice_before_delivery=True)
    order = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "10"}]
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    invoice = invoice_request_create(order=order, by=clerk)
    assert invoice.lines.get().quantity == Decimal("10.000")
