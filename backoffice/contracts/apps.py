from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "backoffice.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from backoffice.contracts import services
        from backoffice.contracts.models import Contract
        from backoffice.contracts.selectors import contract_visible_to, purchase_contracts_open_to
        from backoffice.core.access import register_visibility
        from backoffice.core.jobs import register_daily_job
        from backoffice.core.timeline import register_timeline_source
        from backoffice.ledger.selectors import register_payable_source
        from backoffice.parties.models import Customer
        from backoffice.reviews.registry import register

        register_visibility(Contract, contract_visible_to)
        register_timeline_source(Customer, lambda customer: (Contract, customer.contracts.all()))
        register(
            Contract,
            label=_("Contract review"),
            levels=services.DEFAULT_REVIEW_LEVELS,
            on_approved=services.contract_approve,
            on_rejected=services.contract_return,
            amount=lambda contract: contract.amount,
            authors=lambda contract: [contract.created_by],
        )
        register_payable_source(
            visible_to=contract_visible_to,
            open_to=purchase_contracts_open_to,
            check=services.contract_supplier_invoice_check,
        )
        register_daily_job("contracts by date", services.contracts_by_date_run, order=200)
