"""The query parameters of the receipt and payables lists (applied by `core.api.filtered`)."""

import django_filters

from backoffice.core.filters import IdFilter, IsoDateFilter, VisibleIdFilter
from backoffice.ledger.models import Receipt, SupplierInvoice, SupplierPayment
from backoffice.ledger.selectors import access_customer, access_payable_source


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


class SupplierInvoiceFilter(django_filters.FilterSet):
    contract = VisibleIdFilter(access=access_payable_source, help_text="contract id")

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
