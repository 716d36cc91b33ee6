"""Permissions in one query: Django's ModelBackend reads a person's own permissions and
those of their groups in two queries, the first time each request asks (every API request
does, through the services' permission checks)."""

from typing import Any

from backoffice.core.access import permissions_prefetch


class PermissionsInOneQueryBackend:
    """Listed before ModelBackend: fills ModelBackend's permission caches for the user in
    one query, so that ModelBackend answers from them. Grants nothing and logs nobody in
    itself; ModelBackend keeps deciding, with the same permissions. (Not a BaseBackend: a
    backend with `get_user` is one a session may name as the one that logged in.)"""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is None:
            permissions_prefetch([user_obj])
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        self.get_all_permissions(user_obj, obj)
        return False
