from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from backoffice.catalog.models import PriceList, PriceListItem, Product, ProductCategory
from backoffice.catalog.selectors import product_search
from backoffice.catalog.services import PRODUCT_FIELDS, product_save
from backoffice.core.admin import BaseModelAdmin


@admin.register(ProductCategory)
class ProductCategoryAdmin(BaseModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Product)
class ProductAdmin(BaseModelAdmin):
    list_display = [
        "code",
        "name",
        "specification",
        "unit",
        "category",
        "vat_rate",
        "list_price",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["is_active", "category"]
    search_fields = ["code", "name", "name_pinyin", "name_initials", "specification"]
    search_help_text = _("Code, name, specification or pinyin")
    fields = [
        "code",
        "name",
        "specification",
        "unit",
        "manufacturer",
        "approval_number",
        "category",
        "vat_rate",
        "list_price",
        "is_active",
    ]

    def get_search_results(self, request, queryset, search_term):
        return product_search(queryset, search_term), False

    def save_model(self, request, obj, form, change) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k in PRODUCT_FIELDS}
        saved = product_save(by=request.user, product=obj if change else None, **data)
        obj.pk = saved.pk


class PriceListItemInline(TabularInline):
    model = PriceListItem
    extra = 1
    autocomplete_fields = ["product"]


@admin.register(PriceList)
class PriceListAdmin(BaseModelAdmin):
    list_display = ["name", "customer_kind", "region", "valid_from", "valid_to", "is_active"]
    list_filter = ["is_active", "customer_kind", "region"]
    search_fields = ["name"]
    inlines = [PriceListItemInline]
