"""The query parameters of the organisation lists (applied by `core.api.filtered`)."""

import django_filters
from django.contrib.auth.models import Group

from backoffice.accounts.models import Department, Region, User
from backoffice.core.filters import StrictBooleanFilter


class RegionFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(help_text="exact code")
    is_active = StrictBooleanFilter()

    class Meta:
        model = Region
        fields: list[str] = []


class DepartmentFilter(RegionFilter):
    class Meta:
        model = Department
        fields: list[str] = []


class UserFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(help_text="exact username")
    # Roles are groups named by their codes (accounts/roles.py).
    role = django_filters.ModelChoiceFilter(
        field_name="groups",
        to_field_name="name",
        queryset=Group.objects.all(),
        help_text="role code",
    )
    region = django_filters.ModelChoiceFilter(
        field_name="regions",
        to_field_name="code",
        queryset=Region.objects.all(),
        help_text="region code",
    )

    class Meta:
        model = User
        fields: list[str] = []
