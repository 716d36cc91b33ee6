"""Printing jobs (印刷, issue 17 §8): brochures or business cards ordered from a printer;
received, they come into stock at the job's cost (a stock receipt of one line whose value is
the cost to the cent)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import (
    ZERO,
    check_bound,
    round_amount,
    round_price,
    round_quantity,
    to_decimal,
)
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.materials.models import Location, MaterialItem, PrintingJob
from backoffice.materials.services.receipts import receipt_create


def _number(value: Any, field: str, rounding) -> Any:
    try:
        return rounding(to_decimal(value))
    except (TypeError, ValueError, ArithmeticError):
        raise ValidationFailed(extra={"fields": {field: [_("a number")]}}) from None


@permission_required("materials.add_printingjob")
@transaction.atomic
def printing_order(
    *,
    by: Actor,
    item: MaterialItem,
    supplier: str,
    quantity: Any,
    cost: Any,
    for_whom: str = "",
    ordered_on: date | None = None,
    expected_on: date | None = None,
    note: str = "",
) -> PrintingJob:
    today = timezone.localdate()
    ordered_on = ordered_on or today
    quantity = _number(quantity, "quantity", round_quantity)
    cost = _number(cost, "cost", round_amount)
    errors: dict[str, list[str]] = {}
    if not item.is_active:
        errors["item"] = [_("no longer in use")]
    elif item.kind not in (
        MaterialItem.Kind.BROCHURE,
        MaterialItem.Kind.BUSINESS_CARD,
        MaterialItem.Kind.DOCUMENT,
        MaterialItem.Kind.PACKAGING,
    ):
        errors["item"] = [_("printing is for brochures, business cards, documents and packaging")]
    if not supplier.strip():
        errors["supplier"] = [_("required")]
    if quantity <= 0:
        errors["quantity"] = [_("the quantity must be more than 0")]
    if cost < 0:
        errors["cost"] = [_("cannot be negative")]
    if ordered_on > today:
        errors["ordered_on"] = [_("cannot be in the future")]
    if expected_on is not None and expected_on < ordered_on:
        errors["expected_on"] = [_("before it was ordered")]
    if item.kind == MaterialItem.Kind.BUSINESS_CARD and not for_whom.strip():
        errors["for_whom"] = [_("whose business cards")]
    if errors:
        raise ValidationFailed(extra={"fields": errors})
    check_bound(cost, "amount", field="cost")
    return model_save(
        instance=PrintingJob(
            number=next_number(kind="PJ", year=ordered_on.year),
            item=item,
            for_whom=for_whom.strip()[:100],
            supplier=supplier.strip()[:200],
            quantity=quantity,
            cost=cost,
            ordered_on=ordered_on,
            expected_on=expected_on,
            note=note.strip()[:200],
            created_by=by,
        ),
        by=by,
    )


@permission_required("materials.add_stockreceipt")
@transaction.atomic
def printing_receive(
    *, job: PrintingJob, by: Actor, location: Location, received_on: date | None = None
) -> PrintingJob:
    """The printed goods arrived: into stock at `location`, at the job's cost."""
    job = PrintingJob.objects.select_for_update(of=("self",)).select_related("item").get(pk=job.pk)
    if job.status != PrintingJob.Status.ORDERED:
        transition(job, to=PrintingJob.Status.RECEIVED, by=by)  # refuses
    received_on = received_on or timezone.localdate()
    if received_on < job.ordered_on:
        raise ValidationFailed(extra={"fields": {"received_on": [_("before it was ordered")]}})
    receipt = receipt_create(
        by=by,
        location=location,
        received_on=received_on,
        supplier=job.supplier,
        note=_("printing job %(number)s") % {"number": job.number},
        lines=[
            {
                "item": job.item,
                "quantity": job.quantity,
                "unit_cost": round_price(job.cost / job.quantity) if job.cost else ZERO,
                "value": job.cost,
            }
        ],
    )
    return transition(
        job, to=PrintingJob.Status.RECEIVED, by=by, locked=job, also={"receipt": receipt}
    )


@permission_required("materials.add_printingjob")
@transaction.atomic
def printing_cancel(*, job: PrintingJob, by: Actor, reason: str = "") -> PrintingJob:
    job = PrintingJob.objects.select_for_update().get(pk=job.pk)
    return transition(job, to=PrintingJob.Status.CANCELLED, by=by, note=reason.strip(), locked=job)
