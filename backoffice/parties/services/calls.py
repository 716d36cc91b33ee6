"""Writes of calls with the customer's stock, and of visits and receptions (DOMAIN §1)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import to_decimal
from backoffice.core.services import model_save
from backoffice.parties.models import (
    CallInventoryLine,
    CallRecord,
    Contact,
    Customer,
    Visit,
)
from backoffice.parties.services.customers import _validated


@permission_required("parties.add_callrecord")
@transaction.atomic
def call_record(
    *,
    customer: Customer,
    by: Actor,
    called_at: Any = None,
    contact: Contact | None = None,
    business_status: str = "",
    market_demand: str = "",
    competitor_notes: str = "",
    next_call_on: date | None = None,
    inventory: list[tuple[Any, Any]] | None = None,
) -> CallRecord:
    """Record a call; the customer's stock is kept as product and quantity rows (DOMAIN §1)."""
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationFailed(extra={"fields": {"contact": [_("not a contact of this customer")]}})
    call = CallRecord(
        customer=customer,
        caller=by,
        called_at=called_at or timezone.now(),
        contact=contact,
        business_status=business_status,
        market_demand=market_demand,
        competitor_notes=competitor_notes,
        next_call_on=next_call_on,
    )
    _validated(call)
    model_save(instance=call, by=by, validate=False)
    lines = []
    for index, (product, quantity) in enumerate(inventory or [], start=1):
        amount = to_decimal(quantity)
        product_id = getattr(product, "pk", product)
        if not product_id or amount < 0:
            raise ValidationFailed(
                _("Stock line %d needs a product and a quantity of 0 or more.") % index,
                extra={"fields": {"inventory": [_("line %d is not valid") % index]}},
            )
        lines.append(CallInventoryLine(call=call, product_id=product_id, quantity=amount))
    CallInventoryLine.objects.bulk_create(lines)
    return call


@permission_required("parties.add_visit")
@transaction.atomic
def visit_record(*, customer: Customer, by: Actor, **data: Any) -> Visit:
    visit = Visit(customer=customer, host=data.pop("host", None) or by, **data)
    _validated(visit)
    return model_save(instance=visit, by=by, validate=False)
