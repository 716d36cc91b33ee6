from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

READ_CONTRACTS = {
    "contracts.view_contract",
    "contracts.view_contractline",
    "contracts.view_contractmilestone",
    "contracts.view_contracttemplate",
}
KEEP_CONTRACTS = READ_CONTRACTS | {
    "contracts.add_contract",
    "contracts.change_contract",
    "contracts.add_contractline",
    "contracts.change_contractline",
    "contracts.delete_contractline",
    "contracts.add_contractmilestone",
    "contracts.change_contractmilestone",
    "contracts.delete_contractmilestone",
}
KEEP_TEMPLATES = {"contracts.add_contracttemplate", "contracts.change_contracttemplate"}
SEE_ALL_CONTRACTS = {"contracts.view_all_contracts"}
REVIEW_CONTRACTS = {"contracts.review_contract"}
# Issue 15 §20: signing binds the company, so a sales manager signs, not a clerk; ending an
# approved contract (cancel, terminate) is asked by its rep or a sales manager and takes
# effect once reviewed with the contract's own levels.
SIGN_CONTRACTS = {"contracts.sign_contract"}
ASK_CONTRACT_END = {"contracts.request_contract_end"}


class ContractsConfig(AppConfig):
    name = "backoffice.contracts"
    label = "contracts"
    verbose_name = _("Contracts")

    def ready(self) -> None:
        from backoffice.contracts import services
        from backoffice.contracts.models import (
            Contract,
            ContractLine,
            ContractMilestone,
            ContractTemplate,
        )
        from backoffice.contracts.selectors import contract_visible_to, purchase_contracts_open_to
        from backoffice.core.access import (
            register_global,
            register_visibility,
            register_visibility_through,
        )
        from backoffice.core.grants import grant
        from backoffice.core.jobs import register_daily_job
        from backoffice.core.navigation import register_nav_group, register_nav_item
        from backoffice.core.timeline import register_timeline_source
        from backoffice.ledger.selectors import register_payable_source
        from backoffice.parties.models import Customer
        from backoffice.reviews.registry import register
        from backoffice.reviews.reversals import register_reversal

        register_visibility(Contract, contract_visible_to)
        register_visibility_through(ContractLine, "contract")
        register_visibility_through(ContractMilestone, "contract")
        register_global(ContractTemplate)
        register_timeline_source(Customer, lambda customer: (Contract, customer.contracts.all()))
        register(
            Contract,
            label=_("Contract review"),
            levels=services.DEFAULT_REVIEW_LEVELS,
            on_approved=services.contract_approve,
            on_rejected=services.contract_return,
            amount=lambda contract: contract.amount,
            authors=lambda contract: [contract.created_by_id],
        )
        register_reversal(
            Contract,
            action="cancel",
            label=_("Cancellation of an approved contract"),
            permission="contracts.request_contract_end",
            apply=services.contract_cancel_approved,
        )
        register_reversal(
            Contract,
            action="terminate",
            label=_("Termination of a contract"),
            permission="contracts.request_contract_end",
            apply=services.contract_terminate_approved,
        )
        register_payable_source(
            visible_to=contract_visible_to,
            open_to=purchase_contracts_open_to,
            check=services.contract_supplier_invoice_check,
        )
        register_daily_job("contracts by date", services.contracts_by_date_run, order=200)
        grant(
            {
                "rep": KEEP_CONTRACTS | ASK_CONTRACT_END,
                "clerk": KEEP_CONTRACTS | KEEP_TEMPLATES | SEE_ALL_CONTRACTS,
                "sales_manager": KEEP_CONTRACTS
                | SEE_ALL_CONTRACTS
                | REVIEW_CONTRACTS
                | SIGN_CONTRACTS
                | ASK_CONTRACT_END,
                "regional_manager": READ_CONTRACTS | {"contracts.view_region_contracts"},
                "general_manager": READ_CONTRACTS | SEE_ALL_CONTRACTS | REVIEW_CONTRACTS,
                "finance": READ_CONTRACTS | SEE_ALL_CONTRACTS,
            }
        )
        register_nav_group("contracts", _("Contracts"), order=30)
        register_nav_item(
            "contracts",
            _("Contract ledger"),
            icon="contract",
            url="admin:contracts_contract_changelist",
            permission="contracts.view_contract",
            order=10,
        )
        register_nav_item(
            "contracts",
            _("Contract templates"),
            icon="description",
            url="admin:contracts_contracttemplate_changelist",
            permission="contracts.change_contracttemplate",
            order=30,
        )
