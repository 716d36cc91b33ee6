"""Writes of deliveries (DOMAIN §4): created from an approved order, released after double
review, shipped, signed for or returned. Quantities are checked under the order's lock."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.lines import line_error, line_pick, line_quantity
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.materials.models import Location, MaterialItem, StockMove
from backoffice.materials.selectors import location_visible_to
from backoffice.materials.services import (
    Movement,
    stock_check,
    stock_post,
    take_out,
    taken_back,
)
from backoffice.office.models import Carrier, MailItem
from backoffice.office.services import carrier_approved, mail_document_moved, mail_entry
from backoffice.parties.models import Customer, DeliveryAddress
from backoffice.reviews.services import review_submit
from backoffice.sales.exceptions import (
    AddressOfAnotherCustomer,
    OrderNotDeliverable,
    OverDelivery,
    ReturnOfInvoicedGoods,
)
from backoffice.sales.facts import facts_add, order_line_amounts
from backoffice.sales.models import (
    Delivery,
    DeliveryExtra,
    DeliveryLine,
    SalesFact,
    SalesOrder,
    SalesOrderLine,
)
from backoffice.sales.services.orders import _check_trade


def _reserved(order: SalesOrder) -> dict[int, Decimal]:
    """Quantities of each order line held by deliveries not yet released."""
    rows = (
        DeliveryLine.objects.filter(
            order_line__order=order, delivery__status__in=Delivery.OPEN_STATUSES
        )
        .values("order_line")
        .annotate(total=Sum("quantity"))
    )
    return {row["order_line"]: row["total"] for row in rows}


def order_deliverable(order: SalesOrder) -> list[dict[str, Any]]:
    """Each line that can still be delivered, with how much (ordered − delivered − held)."""
    if order.status not in {SalesOrder.Status.APPROVED, SalesOrder.Status.PARTIALLY_DELIVERED}:
        return []
    reserved = _reserved(order)
    rows = []
    for line in order.lines.select_related("product"):
        remaining = line.quantity - line.delivered_quantity - reserved.get(line.pk, 0)
        if remaining > 0:
            rows.append({"line": line, "remaining": remaining})
    return rows


def _ship_to(customer: Customer, address: Any) -> DeliveryAddress | None:
    """The chosen delivery address, which must be the customer's own; none chosen: the
    customer's default address, else its first (none at all: the delivery has none)."""
    addresses = DeliveryAddress.objects.filter(customer=customer).order_by("-is_default", "id")
    if address is None or address == "":
        return addresses.first()
    address_id = getattr(address, "pk", address)
    try:
        chosen = addresses.filter(pk=int(address_id)).first()
    except (TypeError, ValueError):
        chosen = None
    if chosen is None:
        raise AddressOfAnotherCustomer(
            extra={"fields": {"address": [_("not a delivery address of this customer")]}}
        )
    return chosen


@permission_required("sales.add_delivery")
@transaction.atomic
def delivery_create(
    *,
    order: SalesOrder,
    by: Actor,
    lines: list[dict[str, Any]],
    method: str = Delivery.Method.EXPRESS,
    carrier: Carrier | None = None,
    promised_on: date | None = None,
    extras: list[dict[str, Any]] | None = None,
    address: DeliveryAddress | int | None = None,
) -> Delivery:
    """A delivery of part or all of what remains on an approved order (DOMAIN §4), to one
    of the customer's delivery addresses (`address`; by default its default address).

    The order is locked while the quantities are checked, so two deliveries of the last
    remaining quantity cannot both be created.
    """
    order = SalesOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in {SalesOrder.Status.APPROVED, SalesOrder.Status.PARTIALLY_DELIVERED}:
        raise OrderNotDeliverable
    if not lines:
        raise ValidationFailed(_("A delivery needs at least one line."))
    order_lines = {line.pk: line for line in order.lines.all()}
    reserved = _reserved(order)
    built, seen = [], set()
    for index, line in enumerate(lines, start=1):
        order_line = line_pick(index, order_lines, line["order_line"], seen=seen)
        line_id = order_line.pk
        quantity = line_quantity(index, line["quantity"])
        remaining = order_line.quantity - order_line.delivered_quantity - reserved.get(line_id, 0)
        if quantity > remaining:
            raise OverDelivery(
                _("Line %(n)d (%(product)s): %(requested)s requested, %(remaining)s remain.")
                % {
                    "n": order_line.line_no,
                    "product": order_line.product,
                    "requested": quantity,
                    "remaining": remaining,
                },
                extra={
                    "order_line": line_id,
                    "requested": str(quantity),
                    "remaining": str(remaining),
                },
            )
        built.append(DeliveryLine(order_line=order_line, quantity=quantity))
    ship_to = _ship_to(order.customer, address)
    delivery = Delivery(
        order=order,
        customer_id=order.customer_id,
        owner_id=order.owner_id,
        region_id=order.region_id,
        ship_to=ship_to,
        ship_to_recipient=ship_to.recipient if ship_to else "",
        ship_to_phone=ship_to.phone if ship_to else "",
        ship_to_address=ship_to.address if ship_to else "",
        method=method,
        carrier=carrier_approved(carrier),
        promised_on=promised_on,
        created_by=by,
    )
    try:
        delivery.full_clean(exclude=["number"])
    except ValidationError as exc:
        raise ValidationFailed(extra={"fields": exc.message_dict}) from exc
    model_save(instance=delivery, by=by, validate=False)
    for line in built:
        line.delivery = delivery
    DeliveryLine.objects.bulk_create(built)
    DeliveryExtra.objects.bulk_create(_extras(delivery, extras or [], by=by))
    return delivery


def _extras(delivery: Delivery, extras: list[dict[str, Any]], *, by: Actor) -> list[DeliveryExtra]:
    """The extras travelling with the goods; one that names a material item is drawn from
    the stock of its location at release (issue 17 §6), and is described as the item."""
    built = []
    for index, extra in enumerate(extras, start=1):
        item, location = extra.get("item"), extra.get("location")
        if (item is None) != (location is None):
            raise line_error(index, "location", _("an item drawn from stock names its location"))
        if item is not None:
            if not isinstance(item, MaterialItem) or not item.is_active:
                raise line_error(index, "item", _("not an item of the catalog in use"))
            if not isinstance(location, Location) or not (
                location.is_active and location_visible_to(by).filter(pk=location.pk).exists()
            ):
                raise line_error(index, "location", _("not a location you may take from"))
        description = (extra.get("description") or "").strip() or (str(item) if item else "")
        if not description:
            raise line_error(index, "description", _("required"))
        built.append(
            DeliveryExtra(
                delivery=delivery,
                kind=extra.get("kind", DeliveryExtra.Kind.SAMPLE),
                description=description[:200],
                quantity=line_quantity(index, extra.get("quantity")),
                item=item,
                location=location,
            )
        )
    return built


def _stock_extras(delivery: Delivery) -> list[tuple[int, Any, Any, Any]]:
    """(extra id, item, location, quantity) of the extras drawn from stock."""
    return [
        (extra.pk, extra.item, extra.location, extra.quantity)
        for extra in delivery.extras.filter(item__isnull=False).select_related("item", "location")
    ]


@permission_required("sales.change_delivery")
@transaction.atomic
def delivery_submit(*, delivery: Delivery, by: Actor) -> Delivery:
    """Send the delivery to double review (2 clerks, never its author), once the stock
    could give the extras drawn from it (nothing is reserved: the release checks again)."""
    stock_check(
        [(item, location, quantity) for _e, item, location, quantity in _stock_extras(delivery)],
        on=timezone.localdate(),
    )
    transition(delivery, to=Delivery.Status.IN_REVIEW, by=by)
    review_submit(obj=delivery, by=by)
    return delivery


def _order_sync_delivery_status(order: SalesOrder, *, by: Actor) -> None:
    order = SalesOrder.objects.get(pk=order.pk)
    lines = list(order.lines.all())
    if all(line.delivered_quantity >= line.quantity for line in lines):
        target = SalesOrder.Status.DELIVERED
    elif any(line.delivered_quantity > 0 for line in lines):
        target = SalesOrder.Status.PARTIALLY_DELIVERED
    else:
        target = SalesOrder.Status.APPROVED
    if order.status != target:
        transition(order, to=target, by=by)


def delivery_release(delivery: Delivery, *, by: Actor, request: Any) -> None:
    """on_approved of the double review: the trade block again, then the goods count as
    delivered on the order, and the delivery gets its number."""
    delivery = Delivery.objects.select_related("order__customer").get(pk=delivery.pk)
    order = SalesOrder.objects.select_for_update().get(pk=delivery.order_id)
    order.customer = delivery.order.customer
    _check_trade(order, credit=False)
    lines = list(delivery.lines.select_related("order_line__product"))
    for line in lines:
        updated = SalesOrderLine.objects.filter(
            pk=line.order_line_id, delivered_quantity__lte=F("quantity") - line.quantity
        ).update(delivered_quantity=F("delivered_quantity") + line.quantity)
        if not updated:
            raise OverDelivery(extra={"order_line": line.order_line_id})
    _delivery_facts(order, lines, sign=1)
    transition(delivery, to=Delivery.Status.RELEASED, by=by)
    delivery.number = next_number(kind="DN", year=timezone.localdate().year)
    delivery.save(update_fields=["number", "updated_at"])
    extras = _stock_extras(delivery)
    if extras:  # in the release's transaction: short stock refuses the approval (409)
        take_out(
            source=delivery,
            lines=extras,
            kind=StockMove.Kind.DELIVERY,
            moved_on=timezone.localdate(),
            by=by,
            customer=order.customer,
        )
    audit_record(
        by=by,
        action=AuditEvent.Action.NUMBER,
        obj=delivery,
        changes={"number": [None, delivery.number]},
    )
    _order_sync_delivery_status(order, by=by)


def _delivery_facts(order: SalesOrder, lines: list, *, sign: int) -> None:
    """Goods released count as delivered today; goods returned stop counting today."""
    facts_add(
        basis=SalesFact.Basis.DELIVERED,
        day=timezone.localdate(),
        customer=order.customer,
        region_id=order.region_id,
        owner_id=order.owner_id,
        lines=[
            (
                line.order_line.product,
                sign * line.quantity,
                *order_line_amounts(line.order_line, sign * line.quantity),
            )
            for line in lines
        ],
        orders=sign,
    )


def delivery_return_to_draft(delivery: Delivery, *, by: Actor, note: str, request: Any) -> None:
    transition(delivery, to=Delivery.Status.DRAFT, by=by, note=note)


GSP_FIELDS = ("batch_number", "expires_on", "manufacturer", "approval_number")


def _expiry(index: int, value: Any) -> date:
    if isinstance(value, date):
        expires_on = value
    else:
        try:
            expires_on = date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise line_error(index, "expires_on", _("enter the expiry date")) from None
    if expires_on < timezone.localdate():
        raise line_error(
            index, "expires_on", _("expired on %s: these goods cannot be shipped") % expires_on
        )
    return expires_on


def _batches(delivery: Delivery, rows: list[dict[str, Any]] | None) -> list[DeliveryLine]:
    """Each line of the delivery with its batch, expiry, manufacturer and approval number
    (GSP): batch and expiry are required and the expiry cannot be past; the manufacturer and
    the approval number default to the product's."""
    own = {line.pk: line for line in delivery.lines.select_related("order_line__product")}
    seen: set[int] = set()
    for index, row in enumerate(rows or [], start=1):
        line = line_pick(
            index,
            own,
            row.get("delivery_line"),
            seen=seen,
            field="delivery_line",
            message=_("not a line of this delivery, or given twice"),
        )
        batch_number = str(row.get("batch_number") or "").strip()
        if not batch_number:
            raise line_error(index, "batch_number", _("enter the batch number"))
        product = line.order_line.product
        line.batch_number = batch_number[:64]
        line.expires_on = _expiry(index, row.get("expires_on"))
        line.manufacturer = (str(row.get("manufacturer") or "").strip() or product.manufacturer)[
            :200
        ]
        line.approval_number = (
            str(row.get("approval_number") or "").strip() or product.approval_number
        )[:64]
    missing = [line for pk, line in own.items() if pk not in seen]
    if missing:
        names = "、".join(str(line.order_line.product) for line in missing)
        raise ValidationFailed(
            _("Enter the batch and expiry date of every line: %s.") % names,
            extra={"fields": {"lines": {"missing": [line.pk for line in missing]}}},
        )
    return list(own.values())


@permission_required("sales.change_delivery")
@transaction.atomic
def delivery_ship(
    *,
    delivery: Delivery,
    by: Actor,
    tracking_number: str = "",
    lines: list[dict[str, Any]] | None = None,
    carrier: Carrier | None = None,
) -> Delivery:
    """Goods leave the warehouse (出库): every line gets the batch number and expiry date of
    the goods (and their manufacturer and approval number, the product's by default), as
    the delivery note must show them (GSP); express and logistics shipments need the
    tracking number and a carrier (the delivery's, or an approved one chosen now), so that
    the carrier's bill finds them in the register."""
    tracking_number = tracking_number.strip()
    delivery = Delivery.objects.select_for_update(of=("self",)).get(pk=delivery.pk)
    needs_tracking = delivery.method in {Delivery.Method.EXPRESS, Delivery.Method.LOGISTICS}
    if carrier is not None and carrier.pk != delivery.carrier_id:
        delivery.carrier = carrier_approved(carrier)
    problems = {}
    if needs_tracking and not tracking_number:
        problems["tracking_number"] = [_("required")]
    if needs_tracking and delivery.carrier_id is None:
        problems["carrier"] = [_("required")]
    if problems:
        raise ValidationFailed(
            _("Enter the carrier and the tracking number of the shipment."),
            extra={"fields": problems},
        )
    recorded = _batches(delivery, lines)
    DeliveryLine.objects.bulk_update(recorded, GSP_FIELDS)
    for line in recorded:  # each line's own audit row: its fields, labelled on the History tab
        audit_record(
            by=by,
            action=AuditEvent.Action.UPDATE,
            obj=line,
            changes={
                name: [None, str(value) if value is not None else None]
                for name in GSP_FIELDS
                if (value := getattr(line, name))
            },
        )
    delivery.tracking_number = tracking_number
    model_save(instance=delivery, by=by, validate=False)
    delivery = transition(delivery, to=Delivery.Status.SHIPPED, by=by)
    if needs_tracking:  # an express or logistics shipment is in the mail register
        _mail_delivery(delivery, by=by)
    return delivery


def _mail_delivery(delivery: Delivery, *, by: Actor) -> None:
    """The shipment's entry in the mail and express register: to the customer's ship-to
    address, by the delivery's carrier, promised when the delivery was, with its goods'
    parcel as the kind."""
    today, promised = timezone.localdate(), delivery.promised_on
    mail_entry(
        by=by,
        source=delivery,
        parcel=True,
        carrier_checked=True,  # when the delivery chose it; a suspension since stops no goods
        direction=MailItem.Direction.OUT,
        kind=MailItem.Kind.PARCEL,
        customer=delivery.customer,
        counterparty=delivery.customer.name,
        contact=delivery.ship_to_recipient,
        phone=delivery.ship_to_phone,
        address=delivery.ship_to_address,
        carrier=delivery.carrier,
        tracking_number=delivery.tracking_number,
        shipped_on=today,
        # a promise already past when the goods leave does not judge the carrier
        promised_on=promised if promised and promised >= today else None,
    )


@permission_required("sales.change_delivery")
@transaction.atomic
def delivery_sign(*, delivery: Delivery, by: Actor, signed_on: date, signed_by: str) -> Delivery:
    """The customer signed for the goods (签收)."""
    if not signed_by.strip():
        raise ValidationFailed(extra={"fields": {"signed_by": [_("required")]}})
    if signed_on > timezone.localdate():
        raise ValidationFailed(extra={"fields": {"signed_on": [_("cannot be in the future")]}})
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.signed_on = signed_on
    delivery.signed_by_name = signed_by.strip()
    model_save(instance=delivery, by=by, validate=False)
    delivery = transition(delivery, to=Delivery.Status.SIGNED, by=by)
    mail_document_moved(delivery, by=by, status=MailItem.Status.DELIVERED, on=signed_on)
    return delivery


@permission_required("sales.change_delivery")
@transaction.atomic
def delivery_return(*, delivery: Delivery, by: Actor, reason: str) -> Delivery:
    """The goods came back: their quantities return to the order, to deliver again."""
    if not reason.strip():
        raise ValidationFailed(extra={"fields": {"reason": [_("required")]}})
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    order = SalesOrder.objects.select_for_update().get(pk=delivery.order_id)
    for line in delivery.lines.select_related("order_line__product"):
        order_line = line.order_line
        if order_line.delivered_quantity - line.quantity < order_line.invoiced_quantity:
            raise ReturnOfInvoicedGoods(
                _(
                    "%(product)s: %(invoiced)s are invoiced; reverse the invoice with a red letter "
                    "before taking the goods back."
                )
                % {"product": order_line.product, "invoiced": order_line.invoiced_quantity},
                extra={"order_line": order_line.pk},
            )
    delivery.return_reason = reason.strip()
    model_save(instance=delivery, by=by, validate=False)
    transition(delivery, to=Delivery.Status.RETURNED, by=by, note=reason)
    lines = list(delivery.lines.select_related("order_line__product"))
    for line in lines:
        SalesOrderLine.objects.filter(pk=line.order_line_id).update(
            delivered_quantity=F("delivered_quantity") - line.quantity
        )
    order.customer = delivery.order.customer
    _delivery_facts(order, lines, sign=-1)
    _order_sync_delivery_status(order, by=by)
    _extras_back(delivery, by=by, customer=order.customer)
    mail_document_moved(delivery, by=by, status=MailItem.Status.RETURNED)
    return delivery


def _extras_back(delivery: Delivery, *, by: Actor, customer: Any) -> None:
    """The extras drawn from stock come back with the goods, into the batches and at the
    value they left with."""
    movements = [
        Movement(
            item=item,
            location=location,
            quantity=back,
            batch=batch,
            expires_on=expires_on,
            value=value,
            line=extra,
            kind=StockMove.Kind.RETURN,
        )
        for extra, item, location, quantity in _stock_extras(delivery)
        for batch, expires_on, back, value in taken_back(
            source=delivery, line=extra, location=location, quantity=quantity
        )
    ]
    stock_post(
        movements=movements,
        moved_on=timezone.localdate(),
        source=delivery,
        by=by,
        customer=customer,
    )


@permission_required("sales.change_delivery")
@transaction.atomic
def delivery_cancel(*, delivery: Delivery, by: Actor) -> Delivery:
    return transition(delivery, to=Delivery.Status.CANCELLED, by=by)
