from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, F, Q, QuerySet, Sum
from django.db.models.functions import Round
from django.utils.translation import gettext as _

from backoffice.core.access import Actor, access_object, scope_for_user
from backoffice.core.money import line_amounts, round_amount, sum_amounts
from backoffice.ledger.models import ReceiptAllocation
from backoffice.ledger.selectors import customer_open_receivables, receipt_visible_to
from backoffice.parties.selectors import (
    TradeBlockReason,
    customer_scope_block,
    customer_trade_block,
    trade_block_enforced,
)
from backoffice.sales.models import (
    Delivery,
    HistoryOrder,
    Invoice,
    InvoiceLine,
    SalesOrder,
    SalesOrderLine,
)


def _sales_scope(queryset: QuerySet, user: Any) -> QuerySet:
    """Orders, deliveries and invoices share one rule: all, own regions, or own customers."""
    return scope_for_user(
        queryset,
        user,
        all_perm="sales.view_all_orders",
        region_perm="sales.view_region_orders",
    )


def sales_figures_visible_to(queryset: QuerySet, user: Any) -> QuerySet:
    """Rows of sales figures (the facts, the imported months), which carry the region and
    the rep as plain ids: the orders' rule. Figures with no rep (a region's month) are
    only for those who see the region's orders."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.has_perm("sales.view_all_orders"):
        return queryset
    if user.has_perm("sales.view_region_orders"):
        return queryset.filter(region_id__in=user.regions.values("pk"))
    if any(f.name == "owner_id" for f in queryset.model._meta.fields):
        return queryset.filter(owner_id=user.pk)
    return queryset.none()


def order_visible_to(user: Any) -> QuerySet[SalesOrder]:
    return _sales_scope(SalesOrder.objects.all(), user)


def access_order(by: Actor, order_id: Any) -> SalesOrder:
    return access_object(order_visible_to(by).select_related("customer", "owner"), order_id)


def order_list(*, by: Actor) -> QuerySet[SalesOrder]:
    """The orders `by` may see, newest first (the list's filters: `sales.filters`)."""
    orders = order_visible_to(by).select_related("customer", "owner", "region")
    return orders.order_by("-ordered_on", "-id")


def history_order_visible_to(user: Any) -> QuerySet[HistoryOrder]:
    return _sales_scope(HistoryOrder.objects.all(), user)


def history_order_list(*, by: Actor) -> QuerySet[HistoryOrder]:
    """Imported orders `by` may see, newest first."""
    orders = history_order_visible_to(by).select_related("customer", "owner", "region")
    return orders.order_by("-day", "-id")


def customer_credit_exposure(customer: Any, *, excluding: SalesOrder | None = None) -> Decimal:
    """What the customer owes or has on order (the credit exposure): approved orders not
    yet invoiced, plus invoices issued and not yet paid."""
    lines = SalesOrderLine.objects.filter(
        order__customer=customer, order__status__in=SalesOrder.OPEN_STATUSES
    )
    if excluding is not None:
        lines = lines.exclude(order=excluding)
    # Uninvoiced share of each line at its own price incl. VAT, rounded per line (STYLE §6).
    open_value = sum_amounts(
        round_amount((quantity - invoiced) * price)
        for quantity, invoiced, price in lines.filter(
            quantity__gt=F("invoiced_quantity")
        ).values_list("quantity", "invoiced_quantity", "unit_price")
    )
    return open_value + customer_open_receivables(customer)


@dataclass(frozen=True)
class OrderChecks:
    """What the audit checks before approving an order (DOMAIN §4): the trade block of the
    customer (papers, status, and lines outside its licensed business scope) and its credit
    limit. Read at entry to warn, and at approval to refuse, from the same function."""

    reasons: list[TradeBlockReason]
    enforced: bool  # QUALIFICATION_BLOCK_MODE: the reasons refuse ("block") or only warn
    credit_limit: Decimal
    exposure: Decimal  # open orders and receivables, this order excluded
    order_amount: Decimal
    override_reason: str

    @property
    def over_credit(self) -> bool:
        return self.credit_limit > 0 and self.exposure + self.order_amount > self.credit_limit

    @property
    def credit_message(self) -> str:
        return _(
            "Open orders %(exposure)s plus this order %(order)s exceed the credit limit %(limit)s."
        ) % {"exposure": self.exposure, "order": self.order_amount, "limit": self.credit_limit}

    @property
    def refused(self) -> bool:
        """The audit would refuse it now (unless a sales manager overrides)."""
        if self.override_reason:
            return False
        return bool(self.reasons and self.enforced) or self.over_credit

    @property
    def messages(self) -> list[str]:
        return [r.message for r in self.reasons] + (
            [self.credit_message] if self.over_credit else []
        )


def order_checks(
    order: SalesOrder, *, credit: bool = True, lines: list[SalesOrderLine] | None = None
) -> OrderChecks:
    """The audit's checks of `order` as it stands (its lines and totals as saved); without
    `credit`, the trade block alone (a delivery's release checks only that). `lines`: the
    order's lines as saved, with their products and categories, when the caller has them."""
    customer = order.customer
    limit = customer.credit_limit if credit else Decimal("0.00")
    if lines is None:
        lines = list(order.lines.select_related("product__category"))
    products = [line.product for line in lines]
    reasons = customer_trade_block(customer) + customer_scope_block(customer, products=products)
    return OrderChecks(
        reasons=reasons,
        enforced=trade_block_enforced(),
        credit_limit=limit,
        exposure=customer_credit_exposure(customer, excluding=order)
        if limit > 0
        else Decimal("0.00"),
        order_amount=order.gross_amount,
        override_reason=order.block_override_reason,
    )


def delivery_visible_to(user: Any) -> QuerySet[Delivery]:
    """Deliveries follow their orders' visibility: all, own regions, or own customers."""
    return _sales_scope(Delivery.objects.all(), user)


def access_delivery(by: Actor, delivery_id: Any) -> Delivery:
    return access_object(delivery_visible_to(by).select_related("order", "customer"), delivery_id)


def invoice_visible_to(user: Any) -> QuerySet[Invoice]:
    """Invoices follow their orders' visibility: all, own regions, or own customers."""
    return _sales_scope(Invoice.objects.all(), user)


def access_invoice(by: Actor, invoice_id: Any) -> Invoice:
    return access_object(invoice_visible_to(by).select_related("order", "customer"), invoice_id)


def order_documents(order: SalesOrder, *, by: Actor) -> dict[str, QuerySet]:
    """The documents made from an order that `by` may see, one query per list: its
    deliveries (with their value at the order's prices), its invoices and red letters
    (those of a merged request too, found through their lines), and the receipts allocated
    to those invoices."""
    deliveries = (
        delivery_visible_to(by)
        .filter(order=order)
        .annotate(
            amount=Sum(
                Round(F("lines__quantity") * F("lines__order_line__unit_price"), precision=2),
                output_field=DecimalField(max_digits=16, decimal_places=2),
            )
        )
        .order_by("created_at", "id")
    )
    invoice_ids = InvoiceLine.objects.filter(order_line__order=order).values("invoice_id")
    invoices = (
        invoice_visible_to(by)
        .filter(Q(order=order) | Q(pk__in=invoice_ids))
        .order_by("created_at", "id")
    )
    allocations = (
        ReceiptAllocation.objects.filter(
            receipt__in=receipt_visible_to(by),
            receivable__source_model="sales.invoice",
            receivable__source_id__in=Invoice.objects.filter(
                Q(order=order) | Q(pk__in=invoice_ids)
            ).values("pk"),
        )
        .select_related("receipt", "receivable")
        .order_by("receipt__received_on", "receipt_id", "id")
    )
    return {"deliveries": deliveries, "invoices": invoices, "allocations": allocations}


@dataclass(frozen=True)
class BatchChoice:
    """A batch of a product in stock that a delivery line may ship."""

    batch_number: str
    expires_on: date
    quantity: Decimal


def delivery_batch_choices(product: Any) -> list[BatchChoice]:
    """The batches the warehouse may pick for `product` when it ships, earliest expiry first.

    The seam for the materials stock (STYLE §2, `materials`: items and batches): it does not
    exist yet, so there are no batches to choose from and the warehouse types the batch and
    expiry of each line. When the stock exists, this reads its batches of the product with
    stock (FEFO), and the ship form offers them without any other change.
    """
    return []


@dataclass(frozen=True)
class DeliveryNoteLine:
    """A line of the delivery note (随货同行单): the goods, their batch, and their value at
    the order's price incl. VAT, rounded per line (STYLE §6)."""

    line: Any
    product: Any
    unit_price: Decimal
    amount: Decimal


def delivery_note_lines(delivery: Delivery) -> list[DeliveryNoteLine]:
    rows = []
    for line in delivery.lines.select_related("order_line__product").order_by(
        "order_line__line_no"
    ):
        order_line = line.order_line
        rows.append(
            DeliveryNoteLine(
                line=line,
                product=order_line.product,
                unit_price=order_line.unit_price,
                amount=line_amounts(
                    quantity=line.quantity,
                    unit_price=order_line.unit_price,
                    vat_rate=order_line.vat_rate,
                ).gross_amount,
            )
        )
    return rows


def invoice_orders(invoice: Invoice) -> QuerySet[SalesOrder]:
    """The orders an invoice request covers: its own, and any merged into it."""
    return (
        SalesOrder.objects.filter(Q(pk=invoice.order_id) | Q(lines__invoice_lines__invoice=invoice))
        .distinct()
        .order_by("ordered_on", "id")
    )
