"""Writes of sales documents; each module owns one aggregate."""

from backoffice.sales.services.deliveries import (
    delivery_cancel,
    delivery_create,
    delivery_release,
    delivery_return,
    delivery_return_to_draft,
    delivery_ship,
    delivery_sign,
    delivery_submit,
    order_deliverable,
)
from backoffice.sales.services.orders import (
    order_approve,
    order_cancel,
    order_create,
    order_lines_check,
    order_lines_replace,
    order_override_block,
    order_return,
    order_submit,
)

__all__ = [
    "delivery_cancel",
    "delivery_create",
    "delivery_release",
    "delivery_return",
    "delivery_return_to_draft",
    "delivery_ship",
    "delivery_sign",
    "delivery_submit",
    "order_approve",
    "order_cancel",
    "order_create",
    "order_deliverable",
    "order_lines_check",
    "order_lines_replace",
    "order_override_block",
    "order_return",
    "order_submit",
]
