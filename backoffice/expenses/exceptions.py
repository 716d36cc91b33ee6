from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ApplicationError


class BudgetExceeded(ApplicationError):
    status = 409
    code = "budget_exceeded"
    default_message = _("This application is more than its budget has left.")


class CategoryInactive(ApplicationError):
    status = 409
    code = "category_inactive"
    default_message = _("This expense category is no longer in use.")


class OverApproved(ApplicationError):
    status = 409
    code = "over_approved"
    default_message = _("This spends more than was approved; it needs a new application.")


class InsufficientCash(ApplicationError):
    status = 409
    code = "insufficient_cash"
    default_message = _("This is more than the petty cash on hand.")


class PeriodLocked(ApplicationError):
    status = 409
    code = "period_locked"
    default_message = _("This month's petty cash is settled or being settled: it is locked.")
