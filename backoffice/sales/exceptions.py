from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ApplicationError, ValidationFailed


class QualificationBlocked(ApplicationError):
    status = 409
    code = "qualification_blocked"
    default_message = _("The customer's qualification papers do not allow trade.")


class CreditLimitExceeded(ApplicationError):
    status = 409
    code = "credit_limit_exceeded"
    default_message = _("This order would take the customer over the credit limit.")


class EmptyOrder(ValidationFailed):
    code = "empty_order"
    default_message = _("An order needs at least one line.")


class OrderHasDeliveries(ApplicationError):
    status = 409
    code = "order_has_deliveries"
    default_message = _("Goods have been delivered on this order; it cannot be cancelled.")


class OverDelivery(ApplicationError):
    status = 409
    code = "over_delivery"
    default_message = _("More would be delivered than remains on the order.")


class OrderNotDeliverable(ApplicationError):
    status = 409
    code = "order_not_deliverable"
    default_message = _("Only an approved order can be delivered.")


class InvoiceMismatch(ApplicationError):
    status = 409
    code = "invoice_mismatch"
    default_message = _("The invoice differs from the order; give the reason to go on.")


class OverInvoicing(ApplicationError):
    status = 409
    code = "over_invoicing"
    default_message = _("More would be invoiced than was delivered; give the reason to go on.")


class InvalidVatInvoiceNumber(ValidationFailed):
    code = "invalid_vat_invoice_number"
    default_message = _(
        "A paper VAT invoice has a code of 10 or 12 digits and a number of 8 digits; a "
        "fully-digital e-invoice has a number of 20 digits and no code."
    )


class ReturnOfInvoicedGoods(ApplicationError):
    status = 409
    code = "return_of_invoiced_goods"
    default_message = _("These goods are invoiced; reverse the invoice before taking them back.")


class AddressOfAnotherCustomer(ValidationFailed):
    code = "address_of_another_customer"
    default_message = _("The ship-to address must be one of the customer's delivery addresses.")


class OrdersOfSeveralCustomers(ValidationFailed):
    code = "orders_of_several_customers"
    default_message = _(
        "One invoice request can merge orders of one customer only; request the others separately."
    )
