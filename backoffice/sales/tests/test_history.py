"""Historical import (issue #6): a generated history goes in whole, reports agree with the
files to the cent on every basis, bad rows are reported by file/line/column and write
nothing, and the same files twice add nothing."""

import csv
import itertools
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Sum
from django.utils import timezone, translation
from openpyxl import Workbook

from backoffice.accounts.models import User
from backoffice.accounts.services import user_create
from backoffice.core.money import line_amounts
from backoffice.core.numbering import format_number
from backoffice.ledger.models import JournalLine, Receivable
from backoffice.parties.models import Customer
from backoffice.reports.selectors.sales import (
    GROUPS,
    PERIODS,
    SalesQuery,
    _source,
    period_label,
    period_start,
    sales_statistics,
)
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.history import (
    LINE_NO_RE,
    PRICE,
    QUANTITY,
    Run,
    history_import_run,
    number_pattern,
    sources_in,
)
from backoffice.sales.history.sql import is_line_no, is_number
from backoffice.sales.models import (
    HistoryCategory,
    HistoryImport,
    HistoryLine,
    HistoryOrder,
    SalesFact,
    SalesFactRow,
    SalesMonth,
    SalesOrder,
)
from backoffice.sales.services import order_create, order_submit
from backoffice.sales.tests.months import assert_months_match_days
from bench.dataset import Size, generate

SMALL = Size(orders=120, customers=15, products=8, reps=6)


def _read(directory: Path, name: str) -> list[dict[str, str]]:
    with (directory / f"{name}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _table(rows: list[dict[str, str]]) -> list[list[str]]:
    return [list(rows[0]), *(list(row.values()) for row in rows)]


def _import(directory: Path, by=None) -> HistoryImport:
    return history_import_run(sources=sources_in(directory), by=by)


@pytest.fixture
def history(tmp_path, db) -> Path:
    """The generated files, with a product named on a second line of a few orders (a gift
    of it, say): such an order still counts once for that product."""
    generate(tmp_path, SMALL, seed=11)
    lines = _read(tmp_path, "order_lines")
    again = [
        {**line, "line_no": "90", "quantity": "1", "unit_price": "0"}
        for line in lines
        if line["line_no"] == "1"
    ][:5]
    columns = list(lines[0])
    with (tmp_path / "order_lines.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([[r[c] for c in columns] for r in again])
    return tmp_path


def _expected(directory: Path, period: str, group_by: tuple) -> dict:
    """Straight from the files: Σ of each line's rounded amounts, orders counted once."""
    customers = {c["code"]: c for c in _read(directory, "customers")}
    products = {p["code"]: p for p in _read(directory, "products")}
    orders = {o["number"]: o for o in _read(directory, "orders")}
    cells = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0), set()])
    for line in _read(directory, "order_lines"):
        order = orders[line["order_number"]]
        customer = customers[order["customer_code"]]
        dims = {
            "region": customer["region_code"],
            "rep": order["rep_code"],
            "customer": customer["code"],
            "customer_kind": customer["kind"],
            "product": line["product_code"],
            "category": "",
        }
        amounts = line_amounts(
            quantity=line["quantity"],
            unit_price=line["unit_price"],
            vat_rate=products[line["product_code"]].get("vat_rate") or "0.13",
        )
        day = date.fromisoformat(order["date"])
        key = (period_label(period_start(day, period), period), *(dims[g] for g in group_by))
        cell = cells[key]
        cell[0] += Decimal(line["quantity"])
        cell[1] += amounts.gross_amount
        cell[2] += amounts.net_amount
        cell[3].add(order["number"])
    return {key: (q, g, n, len(docs)) for key, (q, g, n, docs) in cells.items()}


def _cells(report: dict, group_by: tuple) -> dict:
    """A report's rows as _expected gives them: (period, codes…) → the four measures."""
    return {
        (row["period"], *(row[g] for g in group_by)): (
            row["quantity"],
            row["amount"],
            row["net_amount"],
            row["orders"],
        )
        for row in report["rows"]
    }


@pytest.mark.django_db
def test_the_history_goes_in_whole_and_every_report_agrees_with_the_files(history, clerk):
    record = _import(history, by=clerk)
    assert record.status == HistoryImport.Status.SUCCEEDED, record.errors
    lines = _read(history, "order_lines")
    assert record.counts["orders"] == SMALL.orders
    assert record.counts["order_lines"] == len(lines)
    assert record.counts["customers"] == SMALL.customers
    # Closed history, apart from the orders entered here; amounts by the one money rule;
    # each line carries its order's date, customer, region and rep for the reports.
    assert not SalesOrder.objects.exists()
    for line in HistoryLine.objects.select_related("order", "product"):
        expected = line_amounts(
            quantity=line.quantity, unit_price=line.unit_price, vat_rate=line.vat_rate
        )
        assert (line.gross_amount, line.net_amount) == (
            expected.gross_amount,
            expected.net_amount,
        )
        assert line.vat_rate == line.product.vat_rate
        order = line.order
        assert (line.day, line.customer_id, line.region_id, line.owner_id) == (
            order.day,
            order.customer_id,
            order.region_id,
            order.owner_id,
        )
    order = HistoryOrder.objects.order_by("number").first()
    assert order.gross_amount == sum(line.gross_amount for line in order.lines.all())
    assert order.line_count == order.lines.count()
    assert order.history_import == record
    # Reps exist and cannot log in until a password is set.
    rep = User.objects.get(username="R000")
    assert not rep.has_usable_password() and rep.role_codes == ["rep"]
    # Every period × grouping × basis, against the files.
    groupings = [()] + [(g,) for g in GROUPS] + list(itertools.combinations(GROUPS, 2))
    checked = 0
    for period, group_by in itertools.product(PERIODS, groupings):
        expected = _expected(history, period, group_by)
        for basis in ("ordered", "delivered", "invoiced"):  # received: the opening balances
            query = SalesQuery(date(2023, 1, 1), date(2025, 12, 31), period, group_by, basis)
            got = _cells(sales_statistics(by=clerk, query=query), group_by)
            assert got == expected, (basis, period, group_by)
            checked += 1
    assert checked == 3 * 5 * 22
    received = SalesQuery(date(2023, 1, 1), date(2025, 12, 31), "year", (), "received")
    assert sales_statistics(by=clerk, query=received)["rows"] == []
    # Yearly totals equal Σ quantity × unit price over the imported lines, to the cent.
    for year in (2023, 2024, 2025):
        query = SalesQuery(date(year, 1, 1), date(year, 12, 31), "year", (), "invoiced")
        total = sales_statistics(by=clerk, query=query)["totals"]["amount"]
        orders = {o["number"] for o in _read(history, "orders") if o["date"][:4] == str(year)}
        assert total == sum(
            (
                line_amounts(
                    quantity=line["quantity"], unit_price=line["unit_price"], vat_rate="0.13"
                ).gross_amount
                for line in lines
                if line["order_number"] in orders
            ),
            Decimal(0),
        )


@pytest.mark.django_db
def test_the_same_files_twice_add_nothing(history, clerk):
    first = _import(history)
    counts = (
        HistoryOrder.objects.count(),
        HistoryLine.objects.count(),
        HistoryCategory.objects.count(),
        SalesMonth.objects.aggregate(Sum("orders")),
        SalesFact.objects.count(),
        Customer.objects.count(),
        Receivable.objects.count(),
        JournalLine.objects.count(),
    )
    second = _import(history)
    assert first.status == second.status == HistoryImport.Status.SUCCEEDED
    assert second.counts["orders"] == 0 and second.counts["orders_skipped"] == SMALL.orders
    assert second.counts.get("opening_balances") == 0
    assert (
        HistoryOrder.objects.count(),
        HistoryLine.objects.count(),
        HistoryCategory.objects.count(),
        SalesMonth.objects.aggregate(Sum("orders")),
        SalesFact.objects.count(),
        Customer.objects.count(),
        Receivable.objects.count(),
        JournalLine.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_a_second_batch_adds_to_the_months_of_the_first(history, clerk, tmp_path_factory):
    """Orders of a later batch in months an earlier one filled: the monthly sums add up
    both, and agree with the lines month by month and with the files."""
    assert _import(history).status == HistoryImport.Status.SUCCEEDED
    orders = _read(history, "orders")[:12]
    numbers = {order["number"] for order in orders}
    lines = [line for line in _read(history, "order_lines") if line["order_number"] in numbers]
    batch = tmp_path_factory.mktemp("batch")
    renamed = [{**order, "number": "X" + order["number"]} for order in orders]
    renamed_lines = [{**line, "order_number": "X" + line["order_number"]} for line in lines]
    _write(batch, "orders", _table(renamed))
    _write(batch, "order_lines", _table(renamed_lines))
    kept = {row.pk: row for row in SalesMonth.objects.all()}
    second = _import(batch)
    assert second.status == HistoryImport.Status.SUCCEEDED, second.errors
    assert second.counts["orders"] == 12
    # each monthly row the batch added to counts a version more (the reports' kept rows)
    added_to = [(row, kept[row.pk]) for row in SalesMonth.objects.all() if row.pk in kept]
    moved = [(row, was) for row, was in added_to if row.gross_amount != was.gross_amount]
    assert moved and all(row.version == was.version + 1 for row, was in moved)
    assert all(row.version == was.version for row, was in added_to if (row, was) not in moved)

    assert_months_match_days()
    # Both batches, as the files have them: the report reads the monthly sums.
    _write(history, "orders", _table(_read(history, "orders") + renamed))
    _write(history, "order_lines", _table(_read(history, "order_lines") + renamed_lines))
    query = SalesQuery(
        date(2023, 1, 1), date(2025, 12, 31), "month", ("region", "product"), "ordered"
    )
    got = _cells(sales_statistics(by=clerk, query=query), query.group_by)
    assert got == _expected(history, "month", ("region", "product"))
    # A regional manager reads the monthly sums too, of their own region only.
    region = next(iter(got))[1]
    manager = user_create(username="m-one", role="regional_manager", region_codes=[region])
    grouped = {"region", "product"}
    assert _source(manager, query, grouped)[0].model is SalesMonth
    assert _source(User.objects.get(username="R000"), query, grouped)[0].model is (
        SalesFactRow  # a rep's own customers: the monthly sums by product have no rep
    )
    mine = _cells(sales_statistics(by=manager, query=query), query.group_by)
    assert mine == {key: value for key, value in got.items() if key[1] == region}


def _indexes(*models) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [[model._meta.db_table for model in models]],
        )
        return set(cursor.fetchall())


def _partition_indexes(model) -> dict[str, int]:
    """Each partition of the table: how many indexes it has, valid."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, COUNT(i.indexrelid) FILTER (WHERE i.indisvalid) FROM "
            "pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid LEFT JOIN pg_index i "
            "ON i.indrelid = c.oid WHERE h.inhparent = %s::regclass GROUP BY c.relname",
            [model._meta.db_table],
        )
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_the_first_import_builds_the_indexes_after_the_rows_and_a_failed_one_keeps_them(
    history,
):
    """sql.indexes_after: the empty tables' indexes are dropped and built again, the same
    (a partitioned table's on each partition too); a line number twice fails the building
    of the lines' primary key, and is reported as the file's problem; a failed import
    rolls the drop back with the rest."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite keeps its indexes")
    tables = (HistoryOrder, HistoryCategory, HistoryLine, SalesMonth)
    before = _indexes(*tables)
    assert len(before) == 10
    lines = (history / "order_lines.csv").read_text(encoding="utf-8")
    twice = lines.splitlines()[1]
    (history / "order_lines.csv").write_text(lines + twice + "\n")
    record = _import(history)
    assert record.status == HistoryImport.Status.FAILED
    assert [(p["file"], p["column"]) for p in record.errors] == [("order_lines.csv", "line_no")] * 2
    assert twice.split(",")[1] in record.errors[0]["message"]
    assert _indexes(*tables) == before
    (history / "order_lines.csv").write_text(lines)
    assert _import(history).status == HistoryImport.Status.SUCCEEDED
    assert _indexes(*tables) == before
    # the partitions, the history's years among them, each with every index, valid
    assert set(_partition_indexes(SalesMonth).values()) == {4}
    assert set(_partition_indexes(HistoryLine).values()) == {1}
    assert HistoryOrder.objects.filter(number=HistoryOrder.objects.first().number).count() == 1


@pytest.mark.django_db
def test_an_order_entered_here_never_takes_an_imported_number(
    history, hospital, clerk, second_clerk, products
):
    """Imported from a system that numbered as this one does: approval numbers past the
    highest imported number of the year (the import moved the counter)."""
    year = timezone.localdate().year
    taken = format_number(kind="SO", year=year, sequence=1)
    orders = _read(history, "orders")
    lines = _read(history, "order_lines")
    for order, number in ((orders[0], taken), (orders[1], f"SO-{year}-000004")):
        first = order["number"]
        order["number"] = number
        for line in lines:
            if line["order_number"] == first:
                line["order_number"] = number
    _write(history, "orders", _table(orders))
    _write(history, "order_lines", _table(lines))
    assert _import(history).status == HistoryImport.Status.SUCCEEDED
    order = order_create(
        customer=hospital, by=clerk, lines=[{"product": products[0], "quantity": "1"}]
    )
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=second_clerk, verdict="approve")
    order.refresh_from_db()
    assert order.number == format_number(kind="SO", year=year, sequence=5)


@pytest.mark.django_db
def test_opening_balances_become_receivables_posted_in_balance(history):
    record = _import(history)
    balances = _read(history, "opening_balances")
    assert record.counts["opening_balances"] == len(balances)
    receivables = Receivable.objects.filter(source_model="sales.opening")
    assert receivables.count() == len(balances)
    total = sum((Decimal(b["amount"]) for b in balances), Decimal(0))
    lines = JournalLine.objects.filter(entry__source_model="sales.historyimport")
    assert sum(line.debit for line in lines) == sum(line.credit for line in lines) == total
    first = balances[0]
    receivable = receivables.get(customer__code=first["customer_code"])
    assert receivable.amount == Decimal(first["amount"])
    assert receivable.issued_on == date.fromisoformat(first["as_of"])


def _write(directory: Path, name: str, rows: list[list[str]]) -> None:
    with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.django_db
def test_bad_rows_are_reported_by_file_line_and_column_and_nothing_is_written(history):
    customers = _read(history, "customers")
    _write(
        history,
        "customers",
        [["code", "name", "kind", "region_code", "rep_code", "tax_id", "extra"]]
        + [
            [c["code"], c["name"], c["kind"], c["region_code"], c["rep_code"], "", "x"]
            for c in customers
        ]
        + [["C-BAD", "坏客户", "alien", "ZZ", "R000", "91110000XXXXXXXXX1", ""]],
    )
    lines = _read(history, "order_lines")
    rows = [["order_number", "line_no", "product_code", "quantity", "unit_price"]]
    rows += [
        [r["order_number"], r["line_no"], r["product_code"], r["quantity"], r["unit_price"]]
        for r in lines
    ]
    rows[3][3] = "-2"  # line 4 of the file
    rows[5][4] = "abc"  # line 6
    rows[6][2] = "NOPE"  # line 7
    rows.append(["H9999999", "1", rows[1][2], "1", "1"])  # an order not in orders.csv
    rows.append(rows[1])  # line 1 of an order twice
    _write(history, "order_lines", rows)
    tables = (Customer, HistoryOrder, HistoryLine, HistoryCategory, SalesMonth, SalesFact)
    before = [model.objects.count() for model in tables]
    record = _import(history)
    assert record.status == HistoryImport.Status.FAILED
    problems = {(p["file"], p["line"], p["column"]) for p in record.errors}
    bad_customer_line = len(customers) + 2
    assert ("customers.csv", bad_customer_line, "kind") in problems
    assert ("customers.csv", bad_customer_line, "region_code") in problems
    assert ("customers.csv", bad_customer_line, "tax_id") in problems
    assert ("order_lines.csv", 4, "quantity") in problems
    assert ("order_lines.csv", 6, "unit_price") in problems
    assert ("order_lines.csv", 7, "product_code") in problems
    assert ("order_lines.csv", len(rows) - 1, "order_number") in problems
    assert ("order_lines.csv", len(rows), "line_no") in problems
    messages = " ".join(p["message"] for p in record.errors)
    assert "NOPE" in messages and "abc" in messages
    assert [model.objects.count() for model in tables] == before
    assert not User.objects.filter(username="R000").exists()
    with connection.cursor() as cursor:  # the staging tables went with the transaction
        assert "hist_known" not in " ".join(connection.introspection.table_names(cursor))


NUMBERS = [
    *("", ".", "1.", ".5", "0", "00", "000.000", "0.001", "7", "12.5", "1.234", "1.2345"),
    *("1e3", "NaN", " 1", "1 ", "+1", "-1", "1.2.3", "1,5", "١٢", "x"),
    *("12345678901", "123456789012", "1234567890123", "12345678901.123", "1.123456"),
    *("1.1234567", "0001", "9999", "09999", "10000", "0.0"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("value", NUMBERS)
def test_the_number_checks_in_sql_are_the_patterns(value):
    """The format checks run as SQL over the staged files (on PostgreSQL by counting
    characters): each says what the patterns say, for every kind of near miss."""
    run = Run({}, by=None, record=HistoryImport(pk=1), progress=None)
    checks = {
        "quantity": (is_number(run, "v", *QUANTITY), number_pattern(*QUANTITY)),
        "price": (is_number(run, "v", *PRICE), number_pattern(*PRICE)),
        "line_no": (is_line_no(run, "v"), LINE_NO_RE),
    }
    with connection.cursor() as cursor:
        for name, ((sql, params), pattern) in checks.items():
            cursor.execute(
                f"SELECT CASE WHEN {sql} THEN 1 ELSE 0 END FROM (SELECT %s AS v) t",  # noqa: S608
                [*params, value],
            )
            assert bool(cursor.fetchone()[0]) == bool(re.match(pattern, value)), (name, value)


@pytest.mark.django_db
def test_missing_columns_and_bad_dates_are_named(history):
    _write(history, "orders", [["number", "date", "customer_code"], ["H1", "2024-02-30", "C00001"]])
    record = _import(history)
    assert record.status == HistoryImport.Status.FAILED
    assert {"file": "orders.csv", "line": 1, "column": "rep_code"} in [
        {k: p[k] for k in ("file", "line", "column")} for p in record.errors
    ]
    _write(
        history,
        "orders",
        [
            ["number", "date", "customer_code", "rep_code"],
            ["H0000001", "2024-02-30", "C00001", "R000"],
        ],
    )
    record = _import(history)
    assert any(p["column"] == "date" and p["line"] == 2 for p in record.errors)


@pytest.mark.django_db
def test_xlsx_sheets_with_the_same_columns_work(tmp_path):
    def sheet(name: str, rows: list[list]) -> None:
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.save(tmp_path / f"{name}.xlsx")

    sheet("regions", [["code", "name"], ["SW", "西南"]])
    sheet("reps", [["code", "name", "region_code"], ["r-sw", "西南代表", "SW"]])
    sheet(
        "customers",
        [
            ["code", "name", "kind", "region_code", "rep_code"],
            ["K1", "成都医院", "医院", "SW", "r-sw"],
        ],
    )
    sheet(
        "products",
        [["code", "name", "unit", "list_price", "vat_rate"], ["X1", "试剂", "盒", 10, "9%"]],
    )
    sheet(
        "orders",
        [
            ["number", "date", "customer_code", "rep_code"],
            ["OLD-1", date(2024, 3, 5), "K1", "r-sw"],
        ],
    )
    sheet(
        "order_lines",
        [
            ["order_number", "line_no", "product_code", "quantity", "unit_price"],
            ["OLD-1", 1, "X1", 3, 2.675],
        ],
    )
    record = _import(tmp_path)
    assert record.status == HistoryImport.Status.SUCCEEDED, record.errors
    line = HistoryLine.objects.get(order__number="OLD-1")
    assert line.vat_rate == Decimal("0.09")
    assert line.gross_amount == Decimal("8.03")  # 8.025 rounds half up
    assert (
        line.net_amount == line_amounts(quantity=3, unit_price="2.675", vat_rate="0.09").net_amount
    )
    assert Customer.objects.get(code="K1").kind == "hospital"


@pytest.mark.django_db
def test_the_command_reports_counts_or_problems(history, capsys):
    call_command("import_history", str(history))
    assert f"orders: {SMALL.orders}" in capsys.readouterr().out
    _write(history, "regions", [["code", "name"], ["bad code!", "x"]])
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_history", str(history))
    assert "regions.csv:2: code:" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_upload_page_runs_the_import_in_the_worker_and_shows_the_result(
    client, admin_user, clerk, history, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = "/sales/historyimport/upload/"
    client.force_login(clerk)
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    page = client.get(url)
    assert page.status_code == 200 and b"order_lines.csv" in page.content
    files = [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        for path in sorted(history.glob("*.csv"))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"files": files})
    record = HistoryImport.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{record.pk}/progress/")
    record.refresh_from_db()
    assert record.status == HistoryImport.Status.SUCCEEDED and record.created_by == admin_user
    assert record.counts["orders"] == SMALL.orders
    status = client.get(f"/sales/historyimport/{record.pk}/status/").json()
    assert status["status"] == "succeeded" and status["fraction"] == 1.0
    progress = client.get(response.url)
    assert b'data-testid="history-counts"' in progress.content
    # A file the import does not know is refused before anything is queued.
    odd = SimpleUploadedFile("kunden.csv", b"code\n1\n", content_type="text/csv")
    response = client.post(url, {"files": [odd]}, follow=True)
    assert "kunden.csv" in response.content.decode()
    twice = [
        SimpleUploadedFile("regions.csv", b"code,name\n", content_type="text/csv"),
        SimpleUploadedFile("Regions.xlsx", b"PK", content_type="application/octet-stream"),
    ]
    response = client.post(url, {"files": twice}, follow=True)
    assert "is there twice" in response.content.decode()
    assert HistoryImport.objects.count() == 1


@pytest.mark.django_db
def test_imported_orders_are_read_like_orders_by_whoever_may_see_them(
    history, api, client, clerk, outsider
):
    assert _import(history).status == HistoryImport.Status.SUCCEEDED
    rep = User.objects.get(username="R000")
    own = set(HistoryOrder.objects.filter(owner=rep).values_list("number", flat=True))
    assert own and len(own) < SMALL.orders
    # The API: a rep reads their own imported orders with their lines, not another's.
    api.force_authenticate(rep)
    body = api.get("/api/v1/sales/history-orders/?limit=500").json()
    assert {row["number"] for row in body["results"]} == own
    first = body["results"][0]
    order = HistoryOrder.objects.get(pk=first["id"])
    assert first["gross_amount"] == str(order.gross_amount)
    assert [line["line_no"] for line in first["lines"]] == sorted(
        order.lines.values_list("line_no", flat=True)
    )
    other = HistoryOrder.objects.exclude(owner=rep).first()
    assert api.get(f"/api/v1/sales/history-orders/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/sales/history-orders/{order.pk}/").json()["number"] == order.number
    api.force_authenticate(outsider)
    assert api.get("/api/v1/sales/history-orders/").status_code == 403
    # The admin: the clerk (all orders) searches the list and opens one with its lines.
    client.force_login(clerk)
    response = client.get("/sales/historyorder/", {"q": order.number})
    assert response.status_code == 200 and order.number in response.content.decode()
    page = client.get(f"/sales/historyorder/{order.pk}/change/").content.decode()
    assert 'data-testid="history-lines"' in page
    assert all(line.product.code in page for line in order.lines.select_related("product"))
    # From the customer's page, the list of that customer's imported orders.
    customer_page = client.get(f"/parties/customer/{order.customer_id}/change/").content
    link = f"/sales/historyorder/?customer__id__exact={order.customer_id}"
    assert link in customer_page.decode()
    listed = client.get(link).context["cl"].queryset
    assert set(listed.values_list("customer_id", flat=True)) == {order.customer_id}
    client.force_login(outsider)
    assert client.get("/sales/historyorder/").status_code == 403


@pytest.mark.django_db
def test_the_worker_writes_problems_in_the_language_of_who_uploaded(
    client, admin_user, history, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _write(history, "orders", [["number", "date", "customer_code"], ["H1", "2024-01-31", "C1"]])
    files = [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
        for path in sorted(history.glob("*.csv"))
    ]
    client.force_login(admin_user)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/sales/historyimport/upload/",
                {"files": files},
                headers={"accept-language": "zh-hans"},
            )
    finally:
        translation.activate("en")  # the request left Chinese active in this thread
    record = HistoryImport.objects.get()
    assert record.status == HistoryImport.Status.FAILED
    messages = [p["message"] for p in record.errors]
    assert "缺少“rep_code”列。" in messages
    assert not any("missing" in m for m in messages)
