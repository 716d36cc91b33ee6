"""The orders' files staged and checked beside the master data (sales/history/beside.py):
on PostgreSQL, outside any transaction, on a second connection in a thread of its own;
real transactions here, as the task worker runs an import. The problems still come out
in the files' order, nothing is written when any is found, the staged tables never stay
behind, and a failure of the master data stops the staging."""

import threading
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import translation

from backoffice.core.exceptions import ApplicationError
from backoffice.parties.models import Customer
from backoffice.sales.history import history_import_run, sources_in
from backoffice.sales.history import masters as history_masters
from backoffice.sales.history.beside import OrdersBeside
from backoffice.sales.models import HistoryImport, HistoryLine, HistoryOrder, SalesMonth
from backoffice.sales.tests.test_history import SMALL, _read, _table, _write
from bench.dataset import generate

pytestmark = [pytest.mark.race, pytest.mark.django_db(transaction=True)]


def _staged_tables() -> list[str]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return [name for name in names if name.startswith("hist_")]


@pytest.fixture
def files(tmp_path) -> Path:
    generate(tmp_path, SMALL, seed=23)
    return tmp_path


def test_problems_in_the_master_files_and_the_orders_come_in_the_files_order(files):
    customers = _read(files, "customers")
    customers[2]["kind"] = "NOPE"
    _write(files, "customers", _table(customers))
    lines = _read(files, "order_lines")
    lines[5]["quantity"] = "abc"
    _write(files, "order_lines", _table(lines))

    record = history_import_run(sources=sources_in(files), by=None)

    assert record.status == HistoryImport.Status.FAILED
    found = [(p["file"], p["line"], p["column"]) for p in record.errors]
    # the customer refused is unknown to its orders and balances, which say so after it
    assert found[0] == ("customers.csv", 4, "kind")
    files_in_order = [file for file, _, _ in found]
    assert files_in_order == sorted(
        files_in_order,
        key=["customers.csv", "orders.csv", "order_lines.csv", "opening_balances.csv"].index,
    )
    assert ("order_lines.csv", 7, "quantity") in found
    assert not Customer.objects.exists()
    assert not HistoryOrder.objects.exists()
    assert _staged_tables() == []


def test_the_orders_problems_are_in_the_language_of_the_import(files):
    """The thread beside starts without the import's language: it is handed over."""
    lines = _read(files, "order_lines")
    lines[5]["quantity"] = "abc"
    _write(files, "order_lines", _table(lines))

    with translation.override("zh-hans"):
        record = history_import_run(sources=sources_in(files), by=None)

    assert record.status == HistoryImport.Status.FAILED
    (problem,) = record.errors
    assert problem["message"] == "“abc”不是大于 0 的数量（最多 3 位小数）。"


def test_good_files_go_in_whole_and_a_product_twice_in_an_order_counts_it_once(files, monkeypatch):
    threads, beside = [], OrdersBeside._beside

    def recorded(self):
        threads.append(threading.current_thread().name)
        beside(self)

    monkeypatch.setattr(OrdersBeside, "_beside", recorded)
    lines = _read(files, "order_lines")
    first = lines[0]
    lines.append({**first, "line_no": "90", "quantity": "1", "unit_price": "0"})
    _write(files, "order_lines", _table(lines))

    record = history_import_run(sources=sources_in(files), by=None)

    assert record.status == HistoryImport.Status.SUCCEEDED, record.errors
    assert threads == (["history-orders"] if connection.vendor == "postgresql" else [])
    assert record.counts["order_lines"] == len(lines)
    order = HistoryOrder.objects.get(number=first["order_number"])
    again = HistoryLine.objects.filter(order_id=order.pk, line_no=90).get()
    assert again.orders == 0
    assert HistoryLine.objects.filter(orders=0).count() == 1
    sums = HistoryLine.objects.aggregate(Sum("gross_amount"), Sum("orders"))
    months = SalesMonth.objects.filter(product_id__gt=0, customer_id=0).aggregate(
        Sum("gross_amount"), Sum("orders")
    )
    assert list(months.values()) == list(sums.values())
    assert _staged_tables() == []


def test_a_refused_master_write_stops_the_staging_and_leaves_nothing(files, monkeypatch):
    def refused(**kwargs):
        raise ApplicationError("taken meanwhile", extra={"fields": {"code": ["taken"]}})

    monkeypatch.setattr(history_masters, "customer_bulk_create", refused)

    record = history_import_run(sources=sources_in(files), by=None)

    assert record.status == HistoryImport.Status.FAILED
    assert [(p["file"], p["column"], p["message"]) for p in record.errors] == [
        ("customers.csv", "code", "taken meanwhile")
    ]
    assert not HistoryOrder.objects.exists()
    assert _staged_tables() == []
