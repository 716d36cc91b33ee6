"""Regions, departments and people (STYLE §9). People are onboarded through `user_create`."""

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from backoffice.accounts.models import Department, Region, User
from backoffice.accounts.services import user_create


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "north"
    name = "华北大区"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    code = factory.Sequence(lambda n: f"dept-{n:03d}")
    name = factory.Sequence(lambda n: f"部门{n:03d}")


class UserFactory(DjangoModelFactory):
    """A rep of the north by default; `role=` and `region_codes=` as `user_create` takes them."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n:03d}")
    full_name = factory.Sequence(lambda n: f"用户{n:03d}")
    role = "rep"
    region_codes = factory.LazyFunction(lambda: [RegionFactory().code])

    @classmethod
    def _create(cls, model_class: type[User], **kwargs) -> User:
        return user_create(validate_password_strength=False, **kwargs)


class RoleFactory(DjangoModelFactory):
    """A bare group; the real roles come from `sync_roles` (accounts/roles.py)."""

    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"role-{n:03d}")


def factory_clerk() -> User:
    """The clerk who keeps master data for the factories (products need `add_product`)."""
    return User.objects.filter(username="factory_clerk").first() or UserFactory(
        username="factory_clerk", role="clerk", region_codes=[]
    )
