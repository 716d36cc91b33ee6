"""Writes of sales orders (DOMAIN §4). Each checks, changes, audits; totals are frozen at
approval; the number is given on approval."""

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
from backoffice.catalog.models import Product
from backoffice.catalog.selectors import policy_price
from backoffice.core.access import require_perm
from backoffice.core.exceptions import ValidationFailed
from backoffice.core.money import line_amounts, round_price, round_quantity, sum_amounts, to_decimal
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.parties.models import Customer
from backoffice.parties.selectors import customer_trade_block, trade_block_enforced
from backoffice.reviews.services import review_submit
from backoffice.sales.exceptions import (
    CreditLimitExceeded,
    EmptyOrder,
    OrderHasDeliveries,
    OrderNotDeliverable,
    OverDelivery,
    QualificationBlocked,
)
from backoffice.sales.models import (
    Delivery,
    DeliveryExtra,
    DeliveryLine,
    SalesOrder,
    SalesOrderLine,
)
from backoffice.sales.selectors import customer_credit_exposure


def _line_error(index: int, field: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        _("Line %(n)d: %(message)s") % {"n": index, "message": message},
        extra={"fields": {"lines": {str(index): {field: [message]}}}},
    )


def _build_lines(order: SalesOrder, lines: list[dict[str, Any]]) -> list[SalesOrderLine]:
    """Order lines with policy prices filled in and VAT computed per line (STYLE §6)."""
    if not lines:
        raise EmptyOrder
    products = Product.objects.in_bulk(
        [
            line["product"].pk if isinstance(line["product"], Product) else line["product"]
            for line in lines
        ]
    )
    built = []
    for index, line in enumerate(lines, start=1):
        product_id = line["product"].pk if isinstance(line["product"], Product) else line["product"]
        product = products.get(product_id)
        if product is None or not product.is_active:
            raise _line_error(index, "product", _("unknown or inactive product"))
        quantity = round_quantity(to_decimal(line["quantity"]))
        if quantity <= 0:
            raise _line_error(index, "quantity", _("the quantity must be more than 0"))
        is_gift = bool(line.get("is_gift", False))
        if is_gift:
            unit_price = round_price(to_decimal(line.get("unit_price") or "0"))
        elif line.get("unit_price") in (None, ""):
            unit_price = policy_price(
                product=product,
                customer_kind=order.customer.kind,
                region_id=order.customer.region_id,
                on=order.ordered_on,
            )
        else:
            unit_price = round_price(to_decimal(line["unit_price"]))
        if unit_price < 0 or (unit_price == 0 and not is_gift):
            raise _line_error(
                index, "unit_price", _("the price must be more than 0 unless the line is a gift")
            )
        amounts = line_amounts(quantity=quantity, unit_price=unit_price, vat_rate=product.vat_rate)
        built.append(
            SalesOrderLine(
                order=order,
                line_no=index,
                product=product,
                quantity=quantity,
                unit_price=unit_price,
                vat_rate=product.vat_rate,
                is_gift=is_gift,
                gross_amount=amounts.gross_amount,
                net_amount=amounts.net_amount,
                tax_amount=amounts.tax_amount,
            )
        )
    return built


def order_lines_check(
    *, customer: Customer, lines: list[dict[str, Any]], ordered_on: date | None = None
) -> list[SalesOrderLine]:
    """The lines an order would get, checked, without saving anything (for forms)."""
    order = SalesOrder(customer=customer, ordered_on=ordered_on or timezone.localdate())
    return _build_lines(order, lines)


def _set_totals(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    order.gross_amount = sum_amounts(line.gross_amount for line in lines)
    order.net_amount = sum_amounts(line.net_amount for line in lines)
    order.tax_amount = sum_amounts(line.tax_amount for line in lines)


@transaction.atomic
def order_create(
    *,
    customer: Customer,
    by: Any,
    lines: list[dict[str, Any]],
    ordered_on: date | None = None,
    note: str = "",
) -> SalesOrder:
    """A draft order; prices default to the customer's policy price (DOMAIN §2, §4)."""
    order = SalesOrder(
        customer=customer,
        owner=customer.owner,
        region=customer.region,
        ordered_on=ordered_on or timezone.localdate(),
        note=note,
        created_by=by,
    )
    built = _build_lines(order, lines)
    _set_totals(order, built)
    model_save(instance=order, by=by, validate=False)
    SalesOrderLine.objects.bulk_create(built)
    return order


@transaction.atomic
def order_lines_replace(*, order: SalesOrder, by: Any, lines: list[dict[str, Any]]) -> SalesOrder:
    """Replace a draft order's lines (the only state in which lines change)."""
    order = SalesOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != SalesOrder.Status.DRAFT:
        raise ValidationFailed(_("Only a draft order's lines can change."))
    built = _build_lines(order, lines)
    before = [
        (line.product_id, str(line.quantity), str(line.unit_price)) for line in order.lines.all()
    ]
    order.lines.all().delete()
    SalesOrderLine.objects.bulk_create(built)
    _set_totals(order, built)
    model_save(instance=order, by=by, validate=False)
    audit_record(
        by=by,
        action=AuditEvent.Action.UPDATE,
        obj=order,
        changes={
            "lines": [before, [(b.product_id, str(b.quantity), str(b.unit_price)) for b in built]]
        },
    )
    return order


@transaction.atomic
def order_submit(*, order: SalesOrder, by: Any) -> SalesOrder:
    """Send the order to audit (审核): one reviewer by default, never its author."""
    if not order.lines.exists():
        raise EmptyOrder
    transition(order, to=SalesOrder.Status.IN_REVIEW, by=by)
    review_submit(obj=order, by=by)
    return order


def _check_trade(order: SalesOrder, *, credit: bool = True) -> None:
    if order.block_override_reason:
        return  # a sales manager decided, with a reason, and it is audited
    reasons = customer_trade_block(order.customer)
    if reasons and trade_block_enforced():
        raise QualificationBlocked(
            _("%(customer)s may not be sold to: %(reasons)s")
            % {"customer": order.customer.name, "reasons": " ".join(r.message for r in reasons)},
            extra={"reasons": [{"code": r.code, "message": r.message} for r in reasons]},
        )
    limit = order.customer.credit_limit
    if credit and limit > 0:
        exposure = customer_credit_exposure(order.customer, excluding=order)
        if exposure + order.gross_amount > limit:
            raise CreditLimitExceeded(
                _(
                    "Open orders %(exposure)s plus this order %(order)s exceed the credit limit "
                    "%(limit)s."
                )
                % {"exposure": exposure, "order": order.gross_amount, "limit": limit},
                extra={
                    "exposure": str(exposure),
                    "order_amount": str(order.gross_amount),
                    "credit_limit": str(limit),
                },
            )


def order_approve(order: SalesOrder, *, by: Any, request: Any) -> None:
    """on_approved of the audit: checks trade and credit, numbers the order, freezes totals."""
    order = SalesOrder.objects.select_related("customer").select_for_update().get(pk=order.pk)
    lines = list(order.lines.all())
    _set_totals(order, lines)
    _check_trade(order)
    transition(order, to=SalesOrder.Status.APPROVED, by=by)
    order.number = next_number(kind="SO", year=order.ordered_on.year)
    order.save(update_fields=["number", "gross_amount", "net_amount", "tax_amount", "updated_at"])
    audit_record(
        by=by, action=AuditEvent.Action.NUMBER, obj=order, changes={"number": [None, order.number]}
    )


def order_return(order: SalesOrder, *, by: Any, note: str, request: Any) -> None:
    """on_rejected of the audit: back to draft for the author to correct."""
    transition(order, to=SalesOrder.Status.DRAFT, by=by, note=note)


@transaction.atomic
def order_override_block(*, order: SalesOrder, by: Any, reason: str) -> SalesOrder:
    """A sales manager lets an order through the credit and qualification checks, saying why."""
    require_perm(by, "sales.override_order_block")
    if not reason.strip():
        raise ValidationFailed(
            _("Say why the checks are overridden."), extra={"fields": {"reason": [_("required")]}}
        )
    order = SalesOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in {SalesOrder.Status.DRAFT, SalesOrder.Status.IN_REVIEW}:
        raise ValidationFailed(_("Only an order not yet approved can be overridden."))
    order.block_override_reason = reason.strip()
    order.block_override_by = by
    return model_save(instance=order, by=by, validate=False, note=_("checks overridden"))


@transaction.atomic
def order_cancel(*, order: SalesOrder, by: Any, reason: str = "") -> SalesOrder:
    """Cancel an order before any delivery."""
    order = SalesOrder.objects.select_for_update().get(pk=order.pk)
    if order.lines.filter(delivered_quantity__gt=0).exists():
        raise OrderHasDeliveries
    return transition(order, to=SalesOrder.Status.CANCELLED, by=by, note=reason)


# --- Deliveries (发货) ---------------------------------------------------------------------


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


@transaction.atomic
def delivery_create(
    *,
    order: SalesOrder,
    by: Any,
    lines: list[dict[str, Any]],
    method: str = Delivery.Method.EXPRESS,
    carrier: str = "",
    promised_on: date | None = None,
    extras: list[dict[str, Any]] | None = None,
) -> Delivery:
    """A delivery of part or all of what remains on an approved order (DOMAIN §4).

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
        line_id = getattr(line["order_line"], "pk", line["order_line"])
        order_line = order_lines.get(line_id)
        if order_line is None or line_id in seen:
            raise _line_error(index, "order_line", _("not a line of this order, or given twice"))
        seen.add(line_id)
        quantity = round_quantity(to_decimal(line["quantity"]))
        if quantity <= 0:
            raise _line_error(index, "quantity", _("the quantity must be more than 0"))
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
    delivery = Delivery(
        order=order,
        customer_id=order.customer_id,
        owner_id=order.owner_id,
        region_id=order.region_id,
        method=method,
        carrier=carrier,
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
    DeliveryExtra.objects.bulk_create(
        DeliveryExtra(
            delivery=delivery,
            kind=extra.get("kind", DeliveryExtra.Kind.SAMPLE),
            description=extra["description"],
            quantity=round_quantity(to_decimal(extra["quantity"])),
        )
        for extra in extras or []
    )
    return delivery


@transaction.atomic
def delivery_submit(*, delivery: Delivery, by: Any) -> Delivery:
    """Send the delivery to double review (2 clerks, never its author)."""
    transition(delivery, to=Delivery.Status.IN_REVIEW, by=by)
    review_submit(obj=delivery, by=by)
    return delivery


def _order_sync_delivery_status(order: SalesOrder, *, by: Any) -> None:
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


def delivery_release(delivery: Delivery, *, by: Any, request: Any) -> None:
    """on_approved of the double review: the trade block again, then the goods count as
    delivered on the order, and the delivery gets its number."""
    delivery = Delivery.objects.select_related("order__customer").get(pk=delivery.pk)
    order = SalesOrder.objects.select_for_update().get(pk=delivery.order_id)
    order.customer = delivery.order.customer
    _check_trade(order, credit=False)
    for line in delivery.lines.select_related("order_line"):
        updated = SalesOrderLine.objects.filter(
            pk=line.order_line_id, delivered_quantity__lte=F("quantity") - line.quantity
        ).update(delivered_quantity=F("delivered_quantity") + line.quantity)
        if not updated:
            raise OverDelivery(extra={"order_line": line.order_line_id})
    transition(delivery, to=Delivery.Status.RELEASED, by=by)
    delivery.number = next_number(kind="DN", year=timezone.localdate().year)
    delivery.save(update_fields=["number", "updated_at"])
    audit_record(
        by=by,
        action=AuditEvent.Action.NUMBER,
        obj=delivery,
        changes={"number": [None, delivery.number]},
    )
    _order_sync_delivery_status(order, by=by)


def delivery_return_to_draft(delivery: Delivery, *, by: Any, note: str, request: Any) -> None:
    transition(delivery, to=Delivery.Status.DRAFT, by=by, note=note)


@transaction.atomic
def delivery_ship(*, delivery: Delivery, by: Any, tracking_number: str = "") -> Delivery:
    """Goods leave: express and logistics shipments need the tracking number."""
    tracking_number = tracking_number.strip()
    needs_tracking = delivery.method in {Delivery.Method.EXPRESS, Delivery.Method.LOGISTICS}
    if needs_tracking and not tracking_number:
        raise ValidationFailed(
            _("Enter the tracking number."), extra={"fields": {"tracking_number": [_("required")]}}
        )
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.tracking_number = tracking_number
    model_save(instance=delivery, by=by, validate=False)
    return transition(delivery, to=Delivery.Status.SHIPPED, by=by)


@transaction.atomic
def delivery_sign(*, delivery: Delivery, by: Any, signed_on: date, signed_by: str) -> Delivery:
    """The customer signed for the goods (签收)."""
    if not signed_by.strip():
        raise ValidationFailed(extra={"fields": {"signed_by": [_("required")]}})
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    delivery.signed_on = signed_on
    delivery.signed_by_name = signed_by.strip()
    model_save(instance=delivery, by=by, validate=False)
    return transition(delivery, to=Delivery.Status.SIGNED, by=by)


@transaction.atomic
def delivery_return(*, delivery: Delivery, by: Any, reason: str) -> Delivery:
    """The goods came back: their quantities return to the order, to deliver again."""
    if not reason.strip():
        raise ValidationFailed(extra={"fields": {"reason": [_("required")]}})
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    order = SalesOrder.objects.select_for_update().get(pk=delivery.order_id)
    delivery.return_reason = reason.strip()
    model_save(instance=delivery, by=by, validate=False)
    transition(delivery, to=Delivery.Status.RETURNED, by=by, note=reason)
    for line in delivery.lines.all():
        SalesOrderLine.objects.filter(pk=line.order_line_id).update(
            delivered_quantity=F("delivered_quantity") - line.quantity
        )
    _order_sync_delivery_status(order, by=by)
    return delivery


@transaction.atomic
def delivery_cancel(*, delivery: Delivery, by: Any) -> Delivery:
    return transition(delivery, to=Delivery.Status.CANCELLED, by=by)
