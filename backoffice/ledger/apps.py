from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _accounts_after_migrate(sender, using, **kwargs) -> None:
    from backoffice.ledger.services import accounts_sync

    accounts_sync(using=using)


class LedgerConfig(AppConfig):
    name = "backoffice.ledger"
    label = "ledger"
    verbose_name = _("Receivables and ledger")

    def ready(self) -> None:
        from backoffice.core.access import register_visibility
        from backoffice.ledger.models import Receipt, SupplierInvoice
        from backoffice.ledger.selectors import receipt_visible_to, supplier_invoice_visible_to
        from backoffice.ledger.services import ledger_accounts_register

        register_visibility(Receipt, receipt_visible_to)
        register_visibility(SupplierInvoice, supplier_invoice_visible_to)
        ledger_accounts_register()
        post_migrate.connect(_accounts_after_migrate, sender=self, dispatch_uid="ledger-accounts")
