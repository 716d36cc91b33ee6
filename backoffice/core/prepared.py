"""Hot reads whose SQL the ORM builds once per process (docs/decisions/0011).

The ORM builds a statement anew on every call: for a read with joins, a lock or an EXISTS,
that is 0.3–1 ms of Python each time, more than the database takes to answer it (issue 16:
the order's audit spent a fifth of its time there). A read of a fixed shape (the same joins,
filters, ordering and lock; only some values change) is declared once as a function that
builds its QuerySet from the values it is given. The first call on each database builds it
from stand-ins, keeps the SQL and where each stand-in went among its parameters; every call
then runs that SQL with its own values and makes the instances as iterating the QuerySet
does (Django's own ModelIterable: select_related, annotations, converters).

Only for reads whose shape never depends on a value: no `__in` of a list, no visibility
rule of a user, no condition added in Python by value. A stand-in that the ORM does not pass
through as a parameter of its own (folded into a pattern, compared out of range) is refused
when the read is first built, never guessed at.
"""

import copy
import functools
import threading
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable
from django.db.transaction import TransactionManagementError

# Within every integer field's range, and past any id, year or count a build could hold.
_INT_STAND_IN = 2_147_480_000
_STR_STAND_IN = "\ue000prepared-read-{}\ue000"


def _stand_in(kind: type, index: int) -> Any:
    if kind is int:
        return _INT_STAND_IN + index
    if kind is str:
        return _STR_STAND_IN.format(index)
    raise TypeError(f"prepared read: an argument is an int or a str, not {kind.__name__}")


class PreparedRead[M: Model]:
    """`read = PreparedRead(build, int, str)`; `read(7, "hospital")` is
    `list(build(7, "hospital"))`, with the SQL built once per database."""

    def __init__(self, build: Callable[..., QuerySet[M]], *kinds: type) -> None:
        self._build = build
        self._kinds = kinds
        self._stand_ins = [_stand_in(kind, index) for index, kind in enumerate(kinds)]
        self._template: QuerySet[M] | None = None
        self._compiled: dict[str, tuple[Any, str, list, list[tuple[int, int, type]]]] = {}
        self._lock = threading.Lock()

    def __call__(self, *values: Any) -> list[M]:
        if len(values) != len(self._kinds):
            raise TypeError(f"prepared read: {len(self._kinds)} values, {len(values)} given")
        for value, kind in zip(values, self._kinds, strict=True):
            if not isinstance(value, kind) or isinstance(value, bool):
                raise TypeError(f"prepared read: {value!r} is not a {kind.__name__}")
        template = self._template if self._template is not None else self._template_built()
        alias = template._db or (
            router.db_for_write(template.model)
            if template._for_write
            else router.db_for_read(template.model)
        )
        if template.query.select_for_update:
            connection = connections[alias]
            if connection.features.has_select_for_update and connection.get_autocommit():
                raise TransactionManagementError(  # as the ORM: a lock outlives no statement
                    "select_for_update cannot be used outside of a transaction."
                )
        compiler, sql, params, slots = self._compiled.get(alias) or self._compile(alias)
        params = list(params)
        for position, index, wrap in slots:
            params[position] = wrap(values[index])
        compiler = copy.copy(compiler)  # the call's own: threads share the kept one,
        compiler.connection = connections[alias]  # not the connection it was built on
        compiler.as_sql = lambda *args, **kwargs: (sql, tuple(params))
        queryset = SimpleNamespace(  # what Django's ModelIterable reads of its QuerySet
            db=alias,
            model=template.model,
            query=SimpleNamespace(get_compiler=lambda using=None, **kwargs: compiler),
            _fetch_mode=template._fetch_mode,
            _known_related_objects={},
        )
        return list(ModelIterable(queryset))

    def get(self, *values: Any) -> M:
        """The one instance, as QuerySet.get: DoesNotExist or MultipleObjectsReturned."""
        found = self(*values)
        if len(found) == 1:
            return found[0]
        model = self._template.model  # built by the call above
        if not found:
            raise model.DoesNotExist(f"{model._meta.object_name} matching query does not exist.")
        raise model.MultipleObjectsReturned(
            f"get() returned more than one {model._meta.object_name}: it returned {len(found)}!"
        )

    def _template_built(self) -> QuerySet[M]:
        template = self._build(*self._stand_ins)
        if template._iterable_class is not ModelIterable or template._prefetch_related_lookups:
            raise ImproperlyConfigured(
                "prepared read: instances only (no values(), no prefetch_related())"
            )
        self._template = template
        return template

    def _compile(self, alias: str) -> tuple[Any, str, list, list[tuple[int, int, type]]]:
        with self._lock:
            if alias in self._compiled:
                return self._compiled[alias]
            queryset = self._build(*self._stand_ins)
            compiler = queryset.query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            params = list(params)
            slots = []
            for index, stand_in in enumerate(self._stand_ins):
                found = [  # the ORM may wrap a value to name its type (psycopg's Int8…)
                    position
                    for position, param in enumerate(params)
                    if isinstance(param, type(stand_in)) and param == stand_in
                ]
                if not found:
                    raise ImproperlyConfigured(
                        f"prepared read: argument {index} is not a parameter of its own in "
                        f"{sql!r} ({params!r})"
                    )
                slots.extend((position, index, type(params[position])) for position in found)
            taken = {position for position, _, _ in slots}
            for position, param in enumerate(params):
                if position not in taken and any(
                    str(stand_in) in str(param) for stand_in in self._stand_ins
                ):
                    raise ImproperlyConfigured(
                        f"prepared read: a value is folded into parameter {position} of {sql!r}"
                    )
            self._compiled[alias] = (compiler, sql, params, slots)
            return self._compiled[alias]


def row_update(model: type[Model], using: str, pk: Any, values: list[tuple]) -> bool | None:
    """A saved instance's UPDATE of `values` ((field, model, value), as Model._do_update has
    them), its statement written once per model and set of columns: whether the row was
    there. None when the ORM must build it (an expression, a field placing its own value, a
    value that is another model's instance not of a relation)."""
    connection = connections[using]
    params = []
    for field, _, value in values:
        if hasattr(value, "resolve_expression") or _places_its_value(field):
            return None
        if hasattr(value, "prepare_database_save"):
            if not field.remote_field:
                return None
            value = value.prepare_database_save(field)
        params.append(field.get_db_prep_save(value, connection=connection))
    params.append(model._meta.pk.get_db_prep_value(pk, connection, prepared=False))
    statement = _update_statement(model, tuple(field.column for field, _, _ in values), using)
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount > 0


@functools.cache
def _update_statement(model: type[Model], columns: tuple[str, ...], using: str) -> str:
    quote = connections[using].ops.quote_name
    table = quote(model._meta.db_table)
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    key = f"{table}.{quote(model._meta.pk.column)}"
    return f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 - names only


def _places_its_value(field: Any) -> bool:
    """A field that writes its own SQL for its value (Django's get_placeholder_sql)."""
    return hasattr(field, "get_placeholder_sql") or hasattr(field, "get_placeholder")


def row_insert(
    model: type[Model], instance: Model, using: str, fields: list[Any], returning_fields: list[Any]
) -> list[tuple] | None:
    """A new instance's INSERT of `fields` into `model`'s table (the instance's, or a
    parent's), its statement written once per model and set of columns, as Model._do_insert
    has them: the rows of `returning_fields` (its id). None when the ORM must build it (an
    expression, a field placing its own value, anything asked back but the table's auto id,
    a database that cannot return it)."""
    meta = model._meta
    connection = connections[using]
    if returning_fields and (
        returning_fields != [meta.auto_field]
        or not connection.features.can_return_columns_from_insert
    ):
        return None
    if not fields:
        return None
    params = insert_values(instance, fields, connection)
    if params is None:
        return None
    statement = _insert_statement(
        model, tuple(field.column for field in fields), bool(returning_fields), using
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return [tuple(cursor.fetchone())] if returning_fields else []


def insert_values(instance: Model, fields: Any, connection: Any) -> list[Any] | None:
    """The values a save's INSERT gives `fields` of `instance`, as the ORM's compiler gives
    them (`pre_save`: auto_now_add; `get_db_prep_save`). None when a field places its own
    value or a value is an expression: only the ORM writes those."""
    params = []
    for field in fields:
        if _places_its_value(field):
            return None
        value = field.pre_save(instance, add=True)
        if hasattr(value, "resolve_expression"):
            return None
        params.append(field.get_db_prep_save(value, connection=connection))
    return params


@functools.cache
def insert_head(model: type[Model], columns: tuple[str, ...], using: str) -> str:
    """`INSERT INTO table (columns)` of `model`, written once."""
    quote = connections[using].ops.quote_name
    return f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))})"


@functools.cache
def _insert_statement(
    model: type[Model], columns: tuple[str, ...], returning: bool, using: str
) -> str:
    quote = connections[using].ops.quote_name
    back = f" RETURNING {quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    marks = ", ".join(["%s"] * len(columns))
    return f"{insert_head(model, columns, using)} VALUES ({marks}){back if returning else ''}"
