"""The home page of the staff UI: who I am, what waits for me, what I did last."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from backoffice.accounts.roles import role_label
from backoffice.accounts.selectors import department_list, region_list, user_directory
from backoffice.audit.selectors import audit_event_list
from backoffice.core.todos import todos_for
from backoffice.expenses.selectors import budgets_in_use
from backoffice.reports.selectors.kpis import sales_kpis
from backoffice.reports.selectors.shipping import shipping_queues


def _greeting(now) -> str:
    hour = timezone.localtime(now).hour
    if hour < 12:
        return str(_("Good morning"))
    if hour < 18:
        return str(_("Good afternoon"))
    return str(_("Good evening"))


def _todos(user: Any, known: dict[str, int]) -> list[dict[str, Any]]:
    """What waits for the user: the to-dos the apps registered (core/todos.py), in order."""
    now = timezone.now()
    return [
        {
            "title": todo.title,
            "url": todo.url,
            "age": timesince(todo.since, now) if todo.since else "",
        }
        for todo in todos_for(user, known=known)
    ]


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
                    "value": user_directory(by=user).count(),
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
            "todos": _todos(
                user,
                # the tiles have counted the overdue invoices already (None: not here)
                {"receivables_overdue": sales["overdue_count"]}
                if sales and sales["overdue_count"] is not None
                else {},
            ),
            "sales": sales,
            "recent_events": list(audit_event_list().filter(actor=user)[:8]),
        }
    )
    # --- Budget use for the current period (managers, finance) ------------------------------
    context["budget_use"] = budgets_in_use(user) if user.has_perm("expenses.view_budget") else None
    # --- The warehouse's block: deliveries to ship and to have signed for ------------------
    context["shipping"] = (
        shipping_queues(user, now=timezone.now())
        if user.groups.filter(name="warehouse").exists() and user.has_perm("sales.view_delivery")
        else None
    )
    return context


def environment_callback(request: HttpRequest) -> list[str] | None:
    if settings.DEBUG:
        return [str(_("Development")), "warning"]
    return None
