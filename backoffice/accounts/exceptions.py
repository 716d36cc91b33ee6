from django.utils.translation import gettext_lazy as _

from backoffice.core.exceptions import ApplicationError, ValidationFailed


class UnknownRole(ValidationFailed):
    code = "unknown_role"
    default_message = _("Unknown role.")


class UnknownRegion(ValidationFailed):
    code = "unknown_region"
    default_message = _("Unknown region.")


class DuplicateUser(ApplicationError):
    status = 409
    code = "duplicate_user"
    default_message = _("A user with this username already exists.")


class RolePermissionMissing(ApplicationError):
    status = 500
    code = "role_permission_missing"
    default_message = _("A role refers to a permission that does not exist.")
