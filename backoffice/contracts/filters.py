"""The query parameters of the contract and template lists (FilterSets, applied by
`core.api.filtered` to the rows the caller may see)."""

import django_filters
from django.db.models import Q, QuerySet

from backoffice.contracts.models import Contract, ContractKind, ContractTemplate
from backoffice.core.filters import (
    IdOrCodeFilter,
    StrictBooleanFilter,
)


class ContractFilter(django_filters.FilterSet):
    counterparty = IdOrCodeFilter(help_text="customer id or code")
    kind = django_filters.ChoiceFilter(choices=Contract.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Contract.Status.choices)
    q = django_filters.CharFilter(method="filter_q", help_text="a part of the number or title")

    class Meta:
        model = Contract
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))


class TemplateFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ContractKind.choices)
    is_active = StrictBooleanFilter()

    class Meta:
        model = ContractTemplate
        fields: list[str] = []
