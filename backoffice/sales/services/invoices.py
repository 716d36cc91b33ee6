"""Writes of invoices (DOMAIN §4): requests checked against the order and its deliveries,
double audit, issue with the VAT invoice's number, red-letter reversal."""

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.services import audit_record
from backoffice.core.access import Actor, permission_required
from backoffice.core.exceptions import ApplicationError, ValidationFailed
from backoffice.core.filters import is_ascii_digits
from backoffice.core.lines import line_gross, line_pick, line_price, line_quantity
from backoffice.core.money import format_number, line_amounts, sum_amounts
from backoffice.core.numbering import next_number
from backoffice.core.services import model_save
from backoffice.core.transitions import transition
from backoffice.ledger.services import receivable_from_invoice
from backoffice.office.models import MailItem
from backoffice.office.services import mail_entry, mail_for
from backoffice.reviews.models import ReversalRequest
from backoffice.reviews.reversals import ReviewRequired, reversal_request
from backoffice.reviews.services import review_submit
from backoffice.sales.exceptions import (
    InvalidVatInvoiceNumber,
    InvoiceMismatch,
    OrdersOfSeveralCustomers,
    OverInvoicing,
)
from backoffice.sales.facts import facts_add
from backoffice.sales.models import Invoice, InvoiceLine, SalesFact, SalesOrder, SalesOrderLine

INVOICEABLE = (
    SalesOrder.Status.APPROVED,
    SalesOrder.Status.PARTIALLY_DELIVERED,
    SalesOrder.Status.DELIVERED,
    SalesOrder.Status.CLOSED,
)


class DuplicateVatInvoiceNumber(ApplicationError):
    status = 409
    code = "duplicate_vat_invoice_number"


def _held(
    order: SalesOrder | list[SalesOrder], *, excluding: Invoice | None = None
) -> dict[int, Decimal]:
    """Quantities of each order line (of one order or several) on invoice requests not yet
    issued."""
    orders = order if isinstance(order, list) else [order]
    rows = InvoiceLine.objects.filter(
        order_line__order__in=orders,
        invoice__kind=Invoice.Kind.NORMAL,
        invoice__status__in=Invoice.OPEN_STATUSES,
    )
    if excluding is not None:
        rows = rows.exclude(invoice=excluding)
    totals = rows.values("order_line").annotate(total=Sum("quantity"))
    return {row["order_line"]: row["total"] for row in totals}


def invoiceable(order: SalesOrder) -> list[dict[str, Any]]:
    """What can be invoiced now per line: delivered (or, by the customer's terms, ordered)
    minus invoiced minus held by open requests."""
    held = _held(order)
    rows = []
    for line in order.lines.select_related("product"):
        base = line.quantity if order.customer.invoice_before_delivery else line.delivered_quantity
        available = base - line.invoiced_quantity - held.get(line.pk, 0)
        if available > 0:
            rows.append({"line": line, "available": available})
    return rows


def _orders_to_merge(order: SalesOrder, others: list[SalesOrder] | None) -> list[SalesOrder]:
    """The order and the others merged into one request, locked in id order: all of one
    customer and each invoiceable, or refused naming the order that is not."""
    ids = sorted({order.pk, *(other.pk for other in others or [])})
    orders = list(
        SalesOrder.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk__in=ids)
    )
    orders.sort(key=lambda o: (o.pk != order.pk, o.pk))  # the request's own order first
    for merged in orders:
        if merged.customer_id != order.customer_id:
            raise OrdersOfSeveralCustomers(
                _(
                    "Order %(other)s is of %(customer)s, not of %(own)s: one invoice request "
                    "merges orders of one customer only."
                )
                % {
                    "other": merged.number or merged.pk,
                    "customer": merged.customer.name,
                    "own": orders[0].customer.name,
                },
                extra={"fields": {"orders": [_("orders of another customer")]}},
            )
        if merged.status not in INVOICEABLE:
            raise ValidationFailed(
                _("Order %s is not approved: it cannot be invoiced.") % (merged.number or merged.pk)
                if merged.pk != order.pk
                else _("Only an approved order can be invoiced.")
            )
    return orders


@permission_required("sales.add_invoice")
@transaction.atomic
def invoice_request_create(
    *,
    order: SalesOrder,
    by: Actor,
    lines: list[dict[str, Any]] | None = None,
    reason: str = "",
    invoice_type: str = "",
    orders: list[SalesOrder] | None = None,
) -> Invoice:
    """An invoice request (开票申请) of chosen lines and quantities, of one order or of
    several orders of the same customer merged (`orders`: the others). Without lines,
    everything invoiceable now on those orders is taken.

    Each line must match the order's price and stay within what was delivered (or ordered,
    under invoice-before-delivery terms); a difference needs a stated reason and is then
    highlighted for the auditors. Nothing is ever invoiced beyond what was ordered.
    """
    merged = _orders_to_merge(order, orders)
    order = merged[0]
    reason = reason.strip()
    if lines is None:
        lines = [
            {"order_line": row["line"], "quantity": row["available"]}
            for each in merged
            for row in invoiceable(each)
        ]
        if not lines:
            raise ValidationFailed(_("Nothing on this order can be invoiced now."))
    if not lines:
        raise ValidationFailed(_("An invoice request needs at least one line."))
    order_lines = {
        line.pk: line
        for line in SalesOrderLine.objects.filter(order__in=merged).select_related("product")
    }
    held = _held(merged)
    built, seen = [], set()
    for index, row in enumerate(lines, start=1):
        order_line = line_pick(
            index,
            order_lines,
            row["order_line"],
            seen=seen,
            message=_("not a line of the orders of this request, or given twice"),
        )
        line_id = order_line.pk
        quantity = line_quantity(index, row["quantity"])
        given = row.get("unit_price")
        unit_price = order_line.unit_price if given in (None, "") else line_price(index, given)
        line_gross(index, quantity, unit_price)
        open_quantity = order_line.invoiced_quantity + held.get(line_id, 0)
        ceiling = order_line.quantity - open_quantity
        base = (
            order_line.quantity
            if order.customer.invoice_before_delivery
            else order_line.delivered_quantity
        )
        available = base - open_quantity
        facts = {"order_line": line_id, "requested": str(quantity), "available": str(available)}
        if quantity > ceiling:
            raise OverInvoicing(
                _(
                    "Line %(n)d: %(requested)s requested, only %(ceiling)s of the order is left "
                    "to invoice."
                )
                % {"n": index, "requested": quantity, "ceiling": ceiling},
                extra=facts,
            )
        exceeds = quantity > available
        differs = unit_price != order_line.unit_price
        if exceeds and not reason:
            raise OverInvoicing(
                _(
                    "Line %(n)d: %(requested)s requested, %(available)s delivered and not yet "
                    "invoiced. Give the reason to go on."
                )
                % {"n": index, "requested": quantity, "available": available},
                extra=facts,
            )
        if differs and not reason:
            raise InvoiceMismatch(
                _(
                    "Line %(n)d: price %(price)s differs from the order's %(ordered)s. Give the "
                    "reason to go on."
                )
                % {"n": index, "price": unit_price, "ordered": order_line.unit_price},
                extra={
                    **facts,
                    "unit_price": str(unit_price),
                    "order_price": str(order_line.unit_price),
                },
            )
        amounts = line_amounts(
            quantity=quantity, unit_price=unit_price, vat_rate=order_line.vat_rate
        )
        built.append(
            InvoiceLine(
                order_line=order_line,
                quantity=quantity,
                unit_price=unit_price,
                vat_rate=order_line.vat_rate,
                gross_amount=amounts.gross_amount,
                net_amount=amounts.net_amount,
                tax_amount=amounts.tax_amount,
                price_differs=differs,
                quantity_exceeds=exceeds,
            )
        )
    invoice = Invoice(
        order=order,
        customer_id=order.customer_id,
        owner_id=order.owner_id,
        region_id=order.region_id,
        invoice_type=invoice_type or order.customer.invoice_type,
        reason=reason,
        has_differences=any(line.price_differs or line.quantity_exceeds for line in built),
        gross_amount=sum_amounts(line.gross_amount for line in built),
        net_amount=sum_amounts(line.net_amount for line in built),
        tax_amount=sum_amounts(line.tax_amount for line in built),
        created_by=by,
    )
    model_save(instance=invoice, by=by, validate=False)
    for line in built:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(built)
    return invoice


@permission_required("sales.change_invoice")
@transaction.atomic
def invoice_submit(*, invoice: Invoice, by: Actor) -> Invoice:
    """Send the request to double audit (2 clerks or finance, never its author)."""
    transition(invoice, to=Invoice.Status.IN_REVIEW, by=by)
    review_submit(obj=invoice, by=by)
    return invoice


def invoice_approve(invoice: Invoice, *, by: Actor, request: Any) -> None:
    """on_approved of the double audit: the request gets its number and waits to be issued."""
    transition(invoice, to=Invoice.Status.APPROVED, by=by)
    invoice.number = next_number(kind="IR", year=timezone.localdate().year)
    invoice.save(update_fields=["number", "updated_at"])
    audit_record(
        by=by,
        action=AuditEvent.Action.NUMBER,
        obj=invoice,
        changes={"number": [None, invoice.number]},
    )


def invoice_return_to_draft(invoice: Invoice, *, by: Actor, note: str, request: Any) -> None:
    transition(invoice, to=Invoice.Status.DRAFT, by=by, note=note)


def _vat_reference(invoice_type: str, number: str, code: str) -> tuple[str, str]:
    """(code, number) of a VAT invoice, checked for its type: a paper invoice (special or
    ordinary VAT) has a code of 10 or 12 digits and an 8-digit number; a fully-digital
    e-invoice (数电票) a 20-digit number and no code. A recorded pair is refused."""
    number = re.sub(r"\s", "", number or "")
    code = re.sub(r"\s", "", code or "")
    fields: dict[str, list[str]] = {}
    if invoice_type in Invoice.PAPER_TYPES:
        if not (is_ascii_digits(code) and len(code) in (10, 12)):
            fields["invoice_code"] = [_("10 or 12 digits")]
        if not (is_ascii_digits(number) and len(number) == 8):
            fields["invoice_number"] = [_("8 digits")]
    else:
        if code:
            fields["invoice_code"] = [_("a fully-digital e-invoice has no code")]
        if not (is_ascii_digits(number) and len(number) == 20):
            fields["invoice_number"] = [_("20 digits")]
    if fields:
        raise InvalidVatInvoiceNumber(extra={"fields": fields})
    if Invoice.objects.filter(vat_invoice_code=code, vat_invoice_number=number).exists():
        reference = f"{code} {number}".strip()
        raise DuplicateVatInvoiceNumber(
            _("VAT invoice %s is already recorded.") % reference,
            extra={"fields": {"invoice_number": [_("already recorded")]}},
        )
    return code, number


def _save_issued(invoice: Invoice, by: Actor) -> None:
    try:
        with transaction.atomic():
            model_save(instance=invoice, by=by, validate=False)
    except IntegrityError as exc:  # the same number recorded at the same instant elsewhere
        raise DuplicateVatInvoiceNumber(
            _("VAT invoice %s is already recorded.") % invoice.vat_invoice_reference
        ) from exc


@permission_required("sales.issue_invoice")
@transaction.atomic
def invoice_issue(
    *,
    invoice: Invoice,
    by: Actor,
    invoice_number: str,
    issued_on: date,
    invoice_type: str = "",
    invoice_code: str = "",
) -> Invoice:
    """Record the VAT invoice issued in the tax system (a paper invoice: its code and number;
    a fully-digital one: its number); the order's lines count it as invoiced."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice_type:
        invoice.invoice_type = invoice_type
    invoice.vat_invoice_code, invoice.vat_invoice_number = _vat_reference(
        invoice.invoice_type, invoice_number, invoice_code
    )
    invoice.issued_on = issued_on
    transition(invoice, to=Invoice.Status.ISSUED, by=by)
    _save_issued(invoice, by)
    for line in invoice.lines.all():
        updated = SalesOrderLine.objects.filter(
            pk=line.order_line_id, invoiced_quantity__lte=F("quantity") - line.quantity
        ).update(invoiced_quantity=F("invoiced_quantity") + line.quantity)
        if not updated:
            raise OverInvoicing(extra={"order_line": line.order_line_id})
    _post(invoice, by)
    return invoice


@permission_required("office.add_mailitem")
@transaction.atomic
def invoice_mail(
    *,
    invoice: Invoice,
    by: Actor,
    carrier: Any,
    tracking_number: str,
    promised_on: date | None = None,
    cost: Any = "0",
    contact: str = "",
    phone: str = "",
    address: str = "",
) -> Invoice:
    """The issued invoice mailed to its customer: its entry in the mail and express
    register (kind invoice, the invoice as its document), once."""
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=invoice.pk)
    )
    if invoice.status != Invoice.Status.ISSUED or invoice.kind != Invoice.Kind.NORMAL:
        raise ValidationFailed(_("Only an issued invoice is mailed."))
    already = mail_for(invoice)
    if already is not None:
        raise ValidationFailed(
            _("This invoice was mailed already: %(entry)s.") % {"entry": already.number}
        )
    if not (tracking_number or "").strip():
        raise ValidationFailed(extra={"fields": {"tracking_number": [_("required")]}})
    mail_entry(
        by=by,
        source=invoice,
        parcel=True,  # with its goods, under their tracking number: in their entry
        direction=MailItem.Direction.OUT,
        kind=MailItem.Kind.INVOICE,
        customer=invoice.customer,
        contact=contact,
        phone=phone,
        address=address or invoice.customer.address,
        carrier=carrier,
        tracking_number=tracking_number,
        promised_on=promised_on,
        cost=cost,
        note=invoice.vat_invoice_number,
    )
    return invoice


def _post(invoice: Invoice, by: Actor) -> None:
    """An issued invoice or red letter becomes a receivable, posted to the ledger, and counts
    as invoiced (a red letter, negative, takes its lines back)."""
    facts_add(
        basis=SalesFact.Basis.INVOICED,
        day=invoice.issued_on,
        customer=invoice.customer,
        region_id=invoice.region_id,
        owner_id=invoice.owner_id,
        lines=[
            (line.order_line.product, line.quantity, line.gross_amount, line.net_amount)
            for line in invoice.lines.select_related("order_line__product")
        ],
        orders=1 if invoice.kind == Invoice.Kind.NORMAL else 0,
    )
    receivable_from_invoice(
        source_model="sales.invoice",
        source_id=invoice.pk,
        document_number=invoice.vat_invoice_number,
        customer=invoice.customer,
        owner_id=invoice.owner_id,
        region_id=invoice.region_id,
        issued_on=invoice.issued_on,
        gross_amount=invoice.gross_amount,
        net_amount=invoice.net_amount,
        tax_amount=invoice.tax_amount,
        by=by,
        reverses_source_id=invoice.reverses_id,
    )


def _reversed_already(invoice: Invoice) -> dict[int, Decimal]:
    """Per order line, what red letters took back of the invoice already (negative)."""
    return dict(
        InvoiceLine.objects.filter(invoice__reverses=invoice)
        .values("order_line")
        .annotate(total=Sum("quantity"))
        .values_list("order_line", "total")
    )


def invoice_reversible(invoice: Invoice) -> list[dict[str, Any]]:
    """What a red letter may still take back of each line of an issued invoice: the line's
    quantity less what red letters took back already (`left`), in the order of the lines."""
    if invoice.kind != Invoice.Kind.NORMAL or invoice.status != Invoice.Status.ISSUED:
        return []
    taken = _reversed_already(invoice)
    lines = invoice.lines.select_related("order_line__order", "order_line__product").order_by(
        "order_line__order_id", "order_line__line_no"
    )
    rows = []
    for line in lines:
        left = line.quantity + taken.get(line.order_line_id, 0)
        if left > 0:
            rows.append({"line": line, "left": left})
    return rows


@permission_required("sales.issue_invoice")
def invoice_reverse(*, invoice: Invoice, by: Actor, **arguments: Any) -> Invoice:
    """Finance alone no longer issues a red letter: an issued invoice was approved by
    reviewers, so its reversal is asked for (invoice_reverse_request) and issued once
    reviewed with the invoice's own levels, never by the asker (issue 15 §20)."""
    raise ReviewRequired


@permission_required("sales.issue_invoice")
def invoice_reverse_request(
    *,
    invoice: Invoice,
    by: Actor,
    invoice_number: str,
    issued_on: date,
    reason: str,
    lines: list[dict[str, Any]] | None = None,
    invoice_code: str = "",
) -> ReversalRequest:
    """Ask for a red-letter invoice reversing an issued one, in full or for some
    lines/quantities. Everything is checked now (the red letter is tried and rolled back);
    it is issued once reviewed with at least the invoice's number of reviewers, never by
    the asker (issue 15 §20)."""
    return reversal_request(
        obj=invoice,
        action="red_letter",
        by=by,
        reason=reason,
        arguments={
            "invoice_number": invoice_number,
            "invoice_code": invoice_code,
            "issued_on": issued_on,
            "lines": [
                {
                    "order_line": getattr(row.get("order_line"), "pk", row.get("order_line")),
                    "quantity": str(row.get("quantity", "")),
                }
                for row in lines
            ]
            if lines
            else None,
        },
    )


def invoice_red_letter(
    invoice: Invoice,
    *,
    by: Actor,
    reason: str,
    invoice_number: str,
    issued_on: date | str,
    lines: list[dict[str, Any]] | None = None,
    invoice_code: str = "",
) -> Invoice:
    """The reviewed red letter (registered with reviews.reversals; runs on approval, as its
    asker). Its arguments come back from the request as text: the day and the quantities
    are turned back into a date and Decimals."""
    if isinstance(issued_on, str):
        try:
            issued_on = date.fromisoformat(issued_on)
        except ValueError:
            raise ValidationFailed(extra={"fields": {"issued_on": [_("not a date")]}}) from None
    lines = [{**row, "quantity": _decimal(row.get("quantity"))} for row in lines or []] or None
    return _invoice_reverse(
        invoice,
        by=by,
        invoice_number=invoice_number,
        issued_on=issued_on,
        reason=reason,
        lines=lines,
        invoice_code=invoice_code,
    )


def invoice_red_letter_described(arguments: dict[str, Any]) -> str:
    """What reviewers read of an asked red letter: its VAT invoice, day and lines by name."""
    reference = " ".join(
        part for part in (arguments.get("invoice_code"), arguments.get("invoice_number")) if part
    )
    rows = arguments.get("lines") or []
    named = SalesOrderLine.objects.select_related("order", "product").in_bulk(
        [row.get("order_line") for row in rows if isinstance(row.get("order_line"), int)]
    )
    lines = (
        "; ".join(
            f"{line.order.number} · {line.line_no} · {line.product} × "
            f"{format_number(_decimal(row.get('quantity')), 'quantity')}"
            if (line := named.get(row.get("order_line")))
            else str(row.get("quantity"))
            for row in rows
        )
        if rows
        else _("the whole invoice")
    )
    return (
        f"{_('VAT invoice number')}: {reference or '—'}; "
        f"{_('issued on')}: {arguments.get('issued_on') or '—'}; {_('lines')}: {lines}"
    )


def _decimal(value: Any) -> Any:
    """A quantity stored as text, as a Decimal; what is not a number stays for the line
    check to refuse."""
    try:
        return Decimal(value) if isinstance(value, str) else value
    except ArithmeticError:
        return value


def _invoice_reverse(
    invoice: Invoice,
    *,
    by: Actor,
    invoice_number: str,
    issued_on: date,
    reason: str,
    lines: list[dict[str, Any]] | None,
    invoice_code: str,
) -> Invoice:
    """A red-letter invoice reversing an issued one, in full or for some lines/quantities;
    of the original's type, so with a code when it is on paper (by default the original's:
    the same roll of invoices)."""
    if not reason.strip():
        raise ValidationFailed(extra={"fields": {"reason": [_("required")]}})
    original = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if original.kind != Invoice.Kind.NORMAL or original.status != Invoice.Status.ISSUED:
        raise ValidationFailed(_("Only an issued invoice can be reversed."))
    reversed_already = _reversed_already(original)
    own = {line.order_line_id: line for line in original.lines.all()}
    wanted = lines or [
        {"order_line": line_id, "quantity": line.quantity + reversed_already.get(line_id, 0)}
        for line_id, line in own.items()
        if line.quantity + reversed_already.get(line_id, 0) > 0
    ]
    if not wanted:
        raise ValidationFailed(_("This invoice is already reversed in full."))
    built = []
    for index, row in enumerate(wanted, start=1):
        source = line_pick(index, own, row["order_line"], message=_("not a line of this invoice"))
        line_id = source.order_line_id
        left = source.quantity + reversed_already.get(line_id, 0)  # reversals are negative
        quantity = line_quantity(index, row["quantity"], at_most=left)
        amounts = line_amounts(
            quantity=-quantity, unit_price=source.unit_price, vat_rate=source.vat_rate
        )
        built.append(
            InvoiceLine(
                order_line_id=line_id,
                quantity=-quantity,
                unit_price=source.unit_price,
                vat_rate=source.vat_rate,
                gross_amount=amounts.gross_amount,
                net_amount=amounts.net_amount,
                tax_amount=amounts.tax_amount,
            )
        )
    if original.is_paper and not invoice_code.strip():
        invoice_code = original.vat_invoice_code  # a paper red letter from the same roll
    red_code, red_number = _vat_reference(original.invoice_type, invoice_number, invoice_code)
    red = Invoice(
        kind=Invoice.Kind.RED,
        reverses=original,
        order_id=original.order_id,
        customer_id=original.customer_id,
        owner_id=original.owner_id,
        region_id=original.region_id,
        status=Invoice.Status.ISSUED,
        invoice_type=original.invoice_type,
        reason=reason.strip(),
        gross_amount=sum_amounts(line.gross_amount for line in built),
        net_amount=sum_amounts(line.net_amount for line in built),
        tax_amount=sum_amounts(line.tax_amount for line in built),
        vat_invoice_code=red_code,
        vat_invoice_number=red_number,
        issued_on=issued_on,
        created_by=by,
        issued_by=by,
        issued_at=timezone.now(),
    )
    _save_issued(red, by)
    for line in built:
        line.invoice = red
    InvoiceLine.objects.bulk_create(built)
    for line in built:
        SalesOrderLine.objects.filter(pk=line.order_line_id).update(
            invoiced_quantity=F("invoiced_quantity") + line.quantity
        )
    _post(red, by)
    audit_record(
        by=by,
        action=AuditEvent.Action.ACTION,
        obj=original,
        changes={"red_letter": [None, red.vat_invoice_reference]},
        note=reason,
    )
    return red


@permission_required("sales.change_invoice")
@transaction.atomic
def invoice_cancel(*, invoice: Invoice, by: Actor) -> Invoice:
    return transition(invoice, to=Invoice.Status.CANCELLED, by=by)
