"""Receivables from issued invoices, posted as AR against revenue and output VAT."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.core.access import Actor
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import ZERO, round_amount
from backoffice.ledger.models import (
    Receivable,
)
from backoffice.ledger.services.journal import AR, OUTPUT_VAT, REVENUE, journal_post
from backoffice.ledger.services.receipts import allocations_release


@transaction.atomic
def receivable_from_invoice(
    *,
    source_model: str,
    source_id: int,
    document_number: str,
    customer: Any,
    owner_id: int,
    region_id: int,
    issued_on: date,
    gross_amount: Decimal,
    net_amount: Decimal,
    tax_amount: Decimal,
    by: Actor,
    reverses_source_id: int | None = None,
) -> Receivable:
    """An issued invoice becomes a receivable and posts AR / revenue / output VAT.

    A red letter (negative amounts, `reverses_source_id` the invoice it reverses) posts the
    reverse and nets against that invoice: the invoice's open amount falls by the red
    letter's, so a fully reversed invoice is neither open nor overdue, and the red letter
    itself is never open. If the invoice was paid in part and the red letter takes more
    than is still open, that much of what was received goes back to the receipts as the
    customer's credit (allocations_release), to be applied to other invoices."""
    gross, net, tax = (round_amount(v) for v in (gross_amount, net_amount, tax_amount))
    original = None
    if gross < 0:
        original = (
            Receivable.objects.select_for_update()
            .filter(source_model=source_model, source_id=reverses_source_id)
            .first()
        )
        if original is None:
            raise ValidationFailed(_("A red letter must name the issued invoice it reverses."))
        if -gross > original.amount - original.credited_amount:
            raise ValidationFailed(
                _("%(red)s would reverse more than the %(left)s left of invoice %(number)s.")
                % {
                    "red": -gross,
                    "left": original.amount - original.credited_amount,
                    "number": original.document_number,
                }
            )
    receivable = Receivable.objects.create(
        customer=customer,
        owner_id=owner_id,
        region_id=region_id,
        source_model=source_model,
        source_id=source_id,
        document_number=document_number,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=customer.payment_terms_days),
        amount=gross,
        credited_amount=gross if gross < 0 else ZERO,
        reverses=original,
    )
    if original is not None:
        beyond = -gross - original.open_amount
        if beyond > 0:
            allocations_release(
                receivable=original,
                amount=beyond,
                on=issued_on,
                memo=_("Invoice %(number)s reversed after payment: %(amount)s back to credit")
                % {"number": original.document_number, "amount": beyond},
                by=by,
            )
        original.credited_amount -= gross  # the row is locked: the exact sum is written
        Receivable.objects.filter(pk=original.pk).update(credited_amount=original.credited_amount)
    if gross >= 0:
        lines = [
            (AR, customer.pk, gross, ZERO),
            (REVENUE, None, ZERO, net),
            (OUTPUT_VAT, None, ZERO, tax),
        ]
    else:
        lines = [
            (REVENUE, None, -net, ZERO),
            (OUTPUT_VAT, None, -tax, ZERO),
            (AR, customer.pk, ZERO, -gross),
        ]
    journal_post(
        posted_on=issued_on,
        source_model=source_model,
        source_id=source_id,
        source_number=document_number,
        memo=_("Invoice %s") % document_number,
        lines=lines,
        by=by,
    )
    return receivable
