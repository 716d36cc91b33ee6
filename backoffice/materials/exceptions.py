from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ApplicationError


class InsufficientStock(ApplicationError):
    status = 409
    code = "insufficient_stock"
    default_message = _("There is not enough of this in stock.")


class StocktakeInProgress(ApplicationError):
    status = 409
    code = "stocktake_in_progress"
    default_message = _("This location is being counted: nothing moves until it is approved.")
