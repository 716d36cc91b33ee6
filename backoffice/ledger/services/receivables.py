"""Receivables from issued invoices, posted as AR against revenue and output VAT."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backoffice.core.access import Actor
from backoffice.core.money import ZERO, round_amount
from backoffice.ledger.models import (
    Receivable,
)
from backoffice.ledger.services.journal import AR, OUTPUT_VAT, REVENUE, journal_post


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
) -> Receivable:
    """An issued invoice becomes a receivable and posts AR / revenue / output VAT; a red
    letter (negative amounts) posts the reverse."""
    gross, net, tax = (round_amount(v) for v in (gross_amount, net_amount, tax_amount))
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
    )
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
