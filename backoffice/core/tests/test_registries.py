"""The registries that let an app plug into the dashboard, the sidebar and the roles from
its own apps.py (core/todos.py, core/navigation.py, core/grants.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import ngettext_lazy

from backoffice.accounts.roles import ROLES
from backoffice.core import grants, navigation, todos


@pytest.fixture
def empty(monkeypatch):
    """Registries of this test's own, so that the apps' entries stay as they are."""
    monkeypatch.setattr(todos, "_todos", {})
    monkeypatch.setattr(navigation, "_groups", {})
    monkeypatch.setattr(navigation, "_items", {})
    monkeypatch.setattr(grants, "_grants", {k: set(v) for k, v in grants._grants.items()})


class _User:
    def __init__(self, *perms: str) -> None:
        self.perms = set(perms)

    def has_perm(self, perm: str, obj=None) -> bool:
        return perm in self.perms


def test_a_todo_is_a_count_or_a_list_never_both_nor_neither(empty):
    with pytest.raises(ValueError, match="either"):
        todos.register_todo("x", order=1)
    with pytest.raises(ValueError, match="either"):
        todos.register_todo("x", order=1, count=len, items=list)
    with pytest.raises(ValueError, match="label"):
        todos.register_todo("x", order=1, count=len, url="admin:index")


def test_todos_show_in_order_to_those_with_the_permission_and_known_counts_are_not_rerun(empty):
    counted = []

    def count(user) -> int:
        counted.append(user)
        return 3

    label = ngettext_lazy("%d thing waits", "%d things wait")
    todos.register_todo("b", order=20, count=count, label=label, url="admin:index", query="q=1")
    todos.register_todo("a", order=10, items=lambda user: [todos.Todo(title="first", url="/a/")])
    todos.register_todo(
        "c", order=30, permission="app.see_c", count=count, label=label, url="admin:index"
    )
    todos.register_todo("d", order=40, count=lambda user: 0, label=label, url="admin:index")

    user = _User()
    assert [(t.title, t.url) for t in todos.todos_for(user)] == [
        ("first", "/a/"),
        ("3 things wait", "/?q=1"),
    ]
    assert counted == [user]  # not counted for c, which the user may not see
    allowed = _User("app.see_c")
    titles = [t.title for t in todos.todos_for(allowed, known={"b": 1})]
    assert titles == ["first", "1 thing waits", "3 things wait"]
    assert counted == [user, allowed]  # b came from `known`


def test_the_sidebar_orders_groups_and_items_and_skips_empty_groups(empty, rf):
    navigation.register_nav_group("late", "Late", order=20)
    navigation.register_nav_group("early", "Early", order=10, collapsible=False)
    navigation.register_nav_group("empty", "Empty", order=15)
    navigation.register_nav_item("late", "Two", icon="b", url="admin:index", order=2)
    navigation.register_nav_item(
        "early", "One", icon="a", url="api-docs", order=1, permission="app.see_one"
    )
    built = navigation.sidebar_navigation(rf.get("/"))
    assert [(g["title"], g["collapsible"]) for g in built] == [("Early", False), ("Late", True)]
    item = built[0]["items"][0]
    request = rf.get("/")
    request.user = _User("app.see_one")
    assert (item["title"], item["link"], item["permission"](request)) == ("One", "/api/docs/", True)
    request.user = _User()
    assert item["permission"](request) is False
    assert "permission" not in built[1]["items"][0]


def test_an_item_in_an_unregistered_group_is_a_configuration_error(empty, rf):
    navigation.register_nav_item("nowhere", "Lost", icon="a", url="admin:index", order=1)
    with pytest.raises(ImproperlyConfigured, match="nowhere"):
        navigation.sidebar_navigation(rf.get("/"))


def test_grants_add_up_and_a_grant_to_an_unknown_role_is_a_configuration_error(empty):
    grants.grant({"rep": {"app.one"}})
    grants.grant({"rep": {"app.two"}})
    assert {"app.one", "app.two"} <= ROLES["rep"].permissions
    assert ROLES["admin"].permissions == {"*"}
    grants.grant({"astronaut": {"app.one"}})
    with pytest.raises(ImproperlyConfigured, match="astronaut"):
        ROLES["rep"].permissions  # noqa: B018 - reading it is the check
