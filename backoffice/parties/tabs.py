"""The customer page's tabs of its own app's records (issue 14 §3): papers and calls. The
other apps' tabs (orders, deliveries, invoices, receivables, contracts) are registered by
`reports.customer_tabs`; all go through core.record_tabs."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from backoffice.core.record_tabs import (
    TabContent,
    TabRow,
    field_column,
    register_record_tab,
)
from backoffice.parties.models import CallRecord, Customer, Qualification
from backoffice.parties.selectors import call_visible_to, qualification_visible_to


def _add_link(user: Any, perm: str, label: Any, model: str, customer: Customer) -> list:
    """A link to add one more for this customer, the customer already chosen."""
    if not user.has_perm(perm):
        return []
    return [(label, f"{reverse(f'admin:parties_{model}_add')}?customer={customer.pk}")]


def customer_papers_tab(customer: Customer, user: Any, limit: int) -> TabContent:
    papers = (
        qualification_visible_to(user)
        .filter(customer=customer)
        .select_related("qualification_type")
        .order_by("-valid_to", "-id")[:limit]
    )
    return TabContent(
        columns=[
            field_column(Qualification, "qualification_type"),
            field_column(Qualification, "number"),
            field_column(Qualification, "valid_to"),
            field_column(Qualification, "status"),
        ],
        rows=[
            TabRow(
                [p.qualification_type.display_name, p.number, p.valid_to, p.get_status_display()],
                reverse("admin:parties_qualification_change", args=[p.pk]),
            )
            for p in papers
        ],
        more_url=(
            f"{reverse('admin:parties_qualification_changelist')}?customer__id__exact={customer.pk}"
        ),
        links=_add_link(
            user, "parties.add_qualification", _("Add a paper"), "qualification", customer
        ),
    )


def customer_calls_tab(customer: Customer, user: Any, limit: int) -> TabContent:
    calls = (
        call_visible_to(user)
        .filter(customer=customer)
        .select_related("caller")
        .order_by("-called_at", "-id")[:limit]
    )
    return TabContent(
        columns=[
            field_column(CallRecord, "called_at"),
            field_column(CallRecord, "caller"),
            field_column(CallRecord, "business_status"),
            field_column(CallRecord, "next_call_on"),
        ],
        rows=[
            TabRow(
                [c.called_at, c.caller, c.business_status[:60], c.next_call_on],
                reverse("admin:parties_callrecord_change", args=[c.pk]),
            )
            for c in calls
        ],
        more_url=(
            f"{reverse('admin:parties_callrecord_changelist')}?customer__id__exact={customer.pk}"
        ),
        links=_add_link(user, "parties.add_callrecord", _("Record a call"), "callrecord", customer),
    )


def register_customer_tabs() -> None:
    register_record_tab(
        Customer,
        key="papers",
        title=_("Qualification papers"),
        order=60,
        permission="parties.view_qualification",
        content=customer_papers_tab,
    )
    register_record_tab(
        Customer,
        key="calls",
        title=_("Calls"),
        order=70,
        permission="parties.view_callrecord",
        content=customer_calls_tab,
    )
