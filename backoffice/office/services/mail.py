"""The mail and express register (收发登记, issue 17 §9): everything sent or received,
entered by a clerk or written by the document it belongs to (a delivery shipped by express
or logistics, an invoice mailed), its way to delivery, return, loss or damage."""

from datetime import date
from typing import Any

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.core.access import Actor, permission_required, visible_rows
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import ZERO, check_bound, round_amount, to_decimal
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.office.models import Carrier, MailItem
from backoffice.office.services.carriers import carrier_approved

# what a register entry may say of itself, in the order a form shows it; the rest (number,
# status, fee, bill) is the register's
MAIL_FIELDS = (
    "direction",
    "kind",
    "customer",
    "counterparty",
    "contact",
    "phone",
    "address",
    "carrier",
    "tracking_number",
    "shipped_on",
    "promised_on",
    "cost",
    "note",
    "handler",
)
TEXT_LIMITS = {
    "counterparty": 200,
    "contact": 100,
    "phone": 40,
    "address": 300,
    "tracking_number": 64,
    "note": 200,
}


def _checked(item: MailItem, data: dict[str, Any], *, approve: bool = True) -> MailItem:
    unknown = set(data) - set(MAIL_FIELDS)
    errors: dict[str, list[str]] = {name: [_("unknown field")] for name in unknown}
    for name, value in data.items():
        if name in TEXT_LIMITS:
            value = (value or "").strip()
            if len(value) > TEXT_LIMITS[name]:
                errors[name] = [_("at most %(n)d characters") % {"n": TEXT_LIMITS[name]}]
        if name == "cost":
            try:
                value = round_amount(to_decimal(value if value not in (None, "") else ZERO))
            except (TypeError, ValueError, ArithmeticError):
                errors["cost"] = [_("a number")]
                continue
            if value < 0:
                errors["cost"] = [_("cannot be negative")]
        setattr(item, name, value)
    if item.customer is not None:
        if not item.counterparty:
            item.counterparty = item.customer.name
        item.region_id, item.owner_id = item.customer.region_id, item.customer.owner_id
    else:
        item.region_id = item.owner_id = None
    if not item.counterparty:
        errors["counterparty"] = [_("a customer, or whom it goes to or comes from")]
    if item.kind not in MailItem.Kind.values:
        errors["kind"] = [_("choose from: %s") % ", ".join(MailItem.Kind.values)]
    if item.direction not in MailItem.Direction.values:
        errors["direction"] = [_("choose from: %s") % ", ".join(MailItem.Direction.values)]
    today = timezone.localdate()
    if item.shipped_on is None:
        errors["shipped_on"] = [_("required")]
    elif item.shipped_on > today:
        errors["shipped_on"] = [_("cannot be in the future")]
    elif item.promised_on is not None and item.promised_on < item.shipped_on:
        errors["promised_on"] = [_("before it was sent")]
    if item.carrier is not None and not item.tracking_number:
        errors["tracking_number"] = [_("required with a carrier")]
    if errors:
        raise ValidationFailed(extra={"fields": errors})
    check_bound(item.cost, "amount", field="cost")
    if "carrier" in data and approve:
        carrier_approved(item.carrier)
    return item


def _saved(item: MailItem, by: Actor) -> MailItem:
    try:
        with transaction.atomic():
            return model_save(instance=item, by=by, validate=False)
    except IntegrityError:
        raise ValidationFailed(
            extra={
                "fields": {
                    "tracking_number": [
                        _("%(carrier)s already has an entry with this tracking number")
                        % {"carrier": item.carrier}
                    ]
                }
            }
        ) from None


# the documents an entry may belong to, as the API names them
RELATED = {
    "delivery": "sales.Delivery",
    "invoice": "sales.Invoice",
    "contract": "contracts.Contract",
    "issue": "materials.IssueRequest",
}


def related_document(by: Actor, kind: str, pk: Any) -> Any:
    """The document (`kind` of RELATED, its id) as `by` may see it, or the field's error."""
    if kind not in RELATED:
        raise ValidationFailed(
            extra={"fields": {"related_type": [_("choose from: %s") % ", ".join(RELATED)]}}
        )
    model = apps.get_model(RELATED[kind])
    found = visible_rows(model, by).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise ValidationFailed(extra={"fields": {"related_id": [_("not found")]}})
    return found


@permission_required("office.add_mailitem")
@transaction.atomic
def mail_register(*, by: Actor, source: Any = None, **data: Any) -> MailItem:
    """A new entry of the register, entered by hand; `source`, the document it belongs
    to (related_document)."""
    return mail_entry(by=by, source=source, **data)


def mail_entry(
    *,
    by: Actor,
    source: Any = None,
    parcel: bool = False,
    carrier_checked: bool = False,
    **data: Any,
) -> MailItem:
    """A new entry, in the caller's transaction: what mail_register writes, and what a
    document writes of itself when it is mailed (a delivery shipped by express, an
    invoice mailed), whoever has the right to that document. `parcel`: a document sent in
    a parcel registered already (two deliveries, or an invoice with its goods, under one
    tracking number) is in that entry; `carrier_checked`: the carrier was approved when the
    document chose it (a delivery suspended since still ships with it)."""
    data.setdefault("handler", by)
    data.setdefault("shipped_on", timezone.localdate())
    item = _checked(MailItem(created_by=by), data, approve=not carrier_checked)
    if parcel and item.carrier_id and item.tracking_number:
        shared = MailItem.objects.filter(
            carrier=item.carrier_id, tracking_number=item.tracking_number
        ).first()
        if shared is not None:
            return shared
    if source is not None:
        item.source_model = source._meta.label_lower
        item.source_id = source.pk
        item.source_number = (getattr(source, "number", "") or "")[:32]
    item.number = next_number(kind="ML", year=item.shipped_on.year)
    return _saved(item, by)


@permission_required("office.change_mailitem")
@transaction.atomic
def mail_update(*, item: MailItem, by: Actor, **data: Any) -> MailItem:
    """Corrected while it is on its way; a settled entry keeps its carrier and number."""
    item = MailItem.objects.select_for_update().get(pk=item.pk)
    if item.status not in MailItem.OPEN_STATUSES:
        raise ValidationFailed(
            _("%(item)s has arrived or ended (%(status)s): it stays as it was.")
            % {"item": item.number, "status": item.get_status_display()}
        )
    if item.bill_id is not None and {"carrier", "tracking_number", "cost"} & set(data):
        raise ValidationFailed(
            _("Settled with the carrier's bill: its carrier, tracking number and cost stay.")
        )
    return _saved(_checked(item, data), by)


@permission_required("office.change_mailitem")
@transaction.atomic
def mail_set_status(
    *, item: MailItem, by: Actor, status: str, on: date | None = None, note: str = ""
) -> MailItem:
    """Sent, delivered (on a date, for the carrier's rating), returned, lost or damaged."""
    item = MailItem.objects.select_for_update().get(pk=item.pk)
    also: dict[str, Any] = {}
    if status == MailItem.Status.DELIVERED:
        on = on or timezone.localdate()
        if on > timezone.localdate() or on < item.shipped_on:
            raise ValidationFailed(
                extra={"fields": {"on": [_("between the day it was sent and today")]}}
            )
        also["delivered_on"] = on
    return transition(item, to=status, by=by, note=note.strip(), locked=item, also=also)


def mail_for(source: Any) -> MailItem | None:
    """The register's entry of a document, if it has one."""
    return (
        MailItem.objects.filter(source_model=source._meta.label_lower, source_id=source.pk)
        .order_by("pk")
        .first()
    )


def carrier_by_name(name: str) -> Carrier | None:
    return Carrier.objects.filter(name=name.strip()).first() if name.strip() else None


def mail_document_moved(source: Any, *, by: Actor, status: str, on: date | None = None) -> None:
    """A document's own entry follows it: signed for (delivered, on that day, for the
    carrier's rating) or returned; an entry already closed stays as it is."""
    item = (
        MailItem.objects.select_for_update()
        .filter(
            source_model=source._meta.label_lower,
            source_id=source.pk,
            status__in=MailItem.OPEN_STATUSES,
        )
        .first()
    )
    if item is None:
        return
    also = (
        {"delivered_on": min(max(on, item.shipped_on), timezone.localdate())}
        if status == MailItem.Status.DELIVERED and on
        else {}
    )
    transition(item, to=status, by=by, locked=item, also=also)
