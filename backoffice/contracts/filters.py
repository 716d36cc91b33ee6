"""The query parameters of the contract and payables lists (FilterSets, applied by
`core.api.filtered` to the rows the caller may see)."""

import django_filters
from django.db.models import Q, QuerySet

from backoffice.contracts.models import (
    Contract,
    ContractKind,
    ContractTemplate,
    SupplierInvoice,
    SupplierPayment,
)
from backoffice.contracts.selectors import access_contract
from backoffice.core.filters import (
    IdFilter,
    IdOrCodeFilter,
    IsoDateFilter,
    StrictBooleanFilter,
    VisibleIdFilter,
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


class SupplierInvoiceFilter(django_filters.FilterSet):
    contract = VisibleIdFilter(access=access_contract, help_text="contract id")

    class Meta:
        model = SupplierInvoice
        fields: list[str] = []


class SupplierPaymentFilter(django_filters.FilterSet):
    supplier = IdFilter(help_text="supplier (customer) id")
    date_from = IsoDateFilter(field_name="paid_on", lookup_expr="gte", help_text="paid on or after")
    date_to = IsoDateFilter(field_name="paid_on", lookup_expr="lte", help_text="paid on or before")

    class Meta:
        model = SupplierPayment
        fields: list[str] = []
