"""Which permissions each role holds. The roles themselves (codes, labels) are defined in
`accounts/roles.py`; each app grants its own codenames to them, in its AppConfig.ready(),
so that a new app never edits a central list. `manage.py sync_roles` applies the sum."""

from collections.abc import Iterable, Mapping

_grants: dict[str, set[str]] = {}


def grant(roles: Mapping[str, Iterable[str]]) -> None:
    """Give each role ("clerk") these permissions ("app_label.codename"), in addition to what
    other apps give it."""
    for role, codenames in roles.items():
        _grants.setdefault(role, set()).update(codenames)


def granted(role: str) -> frozenset[str]:
    return frozenset(_grants.get(role, ()))


def granted_roles() -> set[str]:
    return set(_grants)
