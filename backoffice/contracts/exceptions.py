from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ApplicationError, ValidationFailed


class ContractNotInForce(ApplicationError):
    status = 409
    code = "contract_not_in_force"
    default_message = _("This contract is not in force.")


class ProductNotInContract(ApplicationError):
    status = 409
    code = "product_not_in_contract"
    default_message = _("This product is not in the contract.")


class ContractExceeded(ApplicationError):
    status = 409
    code = "contract_exceeded"
    default_message = _("This would order more than the contract allows.")


class ScanRequired(ValidationFailed):
    code = "scan_required"
    default_message = _("Attach the scan of the signed contract.")


class UnknownPlaceholder(ValidationFailed):
    code = "unknown_placeholder"
    default_message = _("The template uses a placeholder that does not exist.")
