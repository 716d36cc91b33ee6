"""The roles (STYLE §7): each a Django group named by its stable code, with a label.

Scripts, the API and the demo data refer to roles by code. What each role may do is granted
by the apps, each for its own permissions, in its AppConfig.ready()
(`core.grants.grant`); `manage.py sync_roles` (and every `migrate`) makes each role's group
hold exactly the permissions granted to it.
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from backoffice.core.grants import granted, granted_roles


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    holds_everything: bool = False

    @property
    def permissions(self) -> frozenset[str]:
        """ "app_label.codename"s; "*" means every permission."""
        unknown = granted_roles() - ROLES.keys()
        if unknown:
            raise ImproperlyConfigured(f"permissions granted to unknown roles: {sorted(unknown)}")
        return frozenset({"*"}) if self.holds_everything else granted(self.code)


ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role("rep", _("Sales rep")),
        Role("clerk", _("Back-office clerk")),
        Role("sales_manager", _("Sales manager")),
        Role("regional_manager", _("Regional manager")),
        Role("general_manager", _("General manager")),
        Role("finance", _("Finance")),
        Role("warehouse", _("Warehouse / logistics")),
        Role("admin", _("Administrator"), holds_everything=True),
    ]
}


def role_label(code: str) -> str:
    role = ROLES.get(code)
    return str(role.label) if role else code
