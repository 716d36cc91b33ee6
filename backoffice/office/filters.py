"""The query parameters of the office's lists (FilterSets, applied by `core.api.filtered`
to the rows the caller may see)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from backoffice.core.filters import IdFilter, IdOrCodeFilter, IsoDateFilter, StrictBooleanFilter
from backoffice.office.models import Carrier, CarrierBill, MailItem


class CarrierFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Carrier.Status.choices)
    code = django_filters.CharFilter(help_text="exact code")

    class Meta:
        model = Carrier
        fields: list[str] = []


class MailFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", help_text="number, tracking number, counterparty or address"
    )
    direction = django_filters.ChoiceFilter(choices=MailItem.Direction.choices)
    kind = django_filters.ChoiceFilter(choices=MailItem.Kind.choices)
    status = django_filters.ChoiceFilter(choices=MailItem.Status.choices)
    carrier = IdOrCodeFilter(help_text="carrier id or code")
    customer = IdFilter(field_name="customer_id")
    tracking_number = django_filters.CharFilter(help_text="exact tracking number")
    shipped_from = IsoDateFilter(field_name="shipped_on", lookup_expr="gte")
    shipped_to = IsoDateFilter(field_name="shipped_on", lookup_expr="lte")
    overdue = StrictBooleanFilter(
        method="filter_overdue", help_text="true: sent, not delivered, past the promised date"
    )

    class Meta:
        model = MailItem
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(number__icontains=value)
            | Q(tracking_number__icontains=value)
            | Q(counterparty__icontains=value)
            | Q(address__icontains=value)
        )

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        overdue = Q(
            status__in=MailItem.OPEN_STATUSES,
            direction=MailItem.Direction.OUT,
            promised_on__lt=timezone.localdate(),
        )
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class BillFilter(django_filters.FilterSet):
    carrier = IdOrCodeFilter(help_text="carrier id or code")
    status = django_filters.ChoiceFilter(choices=CarrierBill.Status.choices)

    class Meta:
        model = CarrierBill
        fields: list[str] = []
