"""Products, categories and price lists (STYLE §9). Products are saved through `product_save`."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from backoffice.accounts.tests.factories import factory_clerk
from backoffice.catalog.models import PriceList, Product, ProductCategory
from backoffice.catalog.services import product_save


class ProductCategoryFactory(DjangoModelFactory):
    class Meta:
        model = ProductCategory

    code = factory.Sequence(lambda n: f"cat-{n:03d}")
    name = factory.Sequence(lambda n: f"类别{n:03d}")


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"阿莫西林胶囊{n:03d}")
    list_price = Decimal("18.50")
    by = factory.LazyFunction(factory_clerk)

    @classmethod
    def _create(cls, model_class: type[Product], **kwargs) -> Product:
        return product_save(**kwargs)


class PriceListFactory(DjangoModelFactory):
    class Meta:
        model = PriceList

    name = factory.Sequence(lambda n: f"价目表{n:03d}")
    customer_kind = "hospital"
    region = factory.SubFactory("backoffice.accounts.tests.factories.RegionFactory")
    valid_from = date(2026, 1, 1)
