"""Columns of a list page that another app fills: the revenue trend on the customer and
product lists (issue 16), which parties and catalog may not compute (STYLE §2). The app that
may read the figures registers the column here, in its AppConfig.ready(); BaseModelAdmin
shows it to users with its permission, and the list reads each column's values for the
whole page at once (`values(objects, user)` → {pk: cell}), never row by row."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class ListColumn:
    key: str
    title: Any
    permission: str
    values: Callable[[list, Any], dict[Any, Any]]
    display: Callable[[Any], Any]  # what list_display calls with a row


_columns: dict[str, list[ListColumn]] = {}


def register_list_column(
    model: type[models.Model],
    *,
    key: str,
    title: Any,
    permission: str,
    values: Callable[[list, Any], dict[Any, Any]],
) -> None:
    def display(obj: Any) -> Any:
        return getattr(obj, "_list_columns", {}).get(key, "")

    display.short_description = title  # type: ignore[attr-defined]
    display.__name__ = f"list_column_{key}"
    columns = _columns.setdefault(model._meta.label_lower, [])
    columns[:] = [c for c in columns if c.key != key]
    columns.append(ListColumn(key, title, permission, values, display))


def list_columns_for(model: type[models.Model], user: Any) -> list[ListColumn]:
    return [c for c in _columns.get(model._meta.label_lower, []) if user.has_perm(c.permission)]


def list_columns_fill(model: type[models.Model], objects: list, user: Any) -> None:
    """Each row of a page gets its registered columns' cells, one call per column."""
    for column in list_columns_for(model, user):
        cells = column.values(objects, user) if objects else {}
        for obj in objects:
            obj.__dict__.setdefault("_list_columns", {})[column.key] = cells.get(obj.pk, "")
