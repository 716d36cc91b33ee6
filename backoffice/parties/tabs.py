"""The customer page's tabs of its own app's records (issue 14 §3): papers and calls, and
its timeline (its changes and those of every record of it). The other apps' tabs (orders,
deliveries, invoices, receivables, contracts) are registered by `reports.customer_tabs`; all
go through core.record_tabs."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from backoffice.audit.models import AuditEvent
from backoffice.audit.selectors import audit_event_newest_of
from backoffice.core.access import visibility_selector
from backoffice.core.admin import change_rows_many
from backoffice.core.record_tabs import (
    TabColumn,
    TabContent,
    TabRow,
    field_column,
    register_record_tab,
)
from backoffice.core.timeline import timeline_sources
from backoffice.parties.models import (
    CallRecord,
    Contact,
    Customer,
    DeliveryAddress,
    Feedback,
    Qualification,
    Visit,
)
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


def customer_timeline(customer: Customer, *, user: Any, limit: int = 50) -> list[dict[str, Any]]:
    """One timeline: the customer's own changes and those of its papers, contacts, orders…
    of the kinds the user may view, and of those the rows the user may see (an order made
    while the customer was another region's is not its new rep's)."""
    related = {
        Qualification: customer.qualifications,
        Contact: customer.contacts,
        DeliveryAddress: customer.addresses,
        CallRecord: customer.calls,
        Visit: customer.visits,
        Feedback: customer.feedback,
    }
    for source in timeline_sources(Customer):  # orders, deliveries… from the apps above
        model, rows = source(customer)
        related[model] = rows
    for model, rows in list(related.items()):
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            del related[model]  # a kind whose own tab and list the user may not open
            continue
        visible = visibility_selector(opts.label_lower)
        if visible is not None:
            related[model] = rows.all() & visible(user)
    labels = {"parties.customer": Customer} | {m._meta.label_lower: m for m in related}
    events = audit_event_newest_of(
        {Customer: Customer.objects.filter(pk=customer.pk), **related}, limit=limit
    )
    events = list(events[:limit])
    changes = change_rows_many([(labels[event.model], event.changes) for event in events])
    return [
        {"event": event, "kind": labels[event.model]._meta.verbose_name, "changes": found}
        for event, found in zip(events, changes, strict=True)
    ]


TIMELINE_ROWS = 50
TIMELINE_CHANGES = 3  # a row shows its first changes; the record's history has them all


def customer_timeline_tab(customer: Customer, user: Any, limit: int) -> TabContent:
    """The timeline as a tab: its newest events, of the customer and of its records."""
    rows = []
    for item in customer_timeline(customer, user=user, limit=max(limit, TIMELINE_ROWS)):
        event = item["event"]
        changes = [f"{c['label']}: {c['after']}" for c in item["changes"][:TIMELINE_CHANGES]]
        rows.append(
            TabRow(
                [
                    event.occurred_at,
                    event.actor or _("System"),
                    f"{item['kind']} · {event.get_action_display()}",
                    " · ".join([event.object_repr, *changes]),
                ]
            )
        )
    return TabContent(
        columns=[
            field_column(AuditEvent, "occurred_at"),
            field_column(AuditEvent, "actor"),
            TabColumn(_("Record")),
            field_column(AuditEvent, "changes"),
        ],
        rows=rows,
        caption=_("Newest first: the customer's changes and those of its records"),
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
    register_record_tab(
        Customer,
        key="timeline",
        title=_("Timeline"),
        order=90,
        permission="parties.view_customer",
        content=customer_timeline_tab,
    )
