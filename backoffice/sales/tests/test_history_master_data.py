"""The historical import's master data goes in through its owning apps' bulk services,
each row audited, and its customer rows follow the same rules as the customer import."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from backoffice.accounts.models import Region, User
from backoffice.audit.models import AuditEvent
from backoffice.catalog.models import Product
from backoffice.core.tabular import read_table
from backoffice.parties.imports import customers_import
from backoffice.parties.models import Customer
from backoffice.sales.history import history_import_run, sources_in
from backoffice.sales.models import HistoryImport
from bench.dataset import Size, generate

SMALL = Size(orders=30, customers=6, products=4, reps=6)


def _write(directory: Path, name: str, rows: list[list[str]]) -> None:
    with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.django_db
def test_the_master_data_an_import_adds_is_audited_as_created_by_the_import(tmp_path, clerk):
    generate(tmp_path, SMALL, seed=3)
    record = history_import_run(sources=sources_in(tmp_path), by=clerk)
    assert record.status == HistoryImport.Status.SUCCEEDED, record.errors
    for model, codes in (
        (Region, Region.objects.values_list("pk", flat=True)),
        (Customer, Customer.objects.values_list("pk", flat=True)),
        (Product, Product.objects.values_list("pk", flat=True)),
        (User, User.objects.filter(groups__name="rep").values_list("pk", flat=True)),
    ):
        events = AuditEvent.objects.filter(
            model=model._meta.label_lower, action=AuditEvent.Action.CREATE, note=str(record)
        )
        assert sorted(int(e) for e in events.values_list("object_id", flat=True)) == sorted(
            codes
        ), model
        assert {e.actor_id for e in events} == {clerk.pk}
    customer = Customer.objects.order_by("pk").first()
    event = AuditEvent.objects.get(model="parties.customer", object_id=str(customer.pk))
    assert event.changes["code"] == [None, customer.code]
    assert event.changes["region"] == [None, customer.region_id]
    rep = User.objects.filter(groups__name="rep").first()
    event = AuditEvent.objects.get(model="accounts.user", object_id=str(rep.pk))
    assert event.changes["regions"] == [None, list(rep.regions.values_list("pk", flat=True))]
    assert AuditEvent.objects.filter(
        model="sales.historyimport", object_id=str(record.pk), action=AuditEvent.Action.IMPORT
    ).exists()


@pytest.mark.django_db
def test_a_failed_import_audits_nothing_it_did_not_write(tmp_path, clerk):
    generate(tmp_path, SMALL, seed=3)
    _write(tmp_path, "products", [["code", "name", "unit", "list_price"], ["P1", "x", "盒", "-1"]])
    before = AuditEvent.objects.count()
    record = history_import_run(sources=sources_in(tmp_path), by=clerk)
    assert record.status == HistoryImport.Status.FAILED
    assert AuditEvent.objects.count() == before
    assert not Customer.objects.exists() and not Region.objects.filter(code="E").exists()


BAD_ROWS = [  # (name, kind, region, tax id): each breaks rules the two imports share
    ("", "医院", "north", ""),
    ("火星医院", "spaceship", "mars", "91110000600037341X"),
    ("x" * 201, "", "", "123"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kind", "region", "tax_id"), BAD_ROWS)
def test_a_bad_customer_row_gets_the_same_errors_from_both_imports(
    tmp_path, clerk, rep_wang, region_north, name, kind, region, tax_id
):
    book = Workbook()
    book.active.append(["code", "name", "kind", "region", "tax_id", "owner"])
    book.active.append(["K1", name, kind, region, tax_id, "rep_wang"])  # as the rep r1 below
    content = io.BytesIO()
    book.save(content)
    rows = read_table(content.getvalue(), filename="customers.xlsx")
    by_customer_import = {
        (e.column, e.message) for e in customers_import(rows=rows, by=clerk, commit=True).errors
    }

    _write(tmp_path, "reps", [["code", "name", "region_code"], ["r1", "代表", "north"]])
    _write(
        tmp_path,
        "customers",
        [
            ["code", "name", "kind", "region_code", "rep_code", "tax_id"],
            ["K1", name, kind, region, "r1", tax_id],
        ],
    )
    record = history_import_run(sources=sources_in(tmp_path), by=clerk)
    columns = {"region_code": "region"}
    by_history_import = {
        (columns.get(p["column"], p["column"]), p["message"])
        for p in record.errors
        if p["file"] == "customers.csv"
    }
    assert by_customer_import
    assert by_history_import == by_customer_import
    assert not Customer.objects.exists()
