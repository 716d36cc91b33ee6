"""Tabs on a record's page listing its most recent documents of other kinds: the customer's
orders, deliveries, invoices, receivables, contracts, papers and calls, each with a link to
the full list filtered to the record.

A tab registered `eager` comes with the page (the customer's sales chart); the others are
read when the person opens them (the page fetches `record_tab_for`'s rows), so a page of
seven tabs pays for the one it shows.

The page's app may not import the apps above it (STYLE §2): the app that may read a tab's
rows registers it here, in its AppConfig.ready(). A tab's `content(record, user, limit)`
reads the rows the user may see (the model's visibility selector) in one query, and does
no arithmetic of its own: figures come from the owning app's selectors.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone


@dataclass(frozen=True)
class TabColumn:
    label: Any
    numeric: bool = False


def field_column(model: type[models.Model], name: str, *, numeric: bool = False) -> TabColumn:
    """A column headed by the field's own label, translated with its model."""
    return TabColumn(model._meta.get_field(name).verbose_name, numeric=numeric)


@dataclass(frozen=True)
class TabRow:
    cells: Sequence[Any]
    url: str = ""  # the row's page: its first cell links there


@dataclass(frozen=True)
class TabContent:
    columns: Sequence[TabColumn]
    rows: Sequence[TabRow]
    more_url: str = ""  # the full list, filtered to the record
    figures: Sequence[tuple[Any, Any]] = ()  # (label, value) above the rows
    links: Sequence[tuple[Any, str]] = ()  # further pages (label, url): the statement
    caption: Any = ""  # what the rows are, when not all of the kind (overdue invoices)
    chart: Any = ""  # a chart above the rows (core.charts), safe markup


@dataclass(frozen=True)
class RecordTab:
    key: str
    title: Any
    order: int
    permission: str  # the user sees the tab only with it
    content: Callable[[Any, Any, int], TabContent]
    eager: bool = False  # its rows come with the page; the others' when the tab is opened


@dataclass
class ShownTab:
    tab: RecordTab
    content: TabContent | None  # None: not read yet (a lazy tab, record_tab_for)
    rows: list[dict[str, Any]] = field(default_factory=list)


_tabs: dict[str, dict[str, RecordTab]] = {}


def register_record_tab(
    subject: type[models.Model],
    *,
    key: str,
    title: Any,
    order: int,
    permission: str,
    content: Callable[[Any, Any, int], TabContent],
    eager: bool = False,
) -> None:
    """`content(record, user, limit)` returns the tab's newest `limit` rows the user may see."""
    _tabs.setdefault(subject._meta.label_lower, {})[key] = RecordTab(
        key=key, title=title, order=order, permission=permission, content=content, eager=eager
    )


def record_tabs(subject: type[models.Model]) -> list[RecordTab]:
    return sorted(_tabs.get(subject._meta.label_lower, {}).values(), key=lambda t: t.order)


def record_tabs_for(
    record: models.Model, user: Any, *, limit: int = 10, lazy: bool = False
) -> list[ShownTab]:
    """The tabs of this record the user may see, each with its rows ready to show; with
    `lazy`, only the eager tabs' rows are read (the others' `content` is None)."""
    return [
        _shown(tab, record, user, limit) if tab.eager or not lazy else ShownTab(tab, None)
        for tab in record_tabs(type(record))
        if user.has_perm(tab.permission)
    ]


def record_tab_for(record: models.Model, user: Any, key: str, *, limit: int = 10) -> ShownTab:
    """One tab of the record with its rows (a lazy tab, opened); LookupError when the record
    has no such tab, PermissionError when the user may not see it."""
    tab = _tabs.get(record._meta.label_lower, {}).get(key)
    if tab is None:
        raise LookupError(key)
    if not user.has_perm(tab.permission):
        raise PermissionError(key)
    return _shown(tab, record, user, limit)


def _shown(tab: RecordTab, record: models.Model, user: Any, limit: int) -> ShownTab:
    content = tab.content(record, user, limit)
    rows = [
        {
            "url": row.url,
            "cells": [
                {"value": display_cell(value), "numeric": column.numeric}
                for value, column in zip(row.cells, content.columns, strict=True)
            ],
        }
        for row in content.rows
    ]
    return ShownTab(tab=tab, content=content, rows=rows)


def display_cell(value: Any) -> str:
    """A cell as people read it: dates as 2026-11-30, amounts with two places and
    thousands separators, nothing as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)
