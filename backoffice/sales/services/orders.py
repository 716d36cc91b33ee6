"""Writes of sales orders (DOMAIN §4). Each checks, changes, audits; totals are frozen at
approval; the number is given on approval."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record, created_changes
from backoffice.catalog.models import Product
from backoffice.catalog.selectors import policy_price
from backoffice.contracts.exceptions import ContractExceeded
from backoffice.contracts.models import Contract
from backoffice.contracts.selectors import contract_line_for, contract_orderable_check
from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ApplicationError, ValidationFailed
from backoffice.core.lines import line_error, line_gross, line_price, line_quantity
from backoffice.core.models import Text
from backoffice.core.money import ZERO, line_amounts, sum_amounts
from backoffice.core.notifications import notify
from backoffice.core.numbering import next_number
from backoffice.core.prepared import PreparedRead
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.core.writes import writes_together
from backoffice.parties.models import Customer
from backoffice.reviews.models import ReversalRequest
from backoffice.reviews.reversals import ReviewRequired, reversal_request
from backoffice.reviews.services import review_submit
from backoffice.sales.exceptions import (
    CreditLimitExceeded,
    EmptyOrder,
    OrderHasDeliveries,
    QualificationBlocked,
)
from backoffice.sales.facts import facts_add
from backoffice.sales.models import (
    SalesFact,
    SalesOrder,
    SalesOrderLine,
)
from backoffice.sales.selectors import order_checks


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
    contract = order.contract
    if contract is not None:
        contract_orderable_check(contract, customer_id=order.customer_id, on=order.ordered_on)
        contract_lines = list(contract.lines.all())
    built = []
    for index, line in enumerate(lines, start=1):
        product_id = line["product"].pk if isinstance(line["product"], Product) else line["product"]
        product = products.get(product_id)
        if product is None or not product.is_active:
            raise line_error(index, "product", _("unknown or inactive product"))
        quantity = line_quantity(index, line["quantity"])
        is_gift = bool(line.get("is_gift", False))
        contract_line = (
            contract_line_for(contract, product_id=product.pk, lines=contract_lines)
            if contract is not None
            else None
        )
        given = line.get("unit_price")
        if is_gift or given not in (None, ""):
            given = given or "0"
        elif contract_line and contract_line.unit_price:
            given = contract_line.unit_price  # the contract's price binds
        else:
            given = policy_price(
                product=product,
                customer_kind=order.customer.kind,
                region_id=order.customer.region_id,
                on=order.ordered_on,
            )
        unit_price = line_price(
            index,
            given,
            zero_allowed=is_gift,
            message=_("the price must be more than 0 unless the line is a gift"),
        )
        line_gross(index, quantity, unit_price)
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
                contract_line=contract_line,
                gross_amount=amounts.gross_amount,
                net_amount=amounts.net_amount,
                tax_amount=amounts.tax_amount,
            )
        )
    return built


def order_lines_check(
    *,
    customer: Customer,
    lines: list[dict[str, Any]],
    ordered_on: date | None = None,
    contract: Contract | None = None,
) -> list[SalesOrderLine]:
    """The lines an order would get, checked, without saving anything (for forms)."""
    order = SalesOrder(
        customer=customer, ordered_on=ordered_on or timezone.localdate(), contract=contract
    )
    return _build_lines(order, lines)


def _set_totals(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    order.gross_amount = sum_amounts(line.gross_amount for line in lines)
    order.net_amount = sum_amounts(line.net_amount for line in lines)
    order.tax_amount = sum_amounts(line.tax_amount for line in lines)


@permission_required("sales.add_salesorder")
@transaction.atomic
def order_create(
    *,
    customer: Customer,
    by: Actor,
    lines: list[dict[str, Any]],
    ordered_on: date | None = None,
    note: str = "",
    contract: Contract | None = None,
) -> SalesOrder:
    """A draft order; prices default to the contract's price, else the customer's policy
    price (DOMAIN §2, §4). With a contract, each line carries out one of its lines."""
    order = SalesOrder(
        customer=customer,
        contract=contract,
        owner_id=customer.owner_id,
        region_id=customer.region_id,
        ordered_on=ordered_on or timezone.localdate(),
        note=note,
        created_by=by,
    )
    built = _build_lines(order, lines)
    _set_totals(order, built)
    order.save()
    audit_record(by=by, action=AuditEvent.Action.CREATE, obj=order, changes=created_changes(order))
    # The order is new in this transaction: its version needs no moving for its lines.
    SalesOrderLine.objects.bulk_create(built, touch=False)
    _lines_known(order, built)
    return order


def _lines_known(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    """`order.lines` answers with `lines` (just written) without reading them again."""
    known = order.lines.all()
    known._result_cache, known._prefetch_done = lines, True
    order._prefetched_objects_cache = {"lines": known}


@permission_required("sales.change_salesorder")
@transaction.atomic
def order_lines_replace(*, order: SalesOrder, by: Actor, lines: list[dict[str, Any]]) -> SalesOrder:
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


@permission_required("sales.change_salesorder")
@transaction.atomic
@writes_together()
def order_submit(*, order: SalesOrder, by: Actor) -> SalesOrder:
    """Send the order to audit (审核): one reviewer by default, never its author."""
    locked = _order_locked_for_submit.get(order.pk)
    if not locked.has_lines:
        raise EmptyOrder
    transition(order, to=SalesOrder.Status.IN_REVIEW, by=by, locked=locked)
    review_submit(obj=order, by=by)
    return order


_order_locked_for_submit = PreparedRead(
    lambda order_id: (
        SalesOrder.objects.select_for_update()
        .annotate(has_lines=Exists(SalesOrderLine.objects.filter(order=OuterRef("pk"))))
        .filter(pk=order_id)
    ),
    int,
)


def _check_trade(
    order: SalesOrder, *, credit: bool = True, lines: list[SalesOrderLine] | None = None
) -> None:
    """The audit's refusal: the customer's trade block (papers, status, lines outside its
    licensed business scope) and its credit limit, unless a sales manager overrode them.
    `lines`: the order's lines as saved, with their products and categories, when read."""
    if order.block_override_reason:
        return  # a sales manager decided, with a reason, and it is audited
    checks = order_checks(order, credit=credit, lines=lines)
    if checks.reasons and checks.enforced:
        raise QualificationBlocked(
            _("%(customer)s may not be sold to: %(reasons)s")
            % {
                "customer": order.customer.name,
                "reasons": " ".join(r.message for r in checks.reasons),
            },
            extra={"reasons": [{"code": r.code, "message": r.message} for r in checks.reasons]},
        )
    if checks.over_credit:
        raise CreditLimitExceeded(
            checks.credit_message,
            extra={
                "exposure": str(checks.exposure),
                "order_amount": str(checks.order_amount),
                "credit_limit": str(checks.credit_limit),
            },
        )


def _check_contract(order: SalesOrder, lines: list[SalesOrderLine]) -> None:
    """At approval, under the contract's lock: the contract is in force, and approved orders
    never carry out more than a line's contracted quantity (or amount, for amount-only lines)."""
    contract = Contract.objects.select_for_update().get(pk=order.contract_id)
    contract_orderable_check(contract, customer_id=order.customer_id, on=order.ordered_on)
    committed = {
        row["contract_line"]: (row["quantity"] or ZERO, row["amount"] or ZERO)
        for row in SalesOrderLine.objects.filter(
            contract_line__contract=contract, order__status__in=SalesOrder.COMMITTED_STATUSES
        )
        .exclude(order=order)
        .values("contract_line")
        .annotate(quantity=Sum("quantity"), amount=Sum("gross_amount"))
    }
    wanted: dict[int, list] = {}
    for line in lines:
        if line.contract_line_id and not line.is_gift:
            row = wanted.setdefault(line.contract_line_id, [ZERO, ZERO])
            row[0] += line.quantity
            row[1] += line.gross_amount
    for contract_line in contract.lines.filter(pk__in=wanted):
        quantity, amount = wanted[contract_line.pk]
        done_quantity, done_amount = committed.get(contract_line.pk, (ZERO, ZERO))
        if contract_line.quantity is not None:
            over = done_quantity + quantity > contract_line.quantity
            limit, done, this = contract_line.quantity, done_quantity, quantity
        else:
            over = done_amount + amount > contract_line.amount
            limit, done, this = contract_line.amount, done_amount, amount
        if over:
            raise ContractExceeded(
                _(
                    "Contract %(contract)s line %(line)s allows %(limit)s; %(done)s is on "
                    "approved orders and this order adds %(this)s."
                )
                % {
                    "contract": contract.number,
                    "line": contract_line.line_no,
                    "limit": limit,
                    "done": done,
                    "this": this,
                },
                extra={
                    "contract_line": contract_line.pk,
                    "limit": str(limit),
                    "committed": str(done),
                    "requested": str(this),
                },
            )


def order_approve(order: SalesOrder, *, by: Actor, request: Any) -> None:
    """on_approved of the audit: checks trade and credit, numbers the order, freezes totals.
    `order`: as `order_for_review` read it (locked, with its lines) for this approval, else
    read so here."""
    if order.__dict__.pop("_locked_for_review", False):  # once: never for a later call
        lines = list(order.lines.all())
    else:
        order, lines = _order_locked_with_lines(order.pk)
    _set_totals(order, lines)
    _check_trade(order, lines=lines)
    if order.contract_id:
        _check_contract(order, lines)
    transition(
        order,
        to=SalesOrder.Status.APPROVED,
        by=by,
        locked=order,
        also={
            "number": _order_number(order),
            "gross_amount": order.gross_amount,
            "net_amount": order.net_amount,
            "tax_amount": order.tax_amount,
        },
    )
    audit_record(
        by=by, action=AuditEvent.Action.NUMBER, obj=order, changes={"number": [None, order.number]}
    )
    _order_facts(order, lines, sign=1)


_lines_locked = PreparedRead(
    lambda order_id: (
        SalesOrderLine.objects.filter(order_id=order_id)
        .select_related("order__customer", "product__category")
        .select_for_update(of=("order", "order__customer"))
        .order_by("line_no")
    ),
    int,
)


def _order_locked_with_lines(order_id: int) -> tuple[SalesOrder, list[SalesOrderLine]]:
    """The order and its customer, locked (a customer's orders pass the credit check one at
    a time), with its lines, their products and categories: one query."""
    lines = _lines_locked(order_id)
    if not lines:
        order = SalesOrder.objects.select_related("customer").select_for_update().get(pk=order_id)
        return order, []
    order = lines[0].order
    for line in lines:
        line.order = order
    return order, lines


def order_for_review(order_id: int) -> SalesOrder:
    """The audit's read of the order (the review registration's `load`): locked with its
    customer, its lines known, as `order_approve` takes it."""
    order, lines = _order_locked_with_lines(order_id)
    _lines_known(order, lines)
    order._locked_for_review = True
    return order


def _order_number(order: SalesOrder) -> str:
    """The next order number of its year. The history import moved the year's counter past
    the numbers its orders brought in this form (core.numbering.numbers_taken_in)."""
    return next_number(kind=SalesOrder.NUMBER_KIND, year=order.ordered_on.year)


def _order_facts(order: SalesOrder, lines: list[SalesOrderLine], *, sign: int) -> None:
    facts_add(
        basis=SalesFact.Basis.ORDERED,
        day=order.ordered_on,
        customer=order.customer,
        region_id=order.region_id,
        owner_id=order.owner_id,
        lines=[
            (line.product, sign * line.quantity, sign * line.gross_amount, sign * line.net_amount)
            for line in lines
        ],
        orders=sign,
    )


def order_refused(order: SalesOrder, *, by: Actor, error: ApplicationError, request: Any) -> None:
    """on_refused of the audit: the approval was refused by the trade or credit checks (or
    the contract's); the order stays in audit and its author hears why, in words."""
    overridable = isinstance(error, QualificationBlocked | CreditLimitExceeded)
    body = Text(
        gettext_noop(
            "%(reviewer)s could not approve it: %(reason)s A sales manager may override these "
            "checks on the order's page, giving a reason; then the audit can go on."
        )
        if overridable
        else gettext_noop("%(reviewer)s could not approve it: %(reason)s"),
        reviewer=str(by),
        reason=error.message,  # the refusal's own words, as the reviewer saw them
    )
    notify(
        recipients=[request.author, order.created_by],
        title=Text(gettext_noop("Audit refused: %(document)s"), document=str(order)),
        body=body,
        url=reverse("admin:sales_salesorder_change", args=[order.pk]),
    )


def order_return(order: SalesOrder, *, by: Actor, note: str, request: Any) -> None:
    """on_rejected of the audit: back to draft for the author to correct."""
    transition(order, to=SalesOrder.Status.DRAFT, by=by, note=note)


@permission_required("sales.override_order_block")
@transaction.atomic
def order_override_block(*, order: SalesOrder, by: Actor, reason: str) -> SalesOrder:
    """A sales manager lets an order through the credit and qualification checks, saying why."""
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


@permission_required("sales.change_salesorder")
@transaction.atomic
def order_cancel(*, order: SalesOrder, by: Actor, reason: str = "") -> SalesOrder:
    """Cancel a draft order. An approved one is cancelled only through a review
    (order_cancel_request; issue 15 §20)."""
    if SalesOrder.objects.get(pk=order.pk).status in SalesOrder.COMMITTED_STATUSES:
        raise ReviewRequired
    return _order_cancel(order, by=by, reason=reason)


@permission_required("sales.request_order_cancellation")
def order_cancel_request(*, order: SalesOrder, by: Actor, reason: str) -> ReversalRequest:
    """Ask to cancel an approved, numbered order: it is cancelled once reviewed with the
    order's own levels, never by the asker (issue 15 §20)."""
    return reversal_request(obj=order, action="cancel", by=by, reason=reason)


def order_cancel_approved(order: SalesOrder, *, by: Actor, reason: str) -> SalesOrder:
    """The reviewed cancellation of an approved order (registered with reviews.reversals)."""
    if SalesOrder.objects.get(pk=order.pk).status not in SalesOrder.COMMITTED_STATUSES:
        raise ValidationFailed(_("Only an approved order is cancelled through a review."))
    return _order_cancel(order, by=by, reason=reason)


def _order_cancel(order: SalesOrder, *, by: Actor, reason: str) -> SalesOrder:
    order = (
        SalesOrder.objects.select_related("customer")
        .select_for_update(of=("self",))
        .get(pk=order.pk)
    )
    if order.lines.filter(delivered_quantity__gt=0).exists():
        raise OrderHasDeliveries
    was_approved = order.status in SalesOrder.COMMITTED_STATUSES
    order = transition(order, to=SalesOrder.Status.CANCELLED, by=by, note=reason)
    if was_approved:  # it counted as ordered: it no longer does
        _order_facts(order, list(order.lines.select_related("product")), sign=-1)
    return order
