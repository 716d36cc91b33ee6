"""The staff UI's sidebar as Unfold renders it: groups, items, links and the permission
each item asks for, in order (sidebar_expected.json holds the sidebar as it was before the
apps registered their own entries)."""

import json
from pathlib import Path

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

EXPECTED = Path(__file__).with_name("sidebar_expected.json")


class _Probe:
    """A user who may do anything and remembers what they were asked."""

    is_authenticated = is_active = is_staff = is_superuser = True
    pk = None

    def __init__(self) -> None:
        self.asked: list[str] = []

    def has_perm(self, perm: str, obj=None) -> bool:
        self.asked.append(perm)
        return True


def _sidebar(path: str = "/") -> list[dict]:
    request = RequestFactory().get(path)
    request.user = _Probe()
    return admin.site.get_sidebar_list(request)


def _permission(item: dict) -> str | None:
    check = item.get("permission")
    if check is None:
        return None
    request = RequestFactory().get("/")
    request.user = _Probe()
    assert check(request) is True
    (asked,) = request.user.asked
    return asked


def _shape(groups: list[dict]) -> list[dict]:
    return [
        {
            "title": str(group["title"]),
            **({"collapsible": True} if group.get("collapsible") else {}),
            "items": [
                {
                    "title": str(item["title"]),
                    "icon": item["icon"],
                    "link": str(item["link"]),
                    "permission": _permission(item),
                    **({"badge": item["badge"]} if "badge" in item else {}),
                }
                for item in group["items"]
                if "/testapp/" not in str(item["link"])
            ],
        }
        for group in groups
        if any("/testapp/" not in str(item["link"]) for item in group["items"])
    ]


def test_the_sidebar_is_the_one_the_apps_had_before_they_registered_it():
    with translation.override("en"):
        assert _shape(_sidebar()) == json.loads(EXPECTED.read_text())


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/reviews/reviewrequest/", {"All reviews"}),
        ("/reviews/reviewrequest/pending/", {"My reviews"}),
        ("/sales/delivery/", {"Deliveries"}),
    ],
)
def test_the_item_of_the_page_is_active(path, active):
    with translation.override("en"):
        groups = _sidebar(path)
    assert {str(i["title"]) for g in groups for i in g["items"] if i["active"]} == active
