"""The query parameters of the receipt list (applied by `core.api.filtered`)."""

import django_filters

from backoffice.core.filters import IsoDateFilter, VisibleIdFilter
from backoffice.ledger.models import Receipt
from backoffice.ledger.selectors import access_customer


class ReceiptFilter(django_filters.FilterSet):
    customer = VisibleIdFilter(access=access_customer, help_text="customer id")
    date_from = IsoDateFilter(
        field_name="received_on", lookup_expr="gte", help_text="received on or after"
    )
    date_to = IsoDateFilter(
        field_name="received_on", lookup_expr="lte", help_text="received on or before"
    )

    class Meta:
        model = Receipt
        fields: list[str] = []
