"""accounts.backends: a person's permissions read in one query, with the same answers."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Group, Permission

from backoffice.accounts.models import User
from backoffice.core.access import permissions_prefetch


@pytest.fixture
def person(db):
    user = User.objects.create_user("perm_person")
    group = Group.objects.create(name="perm_group")
    group.permissions.add(Permission.objects.get(codename="view_salesorder"))
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="review_order"))
    return user


def _fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_own_and_group_permissions_in_one_query(person, django_assert_num_queries):
    user = _fresh(person)
    with django_assert_num_queries(1):
        assert user.has_perm("sales.review_order")  # own
        assert user.has_perm("sales.view_salesorder")  # through the group
        assert not user.has_perm("sales.add_salesorder")
    assert user.get_all_permissions() == ModelBackend().get_all_permissions(_fresh(person))
    assert user.get_group_permissions() == {"sales.view_salesorder"}
    assert user.get_user_permissions() == {"sales.review_order"}


@pytest.mark.django_db
def test_inactive_people_anonymous_and_superusers_read_nothing(person, django_assert_num_queries):
    person.is_active = False
    person.save()
    inactive, admin = _fresh_in([person, User.objects.create_superuser("perm_admin")])
    with django_assert_num_queries(0):
        assert not inactive.has_perm("sales.review_order")
        assert not AnonymousUser().has_perm("sales.review_order")
        assert admin.has_perm("sales.review_order")


def _fresh_in(users):
    found = User.objects.in_bulk([u.pk for u in users])
    return [found[u.pk] for u in users]


@pytest.mark.django_db
def test_many_people_in_one_query(person, django_assert_num_queries):
    others = [User.objects.create_user(f"perm_other{n}") for n in range(5)]
    people = _fresh_in([person, *others])
    with django_assert_num_queries(1):
        permissions_prefetch(people)
        assert people[0].has_perm("sales.review_order")
        assert not any(other.has_perm("sales.review_order") for other in people[1:])


@pytest.mark.django_db
def test_a_login_still_names_the_model_backend(client, person):
    person.set_password("a long passphrase 42")
    person.save()
    client.force_login(person)
    assert client.session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
