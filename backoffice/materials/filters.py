"""The query parameters of the materials lists (FilterSets, applied by `core.api.filtered`
to the rows the caller may see)."""

import django_filters
from django.db.models import Q, QuerySet

from backoffice.core.filters import IdFilter, IdOrCodeFilter, IsoDateFilter, StrictBooleanFilter
from backoffice.materials.models import (
    IssueRequest,
    Location,
    MaterialItem,
    StockBalance,
    StockReceipt,
    Stocktake,
    StockTransfer,
)
from backoffice.materials.selectors import item_search, overdue_filter


class ItemFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", help_text="code, name, specification or pinyin"
    )
    code = django_filters.CharFilter(help_text="exact code")
    kind = django_filters.ChoiceFilter(choices=MaterialItem.Kind.choices)
    is_active = StrictBooleanFilter()

    class Meta:
        model = MaterialItem
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return item_search(queryset, value)


class LocationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Location.Kind.choices)
    holder = IdFilter(field_name="holder_id", help_text="the rep's user id (their bag)")
    is_active = StrictBooleanFilter()

    class Meta:
        model = Location
        fields: list[str] = []


class StockFilter(django_filters.FilterSet):
    item = IdOrCodeFilter(help_text="item id or code")
    location = IdOrCodeFilter(help_text="location id or code")
    expires_before = IsoDateFilter(field_name="expires_on", lookup_expr="lte")
    empty = StrictBooleanFilter(
        method="filter_empty", help_text="true: also the batches with nothing left"
    )

    class Meta:
        model = StockBalance
        fields: list[str] = []

    def filter_empty(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset if value else queryset.filter(quantity__gt=0)


class ReceiptFilter(django_filters.FilterSet):
    location = IdOrCodeFilter(help_text="location id or code")
    received_from = IsoDateFilter(field_name="received_on", lookup_expr="gte")
    received_to = IsoDateFilter(field_name="received_on", lookup_expr="lte")

    class Meta:
        model = StockReceipt
        fields: list[str] = []


class TransferFilter(django_filters.FilterSet):
    from_location = IdOrCodeFilter(help_text="location id or code it left")
    to_location = IdOrCodeFilter(help_text="location id or code it went to")
    moved_from = IsoDateFilter(field_name="moved_on", lookup_expr="gte")
    moved_to = IsoDateFilter(field_name="moved_on", lookup_expr="lte")

    class Meta:
        model = StockTransfer
        fields: list[str] = []


class IssueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=IssueRequest.Status.choices)
    purpose = django_filters.ChoiceFilter(choices=IssueRequest.Purpose.choices)
    location = IdOrCodeFilter(help_text="location id or code")
    customer = IdOrCodeFilter(help_text="customer id or code")
    owner = IdFilter(field_name="owner_id", help_text="the requester's user id")
    overdue = StrictBooleanFilter(
        method="filter_overdue", help_text="true: lent samples past their due date"
    )
    q = django_filters.CharFilter(method="filter_q", help_text="a part of the number or reference")

    class Meta:
        model = IssueRequest
        fields: list[str] = []

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        overdue = IssueRequest.objects.filter(overdue_filter()).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(number__icontains=value) | Q(reference__icontains=value))


class StocktakeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Stocktake.Status.choices)
    location = IdOrCodeFilter(help_text="location id or code")

    class Meta:
        model = Stocktake
        fields: list[str] = []
