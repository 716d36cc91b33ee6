"""The report pack's refusals."""

from django.utils.translation import gettext_lazy

from backoffice.core.exceptions import ApplicationError


class PackNotSignable(ApplicationError):
    code = "pack_not_signable"
    default_message = gettext_lazy("Only monthly, quarterly and annual packs are signed off.")


class PackSignedOff(ApplicationError):
    code = "pack_signed_off"
    default_message = gettext_lazy("This pack is signed off already.")
