from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ApplicationError


class CarrierNotApproved(ApplicationError):
    status = 409
    code = "carrier_not_approved"
    default_message = _("Only an approved carrier can be chosen.")


class AlreadySettled(ApplicationError):
    status = 409
    code = "already_settled"
    default_message = _("This carrier's bill for the month is settled already.")
