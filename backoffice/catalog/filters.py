"""The query parameters of the product list (applied by `core.api.filtered`)."""

import django_filters
from django.db.models import QuerySet

from backoffice.catalog.models import Product, ProductCategory
from backoffice.catalog.selectors import product_search


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", help_text="code, name, specification or pinyin"
    )
    code = django_filters.CharFilter(help_text="exact code")
    category = django_filters.ModelChoiceFilter(
        to_field_name="code", queryset=ProductCategory.objects.all(), help_text="category code"
    )

    class Meta:
        model = Product
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return product_search(queryset, value)
