from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ApplicationError


class OverAllocation(ApplicationError):
    status = 409
    code = "over_allocation"
    default_message = _("More would be allocated than is outstanding or was received.")


class Unbalanced(ApplicationError):
    status = 500
    code = "unbalanced_entry"
    default_message = _("A journal entry must balance: debits equal credits.")
