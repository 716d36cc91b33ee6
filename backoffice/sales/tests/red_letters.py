"""A red letter asked for and approved in one call, for the tests that are not about its
review (issue 15 §20: finance asks, the invoice's number of reviewers approve)."""

from typing import Any

from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.models import Invoice
from backoffice.sales.services import invoice_reverse_request


def red_letter(
    *, invoice: Invoice, by: Any, reviewers: tuple[Any, ...], **arguments: Any
) -> Invoice:
    """Ask (as `by`) for a red letter of `invoice`, let `reviewers` approve it; the red letter."""
    asked = invoice_reverse_request(invoice=invoice, by=by, **arguments)
    for reviewer in reviewers:
        review_decide(request=review_request_for(asked), by=reviewer, verdict="approve")
    asked.refresh_from_db()
    assert asked.status == "done", asked.status
    return Invoice.objects.filter(reverses=invoice, kind=Invoice.Kind.RED).latest("pk")
