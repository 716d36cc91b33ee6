from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "backoffice.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from backoffice.core.access import register_visibility
        from backoffice.core.jobs import register_daily_job
        from backoffice.core.timeline import register_timeline_source
        from backoffice.ledger.models import Account
        from backoffice.ledger.services import (
            OPENING,
            register_account,
            register_allocation_listener,
        )
        from backoffice.parties.models import Customer
        from backoffice.reviews.registry import Level, register
        from backoffice.sales.facts import facts_received
        from backoffice.sales.models import Delivery, HistoryOrder, Invoice, SalesOrder
        from backoffice.sales.performance import contracts_fulfilled_run
        from backoffice.sales.selectors import (
            delivery_visible_to,
            history_order_visible_to,
            invoice_visible_to,
            order_visible_to,
        )
        from backoffice.sales.services import (
            delivery_release,
            delivery_return_to_draft,
            invoice_approve,
            invoice_return_to_draft,
            order_approve,
            order_return,
        )

        register_allocation_listener(facts_received)
        # opening balances of the history import are balanced against retained earnings
        register_account(OPENING, "利润分配—未分配利润", Account.Kind.EQUITY)
        register_visibility(SalesOrder, order_visible_to)
        register_visibility(HistoryOrder, history_order_visible_to)
        register_daily_job("contract fulfilment", contracts_fulfilled_run)
        register_visibility(Delivery, delivery_visible_to)
        register_timeline_source(Customer, lambda customer: (SalesOrder, customer.orders.all()))
        register_timeline_source(Customer, lambda customer: (Delivery, customer.deliveries.all()))
        register_visibility(Invoice, invoice_visible_to)
        register_timeline_source(Customer, lambda customer: (Invoice, customer.invoices.all()))
        register(
            Invoice,
            label=_("Invoice audit"),
            levels=[Level(approvals=2, permission="sales.review_invoice")],
            on_approved=invoice_approve,
            on_rejected=invoice_return_to_draft,
            amount=lambda invoice: invoice.gross_amount,
            authors=lambda invoice: [invoice.created_by],
        )
        register(
            Delivery,
            label=_("Delivery release"),
            levels=[Level(approvals=2, permission="sales.review_delivery")],
            on_approved=delivery_release,
            on_rejected=delivery_return_to_draft,
            authors=lambda delivery: [delivery.created_by],
        )
        register(
            SalesOrder,
            label=_("Order audit"),
            levels=[Level(approvals=1, permission="sales.review_order")],
            on_approved=order_approve,
            on_rejected=order_return,
            amount=lambda order: order.gross_amount,
            authors=lambda order: [order.created_by],
        )
