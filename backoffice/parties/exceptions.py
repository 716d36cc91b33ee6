from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ApplicationError, ValidationFailed


class InvalidTaxId(ValidationFailed):
    code = "invalid_tax_id"
    default_message = _("The tax id is not a valid unified social credit code.")


class DuplicateTaxId(ApplicationError):
    status = 409
    code = "duplicate_tax_id"
    default_message = _("Another customer already has this tax id.")


class InvalidScan(ValidationFailed):
    code = "invalid_scan"
    default_message = _("The scan must be a PDF, JPEG or PNG file.")
