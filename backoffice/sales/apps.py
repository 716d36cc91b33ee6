from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# Sales orders (DOMAIN §4): visibility follows the same all / region / own rule as customers.
READ_ORDERS = {
    "sales.view_salesorder",
    "sales.view_salesorderline",
    "sales.view_delivery",
    "sales.view_deliveryline",
    "sales.view_deliveryextra",
    "sales.view_invoice",
    "sales.view_invoiceline",
    "sales.view_historyorder",  # imported history: the same rule as the orders
}
KEEP_ORDERS = READ_ORDERS | {
    "sales.add_salesorder",
    "sales.change_salesorder",
    "sales.add_salesorderline",
    "sales.change_salesorderline",
    "sales.delete_salesorderline",
}
SEE_ALL_ORDERS = {"sales.view_all_orders"}
AUDIT_ORDERS = {"sales.review_order"}
# Issue 15 §20: an approved order is cancelled only once reviewed (the order's own levels).
ASK_ORDER_CANCELLATION = {"sales.request_order_cancellation"}
OVERRIDE_ORDERS = {"sales.override_order_block"}
KEEP_DELIVERIES = {
    "sales.add_delivery",
    "sales.change_delivery",
    "sales.add_deliveryline",
    "sales.change_deliveryline",
    "sales.add_deliveryextra",
    "sales.change_deliveryextra",
}
RELEASE_DELIVERIES = {"sales.review_delivery"}
REQUEST_INVOICES = {
    "sales.add_invoice",
    "sales.change_invoice",
    "sales.add_invoiceline",
    "sales.change_invoiceline",
}
AUDIT_INVOICES = {"sales.review_invoice"}
ISSUE_INVOICES = {"sales.issue_invoice"}


def _deliveries_unsigned(user) -> int:
    from backoffice.sales.models import Delivery
    from backoffice.sales.selectors import delivery_visible_to

    return delivery_visible_to(user).filter(status=Delivery.Status.SHIPPED).count()


class SalesConfig(AppConfig):
    name = "backoffice.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from backoffice.core.access import (
            register_global,
            register_visibility,
            register_visibility_through,
        )
        from backoffice.core.grants import grant
        from backoffice.core.jobs import register_daily_job
        from backoffice.core.navigation import register_nav_group, register_nav_item
        from backoffice.core.timeline import register_timeline_source
        from backoffice.core.todos import register_todo
        from backoffice.ledger.models import Account
        from backoffice.ledger.services import (
            OPENING,
            register_account,
            register_allocation_listener,
        )
        from backoffice.parties.models import Customer
        from backoffice.reviews.registry import Level, register
        from backoffice.reviews.reversals import register_reversal
        from backoffice.sales.facts import facts_received
        from backoffice.sales.history.upload import stale_history_imports_fail
        from backoffice.sales.models import (
            Delivery,
            DeliveryExtra,
            DeliveryLine,
            HistoryCategory,
            HistoryImport,
            HistoryLine,
            HistoryOrder,
            Invoice,
            InvoiceLine,
            SalesFact,
            SalesFactRow,
            SalesMonth,
            SalesOrder,
            SalesOrderLine,
        )
        from backoffice.sales.performance import contracts_fulfilled_run
        from backoffice.sales.selectors import (
            delivery_visible_to,
            history_order_visible_to,
            invoice_visible_to,
            order_visible_to,
            sales_figures_visible_to,
        )
        from backoffice.sales.services import (
            delivery_release,
            delivery_return_to_draft,
            invoice_approve,
            invoice_red_letter,
            invoice_red_letter_described,
            invoice_return_to_draft,
            order_approve,
            order_cancel_approved,
            order_for_review,
            order_refused,
            order_return,
        )

        register_allocation_listener(facts_received)
        # opening balances of the history import are balanced against retained earnings
        register_account(OPENING, "利润分配—未分配利润", Account.Kind.EQUITY)
        register_visibility(SalesOrder, order_visible_to)
        register_visibility(HistoryOrder, history_order_visible_to)
        register_daily_job("contract fulfilment", contracts_fulfilled_run)
        register_daily_job("stale history imports", stale_history_imports_fail)
        register_visibility(Delivery, delivery_visible_to)
        register_timeline_source(Customer, lambda customer: (SalesOrder, customer.orders.all()))
        register_timeline_source(Customer, lambda customer: (Delivery, customer.deliveries.all()))
        register_visibility(Invoice, invoice_visible_to)
        # A line is visible when its document is; figures by the orders' rule.
        register_visibility_through(SalesOrderLine, "order")
        register_visibility_through(DeliveryLine, "delivery")
        register_visibility_through(DeliveryExtra, "delivery")
        register_visibility_through(InvoiceLine, "invoice")
        register_visibility_through(HistoryLine, "order")
        register_visibility_through(HistoryCategory, "order")
        for figures in (SalesFact, SalesFactRow, SalesMonth):
            register_visibility(
                figures,
                lambda user, model=figures: sales_figures_visible_to(model.objects.all(), user),
            )
        # An import run is the company's (its permission says who may see it), whatever the
        # regions of the orders it brought in (those follow their own rule).
        register_global(HistoryImport)
        register_timeline_source(Customer, lambda customer: (Invoice, customer.invoices.all()))
        register(
            Invoice,
            label=_("Invoice audit"),
            levels=[Level(approvals=2, permission="sales.review_invoice")],
            on_approved=invoice_approve,
            on_rejected=invoice_return_to_draft,
            amount=lambda invoice: invoice.gross_amount,
            authors=lambda invoice: [invoice.created_by_id],
            related=("customer",),
        )
        register(
            Delivery,
            label=_("Delivery release"),
            levels=[Level(approvals=2, permission="sales.review_delivery")],
            on_approved=delivery_release,
            on_rejected=delivery_return_to_draft,
            authors=lambda delivery: [delivery.created_by_id],
            related=("customer",),
        )
        register(
            SalesOrder,
            label=_("Order audit"),
            levels=[Level(approvals=1, permission="sales.review_order")],
            on_approved=order_approve,
            on_rejected=order_return,
            on_refused=order_refused,
            amount=lambda order: order.gross_amount,
            authors=lambda order: [order.created_by_id],
            related=("customer",),
            load=order_for_review,
        )
        register_reversal(
            SalesOrder,
            action="cancel",
            label=_("Cancellation of an approved order"),
            permission="sales.request_order_cancellation",
            apply=order_cancel_approved,
        )
        register_reversal(
            Invoice,
            action="red_letter",
            label=_("Red-letter reversal of an issued invoice"),
            permission="sales.issue_invoice",  # finance asks; the invoice's reviewers decide
            apply=invoice_red_letter,
            describe=invoice_red_letter_described,
        )
        grant(
            {
                "rep": KEEP_ORDERS | ASK_ORDER_CANCELLATION,
                "clerk": KEEP_ORDERS
                | ASK_ORDER_CANCELLATION
                | SEE_ALL_ORDERS
                | AUDIT_ORDERS
                | KEEP_DELIVERIES
                | RELEASE_DELIVERIES
                | REQUEST_INVOICES
                | AUDIT_INVOICES,
                "sales_manager": KEEP_ORDERS
                | ASK_ORDER_CANCELLATION
                | SEE_ALL_ORDERS
                | AUDIT_ORDERS
                | OVERRIDE_ORDERS,
                "regional_manager": READ_ORDERS | {"sales.view_region_orders"},
                "general_manager": READ_ORDERS | SEE_ALL_ORDERS | AUDIT_ORDERS | OVERRIDE_ORDERS,
                "finance": READ_ORDERS
                | SEE_ALL_ORDERS
                | REQUEST_INVOICES
                | AUDIT_INVOICES
                | ISSUE_INVOICES,
                "warehouse": READ_ORDERS | SEE_ALL_ORDERS | KEEP_DELIVERIES,
            }
        )
        register_todo(
            "deliveries_unsigned",
            order=500,
            permission="sales.view_delivery",
            count=_deliveries_unsigned,
            label=ngettext_lazy(
                "%d delivery is not yet signed for", "%d deliveries are not yet signed for"
            ),
            url="admin:sales_delivery_changelist",
            query="status__exact=shipped",
        )
        register_nav_group("sales", _("Sales"), order=20)
        register_nav_item(
            "sales",
            _("Sales orders"),
            icon="receipt_long",
            url="admin:sales_salesorder_changelist",
            permission="sales.view_salesorder",
            order=10,
        )
        register_nav_item(
            "sales",
            _("Imported orders"),
            icon="history",
            url="admin:sales_historyorder_changelist",
            permission="sales.view_historyorder",
            order=20,
        )
        register_nav_item(
            "sales",
            _("Deliveries"),
            icon="local_shipping",
            url="admin:sales_delivery_changelist",
            permission="sales.view_delivery",
            order=30,
        )
        register_nav_item(
            "sales",
            _("Invoices"),
            icon="request_quote",
            url="admin:sales_invoice_changelist",
            permission="sales.view_invoice",
            order=40,
        )
        register_nav_item(
            "system",
            _("History import"),
            icon="upload_file",
            url="admin:sales_historyimport_changelist",
            permission="sales.add_historyimport",
            order=40,
        )
