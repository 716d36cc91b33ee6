from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet

from backoffice.core.access import Actor, access_object, scope_for_user
from backoffice.core.money import round_amount, sum_amounts
from backoffice.ledger.selectors import customer_open_receivables
from backoffice.sales.models import Delivery, HistoryOrder, Invoice, SalesOrder, SalesOrderLine


def _sales_scope(queryset: QuerySet, user: Any) -> QuerySet:
    """Orders, deliveries and invoices share one rule: all, own regions, or own customers."""
    return scope_for_user(
        queryset,
        user,
        all_perm="sales.view_all_orders",
        region_perm="sales.view_region_orders",
    )


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
