"""Row-level visibility (STYLE §7).

Each aggregate has `<thing>_visible_to(user)` built on `scope_for_user`, and an
`access_<thing>(by, id)` built on `access_object`. Missing and not visible raise the same
NotFound. A registry maps each model to its visibility selector, so generic readers (the
audit trail, exports) apply the same rule without importing the domain app.

Every model declares its scope: a visibility selector (`register_visibility`, or
`register_visibility_through` for a row visible when its parent is), or, for reference data
read by everyone who may read the model at all, `register_global`. A model that declared
neither is refused by the generic readers (`visible_rows`) and by the system check
`backoffice.E010` at start-up: a forgotten declaration fails loudly, it is never served
unscoped.
"""

import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, Protocol, runtime_checkable

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, models, router
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
_global: set[str] = set()


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


def permissions_prefetch(users: Iterable[Any]) -> None:
    """Load the permissions of `users` as `has_perm` would load them one person at a time
    (ModelBackend's caches: own, through groups, all), in one query for them all: no query
    per person where a loop asks each of them. Every API request asks once: the statement
    is written here rather than built by the ORM, which took four times as long to build
    and read it as the database to answer."""
    from django.contrib.auth.models import Permission

    people = {
        user.pk: user
        for user in users
        if user.is_active and not user.is_superuser and not hasattr(user, "_perm_cache")
    }
    if not people:
        return
    alias = router.db_for_read(Permission)  # as the ORM's query of auth.Permission would
    many = connections[alias].vendor == "postgresql"  # one statement for any number of people
    statement = _permissions_statement(alias, None if many else len(people))
    found: dict[tuple[Any, int], set[str]] = defaultdict(set)
    with connections[alias].cursor() as cursor:
        cursor.execute(statement, [list(people)] * 2 if many else [*people, *people])
        for user_id, through_group, app_label, codename in cursor.fetchall():
            found[user_id, through_group].add(f"{app_label}.{codename}")
    for pk, user in people.items():
        user._user_perm_cache = found[pk, 0]
        user._group_perm_cache = found[pk, 1]
        user._perm_cache = user._user_perm_cache | user._group_perm_cache


@functools.cache
def _permissions_statement(alias: str, count: int | None) -> str:
    """The statement of `permissions_prefetch` on `alias` for `count` people, or for a list
    of them (`= ANY`, PostgreSQL: the same prepared statement whatever their number)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    quote = connections[alias].ops.quote_name
    user_model = get_user_model()

    def table(model: type[models.Model]) -> str:
        return quote(model._meta.db_table)

    def column(model: type[models.Model], field: str) -> str:
        return quote(model._meta.get_field(field).column)

    own = user_model.user_permissions.through
    member = user_model.groups.through
    granted = Group.permissions.through
    user_fk = user_model._meta.model_name  # the m2m tables' column naming the person
    people = "= ANY(%s)" if count is None else f"IN ({', '.join(['%s'] * count)})"
    names = (
        f"{table(ContentType)}.{column(ContentType, 'app_label')}, "
        f"{table(Permission)}.{column(Permission, 'codename')} FROM {table(Permission)} "
        f"JOIN {table(ContentType)} ON {table(ContentType)}.{column(ContentType, 'id')} = "
        f"{table(Permission)}.{column(Permission, 'content_type')}"
    )
    statement = (
        f"SELECT {table(own)}.{column(own, user_fk)}, 0, {names} "
        f"JOIN {table(own)} ON {table(own)}.{column(own, 'permission')} = "
        f"{table(Permission)}.{column(Permission, 'id')} "
        f"WHERE {table(own)}.{column(own, user_fk)} {people} "
        f"UNION ALL SELECT {table(member)}.{column(member, user_fk)}, 1, {names} "
        f"JOIN {table(granted)} ON {table(granted)}.{column(granted, 'permission')} = "
        f"{table(Permission)}.{column(Permission, 'id')} "
        f"JOIN {table(member)} ON {table(member)}.{column(member, 'group')} = "
        f"{table(granted)}.{column(granted, 'group')} "
        f"WHERE {table(member)}.{column(member, user_fk)} {people}"
    )
    return statement


def access_object[M: models.Model](queryset: QuerySet[M], pk: Any) -> M:
    """The row with this id from the caller's visible rows, or NotFound."""
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(extra={"id": str(pk)}) from exc


def register_visibility(model: type[models.Model], selector: VisibilitySelector) -> None:
    """`selector(user)` is every row of `model` that `user` may see."""
    label = model._meta.label_lower
    if label in _global:
        raise ImproperlyConfigured(f"{label} is declared global: it cannot have a visibility rule")
    _visibility[label] = selector


def register_visibility_through(model: type[models.Model], parent_field: str) -> None:
    """A row is visible when its parent is (a contact when its customer is, a line when its
    document is): the parent model's own rule, read from the registry when asked, so it
    follows any change to that rule."""
    parent = model._meta.get_field(parent_field).related_model

    def visible_to(user: Any) -> QuerySet:
        parents = visible_rows(parent, user)
        return model._default_manager.filter(**{f"{parent_field}__in": parents.values("pk")})

    visible_to.__doc__ = f"The rows whose {parent_field} the user may see."
    register_visibility(model, visible_to)


def register_global(*models_: type[models.Model]) -> None:
    """Reference data (products, regions, settings): whoever may read the model at all
    reads every row. Said explicitly, so no model is unscoped by omission."""
    for model in models_:
        label = model._meta.label_lower
        if label in _visibility:
            raise ImproperlyConfigured(f"{label} has a visibility rule: it cannot be global")
        _global.add(label)


def visibility_selector(label: str) -> VisibilitySelector | None:
    return _visibility.get(label.lower())


def is_global(label: str) -> bool:
    return label.lower() in _global


def has_declared_scope(model: type[models.Model]) -> bool:
    """Whether the model registered a visibility rule or was declared global (a proxy
    model takes its concrete model's declaration)."""
    labels = {model._meta.label_lower, model._meta.concrete_model._meta.label_lower}
    return any(label in _visibility or label in _global for label in labels)


def visible_rows(model: type[models.Model], user: Any) -> QuerySet:
    """The rows of `model` that `user` may see: its visibility rule, or every row of a
    global model. A model that declared neither is refused, never served unscoped."""
    for label in (model._meta.label_lower, model._meta.concrete_model._meta.label_lower):
        selector = _visibility.get(label)
        if selector is not None:
            rows = selector(user)
            if rows.model is not model:  # a proxy: the same rows, as the proxy's instances
                rows = model._default_manager.filter(pk__in=rows.values("pk"))
            return rows
        if label in _global:
            return model._default_manager.all()
    raise ImproperlyConfigured(
        f"{model._meta.label_lower} declares no scope: register its visibility "
        "(core.access.register_visibility) or declare it global (core.access.register_global)"
    )


def every_row(rows: QuerySet) -> bool:
    """Whether `rows` (a visibility rule's) are all of their model's rows, so that no
    statement need ask whether one of them is among them."""
    query = rows.query
    return not (query.where or query.is_sliced or query.combinator or query.distinct)


def restrict_to_visible[M: models.Model](queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """`queryset` (an admin's, a formset's: with its own joins and order) cut to the rows
    `user` may see (`visible_rows`)."""
    model = queryset.model
    if any(is_global(m._meta.label_lower) for m in (model, model._meta.concrete_model)):
        return queryset
    rows = visible_rows(model, user)
    if rows.query.distinct or queryset.query.distinct or rows.query.is_sliced:
        return queryset.filter(pk__in=rows.order_by().values("pk"))
    return queryset & rows


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
