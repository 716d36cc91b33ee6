"""The query parameters of the expense lists (FilterSets, applied by `core.api.filtered` to
the rows the caller may see)."""

import django_filters
from django.db.models import Q, QuerySet

from backoffice.core.filters import IdFilter, IdOrCodeFilter, IsoDateFilter, StrictBooleanFilter
from backoffice.expenses.models import (
    Budget,
    ExpenseApplication,
    ExpenseCategory,
    PettyCashEntry,
    PettyCashFloat,
    PettyCashSettlement,
)


class CategoryFilter(django_filters.FilterSet):
    group = django_filters.ChoiceFilter(choices=ExpenseCategory.Group.choices)
    is_active = StrictBooleanFilter()

    class Meta:
        model = ExpenseCategory
        fields: list[str] = []


class BudgetFilter(django_filters.FilterSet):
    region = IdOrCodeFilter(help_text="region id or code")
    category = IdOrCodeFilter(help_text="category id or code")
    period = django_filters.ChoiceFilter(choices=Budget.Period.choices)
    year = django_filters.NumberFilter(
        field_name="starts_on",
        lookup_expr="year",
        min_value=2000,
        max_value=2999,
        help_text="the budgets of a year",
    )

    class Meta:
        model = Budget
        fields: list[str] = []


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ExpenseApplication.Status.choices)
    region = IdOrCodeFilter(help_text="region id or code")
    category = IdOrCodeFilter(help_text="category id or code")
    customer = IdOrCodeFilter(help_text="customer id or code")
    owner = IdFilter(field_name="owner_id", help_text="the applicant's user id")
    planned_from = IsoDateFilter(field_name="planned_on", lookup_expr="gte")
    planned_to = IsoDateFilter(field_name="planned_on", lookup_expr="lte")
    q = django_filters.CharFilter(method="filter_q", help_text="a part of the number or purpose")

    class Meta:
        model = ExpenseApplication
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(number__icontains=value) | Q(purpose__icontains=value))


class FloatFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PettyCashFloat.Status.choices)
    holder = IdFilter(field_name="holder_id", help_text="the holder's user id")
    region = IdOrCodeFilter(help_text="region id or code")

    class Meta:
        model = PettyCashFloat
        fields: list[str] = []


class EntryFilter(django_filters.FilterSet):
    float = IdFilter(field_name="petty_float_id", help_text="the float's id")
    category = IdOrCodeFilter(help_text="category id or code")
    date_from = IsoDateFilter(field_name="spent_on", lookup_expr="gte")
    date_to = IsoDateFilter(field_name="spent_on", lookup_expr="lte")
    settled = StrictBooleanFilter(method="filter_settled", help_text="settled or not yet")

    class Meta:
        model = PettyCashEntry
        fields: list[str] = []

    def filter_settled(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        settled = Q(settlement__status=PettyCashSettlement.Status.SETTLED)
        return queryset.filter(settled) if value else queryset.exclude(settled)


class SettlementFilter(django_filters.FilterSet):
    float = IdFilter(field_name="petty_float_id", help_text="the float's id")
    status = django_filters.ChoiceFilter(choices=PettyCashSettlement.Status.choices)
    month = IsoDateFilter(field_name="month", help_text="the month's first day")

    class Meta:
        model = PettyCashSettlement
        fields: list[str] = []
