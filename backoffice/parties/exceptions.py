from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ValidationFailed


class InvalidTaxId(ValidationFailed):
    code = "invalid_tax_id"
    default_message = _("The tax id is not a valid unified social credit code.")


class DuplicateTaxId(ValidationFailed):
    """A head office's tax id is taken: input to correct (400), like an invalid one. `extra`
    names the customer holding it (`customer`: id, code, name, label) when the user may see
    it, and never when not."""

    code = "duplicate_tax_id"
    default_message = _("Another customer already has this tax id.")


class DuplicateName(ValidationFailed):
    """A new name is already a customer's: refused until the user confirms that this is a
    separate customer (`confirm_duplicate_name`), such as a branch. `extra` lists the
    customers of that name the user may see (`customers`) and how many others exist
    (`hidden`)."""

    code = "duplicate_name"
    default_message = _("A customer with this name exists already.")


class InvalidScan(ValidationFailed):
    code = "invalid_scan"
    default_message = _("The scan must be a PDF, JPEG or PNG file.")
