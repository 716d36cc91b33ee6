"""The staff UI's sidebar. Each app registers its group and its items here, in its
AppConfig.ready() (an app may add items to another app's group: the reports add theirs
under Sales, Contracts and Receivables); `config/unfold.py` hands `sidebar_navigation` to
Unfold, which calls it on every page and shows each item only to users with its permission."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class _Group:
    title: Any
    order: int
    collapsible: bool


@dataclass(frozen=True)
class _Item:
    group: str
    title: Any
    icon: str
    url: str
    permission: str | None
    order: int
    badge: str | None
    active: Callable[[HttpRequest], bool] | None


_groups: dict[str, _Group] = {}
_items: dict[tuple[str, str], _Item] = {}


def register_nav_group(key: str, title: Any, *, order: int, collapsible: bool = True) -> None:
    """A sidebar group; groups show by `order`, lowest first."""
    _groups[key] = _Group(title, order, collapsible)


def register_nav_item(
    group: str,
    title: Any,
    *,
    icon: str,
    url: str,
    order: int,
    permission: str | None = None,
    badge: str | None = None,
    active: Callable[[HttpRequest], bool] | None = None,
) -> None:
    """An item of `group`, linking to the URL named `url`, shown to users with `permission`
    ("app_label.codename"; none: everyone), by `order` within its group. `icon` is a Material
    Symbols name; `badge` the dotted path of a function(request) -> str; `active`, when the
    link's prefix is not enough, says whether the page is this item's."""
    _items[(group, url)] = _Item(group, title, icon, url, permission, order, badge, active)


def _allowed(codename: str) -> Callable[[HttpRequest], bool]:
    def check(request: HttpRequest) -> bool:
        return request.user.has_perm(codename)

    return check


# Every key the sidebar's template reads, present: a key a dict lacks costs the template a
# failed attribute lookup and a dir() of the dict (django.template.base), some two hundred a page.
_UNSET_ITEM = {"link_callback": None, "link_attrs": None, "icon_template": None}


def _entry(item: _Item) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "title": item.title,
        "icon": item.icon,
        "link": reverse(item.url),
        **_UNSET_ITEM,
    }
    if item.permission:
        entry["permission"] = _allowed(item.permission)
    if item.badge:
        entry["badge"] = item.badge
    if item.active:
        entry["active"] = item.active
    return entry


def sidebar_navigation(request: HttpRequest | None = None) -> list[dict[str, Any]]:
    """Unfold's SIDEBAR["navigation"]: the registered groups that have items, in order."""
    unknown = sorted({item.group for item in _items.values()} - _groups.keys())
    if unknown:
        raise ImproperlyConfigured(f"sidebar items name unregistered groups: {unknown}")
    navigation = []
    for key, group in sorted(_groups.items(), key=lambda pair: pair[1].order):
        items = sorted((i for i in _items.values() if i.group == key), key=lambda i: i.order)
        if not items:
            continue
        navigation.append(
            {
                "title": group.title,
                "collapsible": group.collapsible,
                "separator": False,
                "items": [_entry(item) for item in items],
            }
        )
    return navigation
