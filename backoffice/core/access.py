"""Row-level visibility (STYLE §7).

Each aggregate has `<thing>_visible_to(user)` built on `scope_for_user`, and an
`access_<thing>(by, id)` built on `access_object`. Missing and not visible raise the same
NotFound. A registry maps each model to its visibility selector, so generic readers (the
audit trail, exports) apply the same rule without importing the domain app.
"""

import functools
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from django.db import models
from django.db.models import QuerySet

from backoffice.core.exceptions import NotAllowed, NotFound

VisibilitySelector = Callable[[Any], QuerySet]


@runtime_checkable
class Actor(Protocol):
    """Who acts in a service (`by`): a person (`accounts.User`), or `COMPANY` for documents
    computed for the company as a whole. Typed as a protocol because `core` and `audit` sit
    below `accounts`; `None`, where a signature allows it, is the system (daily jobs)."""

    pk: Any
    is_active: bool

    def has_perm(self, perm: str, obj: Any = None) -> bool: ...


_visibility: dict[str, VisibilitySelector] = {}


def scope_for_user[M: models.Model](
    queryset: QuerySet[M],
    user: Any,
    *,
    all_perm: str,
    region_perm: str,
    owner_field: str = "owner",
    region_field: str = "region",
) -> QuerySet[M]:
    """All rows for `all_perm`; the user's regions for `region_perm`; else the user's own."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.has_perm(all_perm):
        return queryset
    if user.has_perm(region_perm):
        return queryset.filter(**{f"{region_field}__in": user.regions.all()})
    return queryset.filter(**{owner_field: user})


def access_object[M: models.Model](queryset: QuerySet[M], pk: Any) -> M:
    """The row with this id from the caller's visible rows, or NotFound."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(extra={"id": str(pk)}) from exc


def register_visibility(model: type[models.Model], selector: VisibilitySelector) -> None:
    _visibility[model._meta.label_lower] = selector


def visibility_selector(label: str) -> VisibilitySelector | None:
    return _visibility.get(label.lower())


def require_perm(user: Any, codename: str) -> None:
    """Raise NotAllowed unless `user` has `codename` ("app_label.codename")."""
    if user is None or not user.has_perm(codename):
        raise NotAllowed(extra={"permission": codename})


# Every service guarded by `permission_required`, by its dotted name: the test that walks
# them all, and the staff UI's steps, read the permission from here (decision 0005).
guarded_services: dict[str, Callable[..., Any]] = {}


def permission_required[**P, R](codename: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A service's own permission check (decision 0005): the acting user `by` must have
    `codename`, checked before anything else, whichever path called the service (staff UI,
    API, import, daily job). The codename is kept on the function as `.permission`."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            require_perm(kwargs.get("by"), codename)
            return service(*args, **kwargs)

        checked.permission = codename  # type: ignore[attr-defined]
        guarded_services[f"{service.__module__}.{service.__qualname__}"] = checked
        return checked

    return decorate


def service_permission(service: Callable[..., Any]) -> str | None:
    """The permission a service checks for itself, if it is guarded."""
    return getattr(service, "permission", None)


class _Company:
    """The company as a whole, for documents computed for it rather than for one person
    (the managers' report pack): every visibility rule lets it see everything."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True

    def __str__(self) -> str:
        return "company"


COMPANY = _Company()
