from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

READ_LEDGER = {
    "ledger.view_receipt",
    "ledger.view_receivable",
    "ledger.view_journalentry",
    "ledger.view_journalline",
    "ledger.view_account",
    "ledger.view_receiptallocation",
}
SEE_ALL_RECEIPTS = {"ledger.view_all_receipts"}
SEE_GENERAL_LEDGER = {"ledger.view_general_ledger"}
KEEP_RECEIPTS = {"ledger.add_receipt", "ledger.add_receiptallocation"}
READ_PAYABLES = {
    "ledger.view_supplierinvoice",
    "ledger.view_supplierpayment",
    "ledger.view_paymentallocation",
}
KEEP_PAYABLES = READ_PAYABLES | {
    "ledger.add_supplierinvoice",
    "ledger.add_supplierpayment",
    "ledger.keep_payables",
}


def _accounts_after_migrate(sender, using, **kwargs) -> None:
    from backoffice.ledger.services import accounts_sync

    accounts_sync(using=using)


class LedgerConfig(AppConfig):
    name = "backoffice.ledger"
    label = "ledger"
    verbose_name = _("Receivables and ledger")

    def ready(self) -> None:
        from backoffice.core.access import (
            register_global,
            register_visibility,
            register_visibility_through,
        )
        from backoffice.core.grants import grant
        from backoffice.core.navigation import register_nav_group, register_nav_item
        from backoffice.ledger.models import (
            Account,
            JournalEntry,
            JournalLine,
            PaymentAllocation,
            Receipt,
            ReceiptAllocation,
            Receivable,
            SupplierInvoice,
            SupplierPayment,
        )
        from backoffice.ledger.selectors import (
            journal_entry_visible_to,
            receipt_visible_to,
            receivable_visible_to,
            supplier_invoice_visible_to,
            supplier_payment_visible_to,
        )
        from backoffice.ledger.services import ledger_accounts_register

        register_visibility(Receipt, receipt_visible_to)
        register_visibility(SupplierInvoice, supplier_invoice_visible_to)
        register_visibility(Receivable, receivable_visible_to)
        register_visibility(JournalEntry, journal_entry_visible_to)
        register_visibility_through(JournalLine, "entry")
        register_visibility_through(ReceiptAllocation, "receipt")
        register_visibility(SupplierPayment, supplier_payment_visible_to)
        register_visibility_through(PaymentAllocation, "payment")
        register_global(Account)
        ledger_accounts_register()
        post_migrate.connect(_accounts_after_migrate, sender=self, dispatch_uid="ledger-accounts")
        grant(
            {
                "rep": READ_LEDGER,
                "clerk": READ_LEDGER | SEE_ALL_RECEIPTS,
                "sales_manager": READ_LEDGER | SEE_ALL_RECEIPTS,
                "regional_manager": READ_LEDGER | {"ledger.view_region_receipts"},
                "general_manager": READ_LEDGER | SEE_ALL_RECEIPTS | SEE_GENERAL_LEDGER,
                "finance": READ_LEDGER | SEE_ALL_RECEIPTS | KEEP_RECEIPTS | SEE_GENERAL_LEDGER,
            }
        )
        register_nav_group("receivables", _("Receivables"), order=40)
        register_nav_item(
            "receivables",
            _("Receipts"),
            icon="payments",
            url="admin:ledger_receipt_changelist",
            permission="ledger.view_receipt",
            order=10,
        )
        register_nav_item(
            "receivables",
            _("Receivables"),
            icon="account_balance_wallet",
            url="admin:ledger_receivable_changelist",
            permission="ledger.view_receivable",
            order=20,
        )
        register_nav_item(
            "receivables",
            _("Journal"),
            icon="menu_book",
            url="admin:ledger_journalentry_changelist",
            permission="ledger.view_journalentry",
            order=50,
        )
        grant({"clerk": READ_PAYABLES, "general_manager": READ_PAYABLES, "finance": KEEP_PAYABLES})
        # Payables are recorded on purchase contracts: their entries sit in the Contracts group.
        register_nav_item(
            "contracts",
            _("Supplier invoices"),
            icon="receipt",
            url="admin:ledger_supplierinvoice_changelist",
            permission="ledger.view_supplierinvoice",
            order=40,
        )
        register_nav_item(
            "contracts",
            _("Supplier payments"),
            icon="payments",
            url="admin:ledger_supplierpayment_changelist",
            permission="ledger.view_supplierpayment",
            order=50,
        )
