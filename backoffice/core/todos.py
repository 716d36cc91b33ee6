"""What waits for a user, on the dashboard. The dashboard may not know every app (reports
sits on top, and new apps keep coming), so each app registers its to-dos here, in its
AppConfig.ready(); the dashboard shows, in order, those the user may see."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    since: datetime | None = None  # the dashboard shows how long it has waited


@dataclass(frozen=True)
class _Registered:
    order: int
    permission: str | None
    count: Callable[[Any], int] | None
    label: Any
    url: str
    query: str
    items: Callable[[Any], Iterable[Todo]] | None


_todos: dict[str, _Registered] = {}


def register_todo(
    key: str,
    *,
    order: int,
    permission: str | None = None,
    count: Callable[[Any], int] | None = None,
    label: Any = None,
    url: str = "",
    query: str = "",
    items: Callable[[Any], Iterable[Todo]] | None = None,
) -> None:
    """Register one kind of to-do, in one of two shapes:
    - a count: `count(user)` records wait; when there are any, one line `label % n` (an
      `ngettext_lazy` given no number) links to the URL named `url`, with `query`;
    - a list: `items(user)` gives one `Todo` per record (a few, the oldest first).
    Only users with `permission` see it, and nothing is counted for the others. To-dos show
    by `order`, lowest first."""
    if (count is None) == (items is None):
        raise ValueError(f"to-do {key!r}: give either count= (with label= and url=) or items=")
    if count is not None and (label is None or not url):
        raise ValueError(f"to-do {key!r}: a count needs its label= and url=")
    _todos[key] = _Registered(order, permission, count, label, url, query, items)


def todos_for(user: Any, *, known: Mapping[str, int] | None = None) -> list[Todo]:
    """The user's to-dos, in order. `known` gives counts the page has already computed
    (the dashboard's tiles count overdue invoices too), by to-do key, so none runs twice."""
    known = known or {}
    todos: list[Todo] = []
    for key, todo in sorted(_todos.items(), key=lambda item: item[1].order):
        if todo.permission and not user.has_perm(todo.permission):
            continue
        if todo.items is not None:
            todos.extend(todo.items(user))
        elif todo.count is not None and (count := known[key] if key in known else todo.count(user)):
            url = reverse(todo.url) + (f"?{todo.query}" if todo.query else "")
            todos.append(Todo(title=str(todo.label % count), url=url))
    return todos
