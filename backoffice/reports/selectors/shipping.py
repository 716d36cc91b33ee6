"""The warehouse's dashboard block: released deliveries waiting to ship, and shipped ones
not yet signed for, oldest first, each with the link to its page and to the whole list."""

from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.timesince import timesince

from backoffice.sales.models import Delivery
from backoffice.sales.selectors import delivery_visible_to

SHORT_LIST = 8


def _queue(user: Any, *, status: str, since: str, now: datetime) -> dict[str, Any]:
    deliveries = delivery_visible_to(user).filter(status=status)
    oldest = deliveries.select_related("customer").order_by(since, "id")[:SHORT_LIST]
    return {
        "count": deliveries.count(),
        "url": reverse("admin:sales_delivery_changelist") + f"?status__exact={status}",
        "rows": [
            {
                "number": str(delivery),
                "customer": delivery.customer.name,
                "since": getattr(delivery, since),
                "age": timesince(getattr(delivery, since), now) if getattr(delivery, since) else "",
                "url": reverse("admin:sales_delivery_change", args=[delivery.pk]),
            }
            for delivery in oldest
        ],
    }


def shipping_queues(user: Any, *, now: datetime) -> dict[str, Any]:
    """What the warehouse has to move: released, not shipped; shipped, not signed for."""
    return {
        "to_ship": _queue(user, status=Delivery.Status.RELEASED, since="released_at", now=now),
        "unsigned": _queue(user, status=Delivery.Status.SHIPPED, since="shipped_at", now=now),
    }
