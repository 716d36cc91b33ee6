"""The customer page's tabs of other apps' documents (issue 14 §3): orders, deliveries,
invoices, receivables with the statement, contracts. Parties may not import these apps
(STYLE §2); this read model, like the customer timeline, spans them, so it lives here and
registers the tabs with core.record_tabs. Each tab reads the newest rows the user may see
in one query; the receivables' figures are the ledger's own selectors."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.contracts.models import Contract
from backoffice.contracts.selectors import contract_visible_to
from backoffice.core.record_tabs import (
    TabContent,
    TabRow,
    field_column,
    register_record_tab,
)
from backoffice.ledger.models import Receivable
from backoffice.ledger.selectors import receivable_balances, receivables_overdue
from backoffice.parties.models import Customer
from backoffice.parties.selectors import customer_visible_to
from backoffice.sales.models import Delivery, Invoice, SalesOrder
from backoffice.sales.selectors import delivery_visible_to, invoice_visible_to, order_visible_to


def _changelist(name: str, **filters: Any) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return f"{reverse(f'admin:{name}_changelist')}?{query}"


def _change(name: str, pk: int) -> str:
    return reverse(f"admin:{name}_change", args=[pk])


def _number(document: Any) -> str:
    return document.number or f"#{document.pk}"  # a draft has no number yet


def customer_orders_tab(customer: Customer, user: Any, limit: int) -> TabContent:
    orders = order_visible_to(user).filter(customer=customer).order_by("-ordered_on", "-id")
    return TabContent(
        columns=[
            field_column(SalesOrder, "number"),
            field_column(SalesOrder, "ordered_on"),
            field_column(SalesOrder, "status"),
            field_column(SalesOrder, "gross_amount", numeric=True),
        ],
        rows=[
            TabRow(
                [_number(o), o.ordered_on, o.get_status_display(), o.gross_amount],
                _change("sales_salesorder", o.pk),
            )
            for o in orders[:limit]
        ],
        more_url=_changelist("sales_salesorder", customer__id__exact=customer.pk),
    )


def customer_deliveries_tab(customer: Customer, user: Any, limit: int) -> TabContent:
    deliveries = (
        delivery_visible_to(user).filter(customer=customer).select_related("order").order_by("-id")
    )
    return TabContent(
        columns=[
            field_column(Delivery, "number"),
            field_column(Delivery, "order"),
            field_column(Delivery, "status"),
            field_column(Delivery, "shipped_at"),
            field_column(Delivery, "signed_on"),
        ],
        rows=[
            TabRow(
                [_number(d), _number(d.order), d.get_status_display(), d.shipped_at, d.signed_on],
                _change("sales_delivery", d.pk),
            )
            for d in deliveries[:limit]
        ],
        more_url=_changelist("sales_delivery", customer__id__exact=customer.pk),
    )


def customer_invoices_tab(customer: Customer, user: Any, limit: int) -> TabContent:
    invoices = invoice_visible_to(user).filter(customer=customer).order_by("-id")
    return TabContent(
        columns=[
            field_column(Invoice, "number"),
            field_column(Invoice, "kind"),
            field_column(Invoice, "vat_invoice_number"),
            field_column(Invoice, "status"),
            field_column(Invoice, "issued_on"),
            field_column(Invoice, "gross_amount", numeric=True),
        ],
        rows=[
            TabRow(
                [
                    _number(i),
                    i.get_kind_display(),
                    i.vat_invoice_number,
                    i.get_status_display(),
                    i.issued_on,
                    i.gross_amount,
                ],
                _change("sales_invoice", i.pk),
            )
            for i in invoices[:limit]
        ],
        more_url=_changelist("sales_invoice", customer__id__exact=customer.pk),
    )


def customer_receivables_tab(customer: Customer, user: Any, limit: int) -> TabContent:
    """What the customer owes and its overdue invoices, as the ledger computes them (the
    dashboard and the to-dos read the same selectors), with the statement a click away."""
    today = timezone.localdate()
    customers = customer_visible_to(user).filter(pk=customer.pk)
    balances = receivable_balances(customers, today=today)
    overdue = receivables_overdue(customers, today=today).order_by("due_on", "id")
    links = []
    if user.has_perm("ledger.view_journalline"):
        links.append((_("Statement"), reverse("customer-statement-print", args=[customer.pk])))
    return TabContent(
        columns=[
            field_column(Receivable, "document_number"),
            field_column(Receivable, "issued_on"),
            field_column(Receivable, "due_on"),
            field_column(Receivable, "amount", numeric=True),
            field_column(Receivable, "allocated_amount", numeric=True),
        ],
        rows=[
            TabRow([r.document_number, r.issued_on, r.due_on, r.amount, r.allocated_amount])
            for r in overdue[:limit]
        ],
        figures=[
            (_("Open receivables"), balances["open"]),
            (_("Overdue receivables"), balances["overdue"]),
        ],
        links=links,
        caption=_("Overdue invoices"),
        more_url=_changelist("ledger_receivable", customer__id__exact=customer.pk),
    )


def customer_contracts_tab(customer: Customer, user: Any, limit: int) -> TabContent:
    contracts = contract_visible_to(user).filter(counterparty=customer)
    return TabContent(
        columns=[
            field_column(Contract, "number"),
            field_column(Contract, "title"),
            field_column(Contract, "kind"),
            field_column(Contract, "status"),
            field_column(Contract, "ends_on"),
            field_column(Contract, "amount", numeric=True),
        ],
        rows=[
            TabRow(
                [
                    c.number,
                    c.title,
                    c.get_kind_display(),
                    c.get_status_display(),
                    c.ends_on,
                    c.amount,
                ],
                _change("contracts_contract", c.pk),
            )
            for c in contracts.order_by("-starts_on", "-id")[:limit]
        ],
        more_url=_changelist("contracts_contract", counterparty__id__exact=customer.pk),
    )


def register_customer_tabs() -> None:
    tab = register_record_tab
    tab(
        Customer,
        key="orders",
        title=_("Sales orders"),
        order=10,
        permission="sales.view_salesorder",
        content=customer_orders_tab,
    )
    tab(
        Customer,
        key="deliveries",
        title=_("Deliveries"),
        order=20,
        permission="sales.view_delivery",
        content=customer_deliveries_tab,
    )
    tab(
        Customer,
        key="invoices",
        title=_("Invoices"),
        order=30,
        permission="sales.view_invoice",
        content=customer_invoices_tab,
    )
    tab(
        Customer,
        key="receivables",
        title=_("Receivables and statement"),
        order=40,
        permission="ledger.view_receivable",
        content=customer_receivables_tab,
    )
    tab(
        Customer,
        key="contracts",
        title=_("Contracts"),
        order=50,
        permission="contracts.view_contract",
        content=customer_contracts_tab,
    )
