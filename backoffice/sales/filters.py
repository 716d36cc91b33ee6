"""The query parameters of the sales lists (FilterSets, applied by `core.api.filtered` to the
rows the caller may see)."""

import django_filters
from django.db.models import QuerySet

from backoffice.core.filters import IdOrCodeFilter, IsoDateFilter, VisibleIdFilter
from backoffice.sales.models import Delivery, HistoryOrder, Invoice, SalesOrder
from backoffice.sales.selectors import access_order


class HistoryOrderFilter(django_filters.FilterSet):
    customer = IdOrCodeFilter(help_text="customer id or code")
    q = django_filters.CharFilter(method="filter_number", help_text="a part of the order number")

    class Meta:
        model = HistoryOrder
        fields: list[str] = []

    def filter_number(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(number__icontains=value)


class OrderFilter(HistoryOrderFilter):
    status = django_filters.ChoiceFilter(choices=SalesOrder.Status.choices)
    date_from = IsoDateFilter(
        field_name="ordered_on", lookup_expr="gte", help_text="ordered on or after"
    )
    date_to = IsoDateFilter(
        field_name="ordered_on", lookup_expr="lte", help_text="ordered on or before"
    )

    class Meta:
        model = SalesOrder
        fields: list[str] = []


class DeliveryFilter(django_filters.FilterSet):
    order = VisibleIdFilter(access=access_order, help_text="order id")
    status = django_filters.ChoiceFilter(choices=Delivery.Status.choices)

    class Meta:
        model = Delivery
        fields: list[str] = []


class InvoiceFilter(django_filters.FilterSet):
    order = VisibleIdFilter(access=access_order, help_text="order id")
    status = django_filters.ChoiceFilter(choices=Invoice.Status.choices)

    class Meta:
        model = Invoice
        fields: list[str] = []
