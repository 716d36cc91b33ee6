from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

READ_CATALOG = {"catalog.view_product", "catalog.view_productcategory", "catalog.view_pricelist"}
KEEP_CATALOG = {
    "catalog.add_product",
    "catalog.change_product",
    "catalog.add_productcategory",
    "catalog.change_productcategory",
    "catalog.add_pricelist",
    "catalog.change_pricelist",
    "catalog.add_pricelistitem",
    "catalog.change_pricelistitem",
    "catalog.delete_pricelistitem",
    "catalog.view_pricelistitem",
}


class CatalogConfig(AppConfig):
    name = "backoffice.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from backoffice.catalog.models import PriceList, PriceListItem, Product, ProductCategory
        from backoffice.core.access import register_global
        from backoffice.core.grants import grant
        from backoffice.core.navigation import register_nav_group, register_nav_item

        # Reference data: a price list names a region, but every rep may read every list.
        register_global(Product, ProductCategory, PriceList, PriceListItem)
        grant(
            {
                "rep": READ_CATALOG,
                "clerk": READ_CATALOG | KEEP_CATALOG,
                "sales_manager": READ_CATALOG | KEEP_CATALOG,
                "regional_manager": READ_CATALOG,
                "general_manager": READ_CATALOG,
                "finance": READ_CATALOG,
                "warehouse": READ_CATALOG,
            }
        )
        register_nav_group("catalog", _("Catalog"), order=60)
        register_nav_item(
            "catalog",
            _("Products"),
            icon="medication",
            url="admin:catalog_product_changelist",
            permission="catalog.view_product",
            order=10,
        )
        register_nav_item(
            "catalog",
            _("Price lists"),
            icon="sell",
            url="admin:catalog_pricelist_changelist",
            permission="catalog.view_pricelist",
            order=20,
        )
        register_nav_item(
            "catalog",
            _("Product categories"),
            icon="category",
            url="admin:catalog_productcategory_changelist",
            permission="catalog.change_productcategory",
            order=30,
        )
