"""Roles in code: role code → the permissions that role has (STYLE §7).

`manage.py sync_roles` (and every `migrate`) makes each role's group hold exactly these
permissions. Domain apps add their codenames here as they arrive. Role codes are stable:
scripts, the API and the demo data refer to them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    permissions: frozenset[str]  # "app_label.codename"; "*" means every permission


READ_ORGANISATION = {"accounts.view_region", "accounts.view_department"}
SEE_PEOPLE_AND_HISTORY = {"accounts.view_user", "audit.view_auditevent"}

ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role("rep", _("Sales rep"), frozenset(READ_ORGANISATION)),
        Role(
            "clerk", _("Back-office clerk"), frozenset(READ_ORGANISATION | SEE_PEOPLE_AND_HISTORY)
        ),
        Role(
            "sales_manager",
            _("Sales manager"),
            frozenset(READ_ORGANISATION | SEE_PEOPLE_AND_HISTORY),
        ),
        Role(
            "regional_manager",
            _("Regional manager"),
            frozenset(READ_ORGANISATION | SEE_PEOPLE_AND_HISTORY),
        ),
        Role(
            "general_manager",
            _("General manager"),
            frozenset(READ_ORGANISATION | SEE_PEOPLE_AND_HISTORY),
        ),
        Role("finance", _("Finance"), frozenset(READ_ORGANISATION | SEE_PEOPLE_AND_HISTORY)),
        Role("warehouse", _("Warehouse / logistics"), frozenset(READ_ORGANISATION)),
        Role("admin", _("Administrator"), frozenset({"*"})),
    ]
}


def role_label(code: str) -> str:
    role = ROLES.get(code)
    return str(role.label) if role else code
