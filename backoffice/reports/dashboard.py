"""The home page of the staff UI: who I am, what waits for me, what I did last."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from backoffice.accounts.roles import role_label
from backoffice.accounts.selectors import department_list, region_list, user_visible_to
from backoffice.audit.selectors import audit_event_list
from backoffice.core.selectors import notification_unread_for
from backoffice.ledger.selectors import receivables_overdue
from backoffice.parties.selectors import (
    calls_overdue_for,
    customer_visible_to,
    feedback_overdue_for,
)
from backoffice.reports.kpis import sales_kpis
from backoffice.reviews.selectors import review_pending_for
from backoffice.sales.models import Delivery
from backoffice.sales.selectors import delivery_visible_to


def _greeting(now) -> str:
    hour = timezone.localtime(now).hour
    if hour < 12:
        return str(_("Good morning"))
    if hour < 18:
        return str(_("Good afternoon"))
    return str(_("Good evening"))


def _todos(user, overdue_count: int | None = None) -> list[dict[str, Any]]:
    """What waits for the user: reviews first (oldest first), then unread notifications."""
    now = timezone.now()
    todos = []
    for review in review_pending_for(user)[:10]:
        opts = review.content_type.model_class()._meta
        todos.append(
            {
                "title": _("Review: %s") % review.object_repr,
                "url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change", args=[review.object_id]
                ),
                "age": timesince(review.submitted_at, now),
            }
        )
    overdue_calls = calls_overdue_for(user).count()
    if overdue_calls:
        todos.append(
            {
                "title": ngettext(
                    "%d customer is due for a call",
                    "%d customers are due for a call",
                    overdue_calls,
                )
                % overdue_calls,
                "url": reverse("admin:parties_customer_changelist") + "?call_overdue=yes",
                "age": "",
            }
        )
    for ticket in feedback_overdue_for(user)[:5]:
        todos.append(
            {
                "title": _("Overdue feedback: %s") % ticket,
                "url": reverse("admin:parties_feedback_change", args=[ticket.pk]),
                "age": timesince(
                    timezone.make_aware(
                        timezone.datetime.combine(ticket.due_on, timezone.datetime.min.time())
                    ),
                    now,
                ),
            }
        )
    if overdue_count is None and user.has_perm("ledger.view_receivable"):
        overdue_count = receivables_overdue(
            customer_visible_to(user), today=timezone.localdate()
        ).count()
    if user.has_perm("ledger.view_receivable") and (count := overdue_count):
        todos.append(
            {
                "title": ngettext(
                    "%d invoice is overdue for payment",
                    "%d invoices are overdue for payment",
                    count,
                )
                % count,
                "url": reverse("admin:ledger_receivable_changelist") + "?overdue=yes",
                "age": "",
            }
        )
    unsigned = delivery_visible_to(user).filter(status=Delivery.Status.SHIPPED).count()
    if user.has_perm("sales.view_delivery") and unsigned:
        todos.append(
            {
                "title": ngettext(
                    "%d delivery is not yet signed for",
                    "%d deliveries are not yet signed for",
                    unsigned,
                )
                % unsigned,
                "url": reverse("admin:sales_delivery_changelist") + "?status__exact=shipped",
                "age": "",
            }
        )
    for note in notification_unread_for(user)[:5]:
        todos.append(
            {
                "title": note.title,
                "url": reverse("notification-open", args=[note.pk]),
                "age": timesince(note.created_at, now),
            }
        )
    return todos


def dashboard_callback(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    user = request.user
    sales = (
        sales_kpis(user, today=timezone.localdate())
        if user.has_perm("sales.view_salesorder")
        else None
    )
    context.update(
        {
            "greeting": _greeting(timezone.now()),
            "user_roles": [role_label(g.name) for g in user.groups.all()],
            "user_regions": [r.name for r in user.regions.all()],
            "kpis": [
                {
                    "title": _("Active users"),
                    "value": user_visible_to(user).count(),
                    "icon": "group",
                },
                {
                    "title": _("Regions"),
                    "value": region_list().filter(is_active=True).count(),
                    "icon": "map",
                },
                {
                    "title": _("Departments"),
                    "value": department_list().filter(is_active=True).count(),
                    "icon": "apartment",
                },
            ],
            "todos": _todos(user, sales["overdue_count"] if sales else None),
            "sales": sales,
            "recent_events": list(audit_event_list().filter(actor=user)[:8]),
        }
    )
    return context


def environment_callback(request: HttpRequest) -> list[str] | None:
    if settings.DEBUG:
        return [str(_("Development")), "warning"]
    return None
