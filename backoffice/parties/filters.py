"""The query parameters of the customer file's lists (FilterSets, applied by
`core.api.filtered` to the rows the caller may see)."""

import django_filters
from django.db.models import QuerySet

from backoffice.core.filters import (
    IdOrCodeFilter,
    IsoDateFilter,
    StrictBooleanFilter,
    VisibleIdFilter,
)
from backoffice.parties.models import (
    CallRecord,
    Contact,
    Customer,
    CustomerTermsChange,
    Feedback,
    Qualification,
    QualificationType,
    Visit,
)
from backoffice.parties.selectors import access_customer, customer_search


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", help_text="name, code, tax id, phone or pinyin"
    )
    code = django_filters.CharFilter(help_text="exact code")
    region = IdOrCodeFilter(help_text="region id or code")
    owner = IdOrCodeFilter(code_field="username", help_text="owner id or username")
    kind = django_filters.ChoiceFilter(choices=Customer.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Customer.Status.choices)

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return customer_search(queryset, value)


class ContactFilter(django_filters.FilterSet):
    is_primary = StrictBooleanFilter()

    class Meta:
        model = Contact
        fields: list[str] = []


class QualificationFilter(django_filters.FilterSet):
    type = django_filters.ModelChoiceFilter(
        field_name="qualification_type",
        to_field_name="code",
        queryset=QualificationType.objects.all(),
        help_text="paper type code",
    )
    status = django_filters.ChoiceFilter(choices=Qualification.Status.choices)

    class Meta:
        model = Qualification
        fields: list[str] = []


class CallFilter(django_filters.FilterSet):
    customer = VisibleIdFilter(access=access_customer, help_text="customer id")

    class Meta:
        model = CallRecord
        fields: list[str] = []


class VisitFilter(django_filters.FilterSet):
    customer = VisibleIdFilter(access=access_customer, help_text="customer id")
    date_from = IsoDateFilter(
        field_name="visited_on", lookup_expr="gte", help_text="visited on or after"
    )
    date_to = IsoDateFilter(
        field_name="visited_on", lookup_expr="lte", help_text="visited on or before"
    )

    class Meta:
        model = Visit
        fields: list[str] = []


class FeedbackFilter(django_filters.FilterSet):
    customer = VisibleIdFilter(access=access_customer, help_text="customer id")
    status = django_filters.ChoiceFilter(choices=Feedback.Status.choices)

    class Meta:
        model = Feedback
        fields: list[str] = []


class TermsChangeFilter(django_filters.FilterSet):
    """A customer's terms changes (the customer is the URL's): by state and the local day
    they were asked."""

    status = django_filters.ChoiceFilter(choices=CustomerTermsChange.State.choices)
    date_from = IsoDateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text="asked on or after"
    )
    date_to = IsoDateFilter(
        field_name="created_at", lookup_expr="date__lte", help_text="asked on or before"
    )

    class Meta:
        model = CustomerTermsChange
        fields: list[str] = []
