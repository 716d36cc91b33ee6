"""Two imports of the same files at the same instant (real threads, real transactions, on
SQLite and PostgreSQL): one brings the history in, the other waits, then skips it all."""

import pytest
from django.db.models import Sum

from backoffice.core.tests.races import all_at_once
from backoffice.parties.models import Customer
from backoffice.sales.history import history_import_run, sources_in
from backoffice.sales.models import HistoryImport, HistoryLine, HistoryOrder, SalesMonth
from bench.dataset import Size, generate

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]

SIZE = Size(orders=60, customers=8, products=5, reps=3)


def test_the_same_files_twice_at_once_go_in_once(tmp_path):
    generate(tmp_path, SIZE, seed=5)

    def run():
        return history_import_run(sources=sources_in(tmp_path), by=None)

    records, errors = all_at_once([run, run])
    assert errors == []
    assert [r.status for r in records] == [HistoryImport.Status.SUCCEEDED] * 2, [
        r.errors for r in records
    ]
    assert sorted(r.counts["orders"] for r in records) == [0, SIZE.orders]
    assert HistoryOrder.objects.count() == SIZE.orders
    assert Customer.objects.count() == SIZE.customers
    lines = HistoryLine.objects.aggregate(Sum("gross_amount"), Sum("orders"))
    months = SalesMonth.objects.filter(product_id__gt=0, customer_id=0).aggregate(
        Sum("gross_amount"), Sum("orders")
    )
    assert list(months.values()) == list(lines.values())
