"""Materials for the read side (STYLE §9): rows as the ledger would leave them. Stock that
must be exact is made through the services (see test_stock.py)."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from backoffice.accounts.tests.factories import UserFactory
from backoffice.materials.models import (
    IssueLine,
    IssueRequest,
    Location,
    MaterialItem,
    PrintingJob,
    StockBalance,
    StockMove,
    StockReceipt,
    StockReceiptLine,
    Stocktake,
    StocktakeLine,
    StockTransfer,
    StockTransferLine,
)


class MaterialItemFactory(DjangoModelFactory):
    class Meta:
        model = MaterialItem

    code = factory.Sequence(lambda n: f"M{n:05d}")
    name = factory.Sequence(lambda n: f"彩页{n}")
    kind = "brochure"
    unit = "份"


class LocationFactory(DjangoModelFactory):
    class Meta:
        model = Location

    code = factory.Sequence(lambda n: f"L{n:04d}")
    name = factory.Sequence(lambda n: f"库位{n}")
    kind = "warehouse"


class StockBalanceFactory(DjangoModelFactory):
    class Meta:
        model = StockBalance

    item = factory.SubFactory(MaterialItemFactory)
    location = factory.SubFactory(LocationFactory)
    quantity = Decimal("10")


class StockMoveFactory(DjangoModelFactory):
    class Meta:
        model = StockMove

    item = factory.SubFactory(MaterialItemFactory)
    location = factory.SubFactory(LocationFactory)
    kind = "receipt"
    moved_on = date(2026, 5, 20)
    quantity = Decimal("10")
    value = Decimal("20.00")
    source_model = "materials.stockreceipt"
    source_id = 1
    created_by = factory.SubFactory(UserFactory)


class StockReceiptFactory(DjangoModelFactory):
    class Meta:
        model = StockReceipt

    number = factory.Sequence(lambda n: f"MR-2026-{n:06d}")
    location = factory.SubFactory(LocationFactory)
    received_on = date(2026, 5, 20)
    created_by = factory.SubFactory(UserFactory)


class StockReceiptLineFactory(DjangoModelFactory):
    class Meta:
        model = StockReceiptLine

    receipt = factory.SubFactory(StockReceiptFactory)
    line_no = 1
    item = factory.SubFactory(MaterialItemFactory)
    quantity = Decimal("10")
    unit_cost = Decimal("2")
    value = Decimal("20.00")


class IssueRequestFactory(DjangoModelFactory):
    """A draft issue of brochures to be used in the office."""

    class Meta:
        model = IssueRequest

    location = factory.SubFactory(LocationFactory)
    purpose = "internal"
    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")


class IssueLineFactory(DjangoModelFactory):
    class Meta:
        model = IssueLine

    issue = factory.SubFactory(IssueRequestFactory)
    line_no = 1
    item = factory.SubFactory(MaterialItemFactory)
    quantity = Decimal("5")


class StocktakeFactory(DjangoModelFactory):
    class Meta:
        model = Stocktake

    number = factory.Sequence(lambda n: f"ST-2026-{n:06d}")
    location = factory.SubFactory(LocationFactory)
    created_by = factory.SubFactory(UserFactory)


class StocktakeLineFactory(DjangoModelFactory):
    class Meta:
        model = StocktakeLine

    stocktake = factory.SubFactory(StocktakeFactory)
    item = factory.SubFactory(MaterialItemFactory)
    expected = Decimal("10")


class PrintingJobFactory(DjangoModelFactory):
    class Meta:
        model = PrintingJob

    number = factory.Sequence(lambda n: f"PJ-2026-{n:06d}")
    item = factory.SubFactory(MaterialItemFactory)
    supplier = "印务公司"
    quantity = Decimal("1000")
    cost = Decimal("800.00")
    ordered_on = date(2026, 5, 20)
    created_by = factory.SubFactory(UserFactory)


class StockTransferFactory(DjangoModelFactory):
    class Meta:
        model = StockTransfer

    number = factory.Sequence(lambda n: f"TR-2026-{n:06d}")
    from_location = factory.SubFactory(LocationFactory)
    to_location = factory.SubFactory(LocationFactory)
    moved_on = date(2026, 11, 2)
    created_by = factory.SubFactory(UserFactory)


class StockTransferLineFactory(DjangoModelFactory):
    class Meta:
        model = StockTransferLine

    transfer = factory.SubFactory(StockTransferFactory)
    line_no = factory.Sequence(lambda n: n % 30000 + 1)
    item = factory.SubFactory(MaterialItemFactory)
    quantity = Decimal("2")
    value = Decimal("5.00")
