"""core.bulk.bulk_set: the objects' fields written as they are in memory, one statement,
on both databases; dates may be empty, decimals keep their places; versions stay."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from backoffice.core.bulk import bulk_set
from backoffice.materials.models import MaterialItem, StockBalance
from backoffice.materials.tests.factories import StockBalanceFactory

pytestmark = pytest.mark.django_db


def test_many_rows_in_one_statement_with_empty_dates_and_exact_decimals():
    rows = [StockBalanceFactory(expires_on=date(2027, 1, 1)) for _ in range(3)]
    rows[0].quantity, rows[0].expires_on = Decimal("0.001"), None
    rows[1].quantity = Decimal("123456789.125")
    rows[2].expires_on = date(2030, 12, 31)
    with CaptureQueriesContext(connection) as queries:
        assert bulk_set(StockBalance, rows, ["quantity", "expires_on"]) == 3
    assert len(queries) == 1
    found = {b.pk: (b.quantity, b.expires_on) for b in StockBalance.objects.all()}
    assert found == {
        rows[0].pk: (Decimal("0.001"), None),
        rows[1].pk: (Decimal("123456789.125"), date(2027, 1, 1)),
        rows[2].pk: (Decimal("10.000"), date(2030, 12, 31)),
    }


def test_the_version_stays():
    item = StockBalanceFactory().item
    stamped = MaterialItem.objects.get(pk=item.pk).updated_at
    item.stock_quantity, item.stock_value, item.unit_cost = (
        Decimal("3"),
        Decimal("7.50"),
        Decimal("2.5"),
    )
    bulk_set(MaterialItem, [item], ["stock_quantity", "stock_value", "unit_cost"])
    again = MaterialItem.objects.get(pk=item.pk)
    assert (again.stock_quantity, again.stock_value, again.unit_cost) == (
        Decimal("3.000"),
        Decimal("7.50"),
        Decimal("2.500000"),
    )
    assert again.updated_at == stamped
    assert bulk_set(MaterialItem, [], ["stock_quantity"]) == 0


def test_in_batches_below_the_parameter_limit(monkeypatch):
    monkeypatch.setattr("backoffice.core.bulk.PARAMETERS", 4)  # two rows a statement
    rows = [StockBalanceFactory() for _ in range(5)]
    for n, row in enumerate(rows):
        row.quantity = Decimal(n)
    with CaptureQueriesContext(connection) as queries:
        assert bulk_set(StockBalance, rows, ["quantity"]) == 5
    assert len(queries) == 3
    assert sorted(StockBalance.objects.values_list("quantity", flat=True)) == [
        Decimal(n) for n in range(5)
    ]


def test_a_row_gone_meanwhile_is_an_error_not_a_silent_loss():
    rows = [StockBalanceFactory() for _ in range(2)]
    rows[1].pk = rows[1].pk + 1000  # no such row
    with pytest.raises(DatabaseError, match="1 of 2"):
        bulk_set(StockBalance, rows, ["quantity"])
