"""Sales documents for the read side (STYLE §9): lists, reports, query counts. A test of a
workflow builds its documents through the services instead (see the root conftest's
`delivered` and `issued`)."""

from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from backoffice.catalog.tests.factories import ProductFactory
from backoffice.parties.tests.factories import CustomerFactory
from backoffice.sales.models import (
    Delivery,
    DeliveryLine,
    HistoryImport,
    HistoryOrder,
    Invoice,
    InvoiceLine,
    SalesOrder,
    SalesOrderLine,
)

# One line: 10 × 18.50 with VAT at 13 % included.
QUANTITY, UNIT_PRICE = Decimal("10.000"), Decimal("18.500000")
GROSS, NET, TAX = Decimal("185.00"), Decimal("163.72"), Decimal("21.28")


class SalesOrderFactory(DjangoModelFactory):
    """An approved order with a line per product (`lines=[...]`; two new products if not given)."""

    class Meta:
        model = SalesOrder
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"SO-2026-{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SelfAttribute("customer.owner")
    region = factory.SelfAttribute("customer.region")
    created_by = factory.SelfAttribute("customer.owner")
    status = "approved"
    ordered_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def lines(self: SalesOrder, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        products = extracted or [ProductFactory(), ProductFactory()]
        SalesOrderLine.objects.bulk_create(
            SalesOrderLine(
                order=self,
                line_no=no,
                product=product,
                quantity=QUANTITY,
                unit_price=UNIT_PRICE,
                gross_amount=GROSS,
                net_amount=NET,
                tax_amount=TAX,
            )
            for no, product in enumerate(products, start=1)
        )
        count = len(products)
        self.gross_amount, self.net_amount, self.tax_amount = (
            GROSS * count,
            NET * count,
            TAX * count,
        )
        self.save(update_fields=["gross_amount", "net_amount", "tax_amount"])


class DeliveryFactory(DjangoModelFactory):
    """A released delivery of every line of its order (`order__lines=[...]` to share products)."""

    class Meta:
        model = Delivery
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"DL-2026-{n:06d}")
    order = factory.SubFactory(SalesOrderFactory)
    customer = factory.SelfAttribute("order.customer")
    owner = factory.SelfAttribute("order.owner")
    region = factory.SelfAttribute("order.region")
    created_by = factory.SelfAttribute("order.owner")
    status = "released"

    @factory.post_generation
    def lines(self: Delivery, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        DeliveryLine.objects.bulk_create(
            DeliveryLine(delivery=self, order_line=line, quantity=line.quantity)
            for line in self.order.lines.all()
        )


class InvoiceFactory(DjangoModelFactory):
    """An issued invoice of every line of its order."""

    class Meta:
        model = Invoice
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"IV-2026-{n:06d}")
    order = factory.SubFactory(SalesOrderFactory)
    customer = factory.SelfAttribute("order.customer")
    owner = factory.SelfAttribute("order.owner")
    region = factory.SelfAttribute("order.region")
    created_by = factory.SelfAttribute("order.owner")
    invoice_type = "special_vat"
    status = "issued"
    vat_invoice_number = factory.Sequence(lambda n: f"{10000000 + n}")
    issued_on = factory.LazyFunction(timezone.localdate)
    gross_amount = factory.SelfAttribute("order.gross_amount")
    net_amount = factory.SelfAttribute("order.net_amount")
    tax_amount = factory.SelfAttribute("order.tax_amount")

    @factory.post_generation
    def lines(self: Invoice, create: bool, extracted, **kwargs) -> None:
        if not create:
            return
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=self,
                order_line=line,
                quantity=line.quantity,
                unit_price=line.unit_price,
                gross_amount=line.gross_amount,
                net_amount=line.net_amount,
                tax_amount=line.tax_amount,
            )
            for line in self.order.lines.all()
        )


class HistoryImportFactory(DjangoModelFactory):
    class Meta:
        model = HistoryImport

    status = "succeeded"
    source = "history.zip"


class HistoryOrderFactory(DjangoModelFactory):
    """An imported order's header (the list reads no lines)."""

    class Meta:
        model = HistoryOrder

    history_import = factory.SubFactory(HistoryImportFactory)
    number = factory.Sequence(lambda n: f"H{n:08d}")
    day = factory.LazyFunction(timezone.localdate)
    customer = factory.SubFactory(CustomerFactory)
    owner = factory.SelfAttribute("customer.owner")
    region = factory.SelfAttribute("customer.region")
    customer_kind = factory.SelfAttribute("customer.kind")
    quantity = QUANTITY
    gross_amount = GROSS
    net_amount = NET
    line_count = 1


def batch_rows(delivery: Delivery, *, expires_on=None) -> list[dict]:
    """The batch and expiry of every line of `delivery`, as the warehouse records them when
    it ships (delivery_ship's `lines`): valid unless told otherwise."""
    from datetime import timedelta

    expires_on = expires_on or timezone.localdate() + timedelta(days=365)
    return [
        {"delivery_line": line.pk, "batch_number": f"B{line.pk:06d}", "expires_on": expires_on}
        for line in delivery.lines.all()
    ]
