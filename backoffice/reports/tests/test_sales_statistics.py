"""Sales statistics against an independent computation from the documents: every period ×
grouping (none, one or two of six) × basis, to the cent, and the API contract."""

import itertools
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.accounts.services import user_create
from backoffice.catalog.models import ProductCategory
from backoffice.catalog.services import product_save
from backoffice.core.money import round_amount
from backoffice.ledger.models import ReceiptAllocation
from backoffice.ledger.selectors import receivable_for_source
from backoffice.ledger.services import receipt_create
from backoffice.parties.services import customer_create
from backoffice.reports.selectors.sales import (
    BASES,
    GROUPS,
    PERIODS,
    SalesQuery,
    last_year_start,
    period_label,
    period_start,
    previous_start,
    sales_statistics,
)
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.models import Delivery, Invoice, InvoiceLine, SalesOrder, SalesOrderLine
from backoffice.sales.services import (
    delivery_create,
    delivery_return,
    delivery_ship,
    delivery_submit,
    invoice_issue,
    invoice_request_create,
    invoice_submit,
    order_cancel_request,
    order_create,
    order_submit,
)
from backoffice.sales.tests.factories import batch_rows
from backoffice.sales.tests.red_letters import red_letter

TODAY = timezone.localdate()


@pytest.fixture
def dataset(settings, clerk, finance, rep_wang, rep_li, region_north, region_east, carrier):
    """Orders over two years for two reps' customers, some delivered (and one returned),
    invoiced (one reversed), one cancelled after approval."""
    settings.QUALIFICATION_BLOCK_MODE = "warn"
    rng = random.Random(7)  # noqa: S311 - a reproducible dataset
    auditor = user_create(username="clerk2", role="clerk")
    releaser = user_create(username="clerk3", role="clerk")
    drugs = ProductCategory.objects.create(code="drugs", name="药品")
    products = [
        product_save(
            by=clerk, code="P1", name="阿莫西林", list_price=Decimal("18.50"), category=drugs
        ),
        product_save(
            by=clerk, code="P2", name="布洛芬", list_price=Decimal("33.33"), category=drugs
        ),
        product_save(by=clerk, code="P3", name="口罩", list_price=Decimal("0.99")),
    ]
    customers = [
        customer_create(by=rep_wang, name="北京医院", kind="hospital", region=region_north),
        customer_create(by=rep_wang, name="天津药房", kind="pharmacy", region=region_north),
        customer_create(by=rep_li, name="上海经销", kind="distributor", region=region_east),
    ]
    orders = []
    for n in range(14):
        ordered_on = TODAY - timedelta(days=rng.randint(0, 700))
        lines = [
            {"product": p, "quantity": str(rng.randint(1, 30)), "unit_price": str(p.list_price)}
            for p in rng.sample(products, rng.randint(1, 3))
        ]
        order = order_create(
            customer=rng.choice(customers), by=clerk, lines=lines, ordered_on=ordered_on
        )
        order_submit(order=order, by=clerk)
        review_decide(request=review_request_for(order), by=auditor, verdict="approve")
        order.refresh_from_db()
        orders.append(order)
        if n == 3:
            asked = order_cancel_request(order=order, by=clerk, reason="客户取消")
            review_decide(request=review_request_for(asked), by=auditor, verdict="approve")
            continue
        if n % 3 == 0:
            continue
        delivery = delivery_create(
            order=order,
            by=clerk,
            lines=[
                {"order_line": line, "quantity": str(line.quantity)} for line in order.lines.all()
            ],
            carrier=carrier,
        )
        delivery_submit(delivery=delivery, by=clerk)
        for reviewer in (auditor, releaser):
            review_decide(request=review_request_for(delivery), by=reviewer, verdict="approve")
        if n == 4:
            delivery_ship(
                delivery=delivery, by=clerk, tracking_number="SF1", lines=batch_rows(delivery)
            )
            delivery_return(delivery=delivery, by=clerk, reason="破损")
            continue
        invoice = invoice_request_create(order=order, by=clerk)
        invoice_submit(invoice=invoice, by=clerk)
        for reviewer in (auditor, finance):
            review_decide(request=review_request_for(invoice), by=reviewer, verdict="approve")
        invoice.refresh_from_db()
        issued_on = min(ordered_on + timedelta(days=rng.randint(0, 40)), TODAY)
        invoice = invoice_issue(
            invoice=invoice,
            by=finance,
            invoice_type="special_vat",
            invoice_code="011002600111",
            invoice_number=f"{10000000 + n}",
            issued_on=issued_on,
        )
        if n in (1, 2, 7, 8, 10):  # paid: in full, in part, or in two receipts
            receivable = receivable_for_source(source_model="sales.invoice", source_id=invoice.pk)
            parts = {
                1: [invoice.gross_amount],
                2: [Decimal("10.01")],
                7: [Decimal("5"), invoice.gross_amount - 5],
            }
            for k, part in enumerate(parts.get(n, [invoice.gross_amount / 3])):
                receipt_create(
                    customer=invoice.customer,
                    by=finance,
                    amount=round_amount(part) + 1,  # a little more: the rest is an advance
                    received_on=min(issued_on + timedelta(days=10 + 20 * k), TODAY),
                    allocations=[{"receivable": receivable, "amount": round_amount(part)}],
                )
        if n == 5:
            red_letter(
                invoice=invoice,
                by=finance,
                reviewers=(auditor, releaser),
                invoice_number=f"{20000000 + n}",
                issued_on=issued_on,
                reason="冲红",
            )
    return orders


def _document_lines(basis: str):
    """(day, dimensions, quantity, gross, net, document) straight from the documents."""

    def dims(order, product):
        return {
            "region": order.region.code,
            "rep": order.owner.username,
            "customer": order.customer.code,
            "customer_kind": order.customer.kind,
            "product": product.code,
            "category": product.category.code if product.category_id else "",
        }

    if basis == "ordered":
        for line in SalesOrderLine.objects.filter(
            order__status__in=SalesOrder.COMMITTED_STATUSES
        ).select_related("order__region", "order__owner", "order__customer", "product__category"):
            yield (
                line.order.ordered_on,
                dims(line.order, line.product),
                line.quantity,
                line.gross_amount,
                line.net_amount,
                ("o", line.order_id),
            )
    elif basis == "delivered":
        for delivery in Delivery.objects.exclude(number="").exclude(status="returned"):
            for line in delivery.lines.select_related("order_line__product__category"):
                order_line = line.order_line
                yield (
                    timezone.localdate(delivery.released_at),
                    dims(delivery.order, order_line.product),
                    line.quantity,
                    order_line.gross_amount,
                    order_line.net_amount,
                    ("d", delivery.pk),
                )
    elif basis == "received":  # per allocation; products only in the totals check below
        for allocation in ReceiptAllocation.objects.select_related("receipt", "receivable"):
            invoice = Invoice.objects.get(pk=allocation.receivable.source_id)
            product = invoice.lines.first().order_line.product
            yield (
                allocation.receipt.received_on,
                dims(invoice.order, product),
                Decimal(0),
                allocation.amount,
                None,
                None,
            )
    else:
        for line in InvoiceLine.objects.filter(invoice__status="issued").select_related(
            "invoice__order", "order_line__product__category"
        ):
            invoice = line.invoice
            yield (
                invoice.issued_on,
                dims(invoice.order, line.order_line.product),
                line.quantity,
                line.gross_amount,
                line.net_amount,
                ("i", invoice.pk) if invoice.kind == Invoice.Kind.NORMAL else None,
            )


def _expected(basis: str, period: str, group_by: tuple, date_from: date, date_to: date):
    cells = defaultdict(lambda: [Decimal(0), Decimal(0), Decimal(0), set()])
    for day, dims, quantity, gross, net, document in _document_lines(basis):
        if not date_from <= day <= date_to:
            continue
        key = (period_label(period_start(day, period), period), *(dims[g] for g in group_by))
        cell = cells[key]
        cell[0] += quantity
        cell[1] += gross
        cell[2] += net or 0
        if document:
            cell[3].add(document)
    return {
        key: (q, g.quantize(Decimal("0.01")), n.quantize(Decimal("0.01")), len(docs))
        for key, (q, g, n, docs) in cells.items()
        if q or g or docs
    }


def _amounts_without_products(cells: dict, group_by: tuple) -> dict:
    """Amounts per period and the groupings other than product and category."""
    kept = [i for i, g in enumerate(group_by) if g not in ("product", "category")]
    result: dict = defaultdict(Decimal)
    for key, values in cells.items():
        result[(key[0], *(key[1 + i] for i in kept))] += values[1]
    return dict(result)


@pytest.mark.django_db
@pytest.mark.parametrize("whole_months", [False, True], ids=["days", "whole-months"])
def test_every_period_grouping_and_basis_matches_the_documents(dataset, clerk, whole_months):
    """Over a range of days (the daily facts), and over whole months (the monthly sums at
    their grains, where the grouping allows)."""
    date_from, date_to = TODAY - timedelta(days=800), TODAY
    if whole_months:
        date_from = date_from.replace(day=1)
        date_to = (TODAY.replace(day=1) + timedelta(days=31)).replace(day=1) - timedelta(days=1)
    groupings = [()] + [(g,) for g in GROUPS] + list(itertools.combinations(GROUPS, 2))
    checked = 0
    for basis, period, group_by in itertools.product(BASES, PERIODS, groupings):
        query = SalesQuery(date_from, date_to, period, group_by, basis)
        report = sales_statistics(by=clerk, query=query)
        got = {
            (row["period"], *(row[g] for g in group_by)): (
                row["quantity"],
                row["amount"],
                row["net_amount"],
                row["orders"],
            )
            for row in report["rows"]
            if row["quantity"] or row["amount"] or row["orders"]
        }
        expected = _expected(basis, period, group_by, date_from, date_to)
        if basis == "delivered":  # a returned delivery nets to zero quantity and amount
            got = {k: v for k, v in got.items() if v[0] or v[1]}
            expected = {k: v[:3] for k, v in expected.items()}
            got = {k: v[:3] for k, v in got.items()}
        if basis == "received":
            # No quantity, no orders; net is each line's share net of VAT (checked by the
            # facts invariant). Without products the cells are exact; with products, each
            # period's cells add up to what was received.
            got = _amounts_without_products(got, group_by)
            expected = _amounts_without_products(expected, group_by)
        assert got == expected, (basis, period, group_by)
        totals = report["totals"]
        amounts = [v if isinstance(v, Decimal) else v[1] for v in expected.values()]
        assert totals["amount"] == sum(amounts, Decimal(0))
        checked += 1
    assert checked == 4 * 5 * 22


@pytest.mark.django_db
def test_comparisons_read_whole_earlier_periods(dataset, clerk):
    """The previous period and the same period last year count whole, the range's first
    period too when the range starts in its middle; that period's row is its own part."""
    auditor = User.objects.get(username="clerk2")
    month = period_start(TODAY, "month")
    for _ in range(4):
        month = previous_start(month, "month")
    order = dataset[0]
    product = order.lines.first().product
    for day in (month.replace(day=5), month.replace(day=20), (month + timedelta(days=40))):
        placed = order_create(
            customer=order.customer,
            by=clerk,
            lines=[{"product": product, "quantity": "3", "unit_price": "10.00"}],
            ordered_on=day,
        )
        order_submit(order=placed, by=clerk)
        review_decide(request=review_request_for(placed), by=auditor, verdict="approve")
    date_from = month.replace(day=6)  # the first order of that month is before the range
    lines = list(_document_lines("ordered"))
    for period in ("month", "quarter"):
        whole: dict = defaultdict(Decimal)
        for day, dims, _quantity, gross, _net, _document in lines:
            whole[(period_start(day, period), dims["region"])] += gross
        starts = {period_label(start, period): start for start, _region in whole}
        query = SalesQuery(date_from, TODAY, period, ("region",), "ordered")
        rows = sales_statistics(by=clerk, query=query)["rows"]
        for row in rows:
            start, region = starts[row["period"]], row["region"]
            before = whole.get((previous_start(start, period), region), Decimal(0))
            year_ago = whole.get((last_year_start(start, period), region), Decimal(0))
            assert (row["previous_amount"], row["last_year_amount"]) == (before, year_ago)
        first = period_start(date_from, period)
        region = order.customer.region.code
        part = sum(
            (
                gross
                for day, dims, _quantity, gross, _net, _document in lines
                if date_from <= day
                and period_start(day, period) == first
                and dims["region"] == region
            ),
            Decimal(0),
        )
        label = period_label(first, period)
        row = next(r for r in rows if (r["period"], r["region"]) == (label, region))
        assert row["amount"] == part < whole[(first, region)]
        if period == "month":  # the next month compares with the whole of this one
            after = next(
                r
                for r in rows
                if r["period"] == period_label(first + timedelta(days=40), period)
                and r["region"] == region
            )
            assert after["previous_amount"] == whole[(first, region)]


@pytest.mark.django_db
def test_comparisons_and_period_labels():
    assert period_label(date(2024, 1, 31), "day") == "2024-01-31"
    assert period_label(period_start(date(2024, 1, 31), "week"), "week") == "2024-W05"
    assert period_label(date(2024, 1, 1), "quarter") == "2024-Q1"
    assert previous_start(date(2024, 1, 1), "quarter") == date(2023, 10, 1)
    assert previous_start(date(2024, 3, 1), "month") == date(2024, 2, 1)
    assert last_year_start(date(2024, 2, 29), "day") == date(2023, 2, 28)


@pytest.mark.django_db
def test_the_sales_api_contract_and_visibility(api, dataset, clerk, rep_li):
    api.force_authenticate(clerk)
    url = (
        f"/api/v1/reports/sales/?date_from={TODAY.year - 2}-01-01&date_to={TODAY}"
        "&period=year&group_by=region,product&basis=ordered"
    )
    body = api.get(url).json()
    row = body["rows"][0]
    assert set(row) >= {"period", "region", "product", "quantity", "amount", "net_amount", "orders"}
    assert row["region"] in ("north", "east") and row["product"] in ("P1", "P2", "P3")
    assert isinstance(row["amount"], str) and "." in row["amount"]
    total = sum(Decimal(r["amount"]) for r in body["rows"])
    assert Decimal(body["totals"]["amount"]) == total
    assert api.get(url + "&format=xlsx")["Content-Type"].startswith("application/vnd.openxml")
    response = api.get("/api/v1/reports/sales/?group_by=region,product,rep")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    # A page of the rows when asked for: the same rows, with their count and the next page.
    assert "count" not in body
    page = api.get(url + "&limit=2&offset=1").json()
    assert page["rows"] == body["rows"][1:3] and page["count"] == len(body["rows"])
    assert "offset=3" in page["next"] and page["totals"] == body["totals"]
    api.force_authenticate(rep_li)  # a rep sees only their own customers
    mine = api.get(url.replace("region,product", "rep")).json()
    assert {r["rep"] for r in mine["rows"]} <= {"rep_li"}


@pytest.mark.django_db
def test_the_sales_page_exports_and_prints(client, dataset, clerk):
    client.force_login(clerk)
    page = client.get("/reports/sales/?period=year&g=region&g=product&basis=invoiced")
    assert page.status_code == 200
    html = page.content.decode()
    assert "sales-chart" in html and "P1" in html
    xlsx = client.get("/reports/sales/?period=month&g=customer&format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert client.get("/reports/sales/?period=quarter&format=pdf")["Content-Type"] == (
        "application/pdf"
    )
    refused = client.get("/reports/sales/?period=fortnight")  # the form with its error
    assert refused.status_code == 400 and 'data-testid="report-errors"' in refused.content.decode()


@pytest.mark.django_db
def test_the_sales_page_shows_many_rows_a_page_at_a_time(client, dataset, clerk, monkeypatch):
    from backoffice.reports import views

    monkeypatch.setattr(views, "PAGE_ROWS", 3)
    monkeypatch.setattr(views, "PRINT_ROWS", 2)
    client.force_login(clerk)
    date_from = TODAY - timedelta(days=700)  # the whole dataset, whatever today's month
    url = f"/reports/sales/?period=month&g=customer&basis=ordered&date_from={date_from}"
    query = SalesQuery(date_from, TODAY, "month", ("customer",), "ordered")
    everything = sales_statistics(by=clerk, query=query)["rows"]
    assert len(everything) > 3
    first = client.get(url)
    shown = first.context["rows"]
    assert [r["period"] for r in shown] == [r["period"] for r in everything[:3]]
    html = first.content.decode()
    assert "sales-pages" in html and f"of {len(everything)}" in html and "page=2" in html
    assert "&amp;page=1&amp;page=2" not in html  # the page is not carried into the links
    second = client.get(url + "&page=2").context["rows"]
    assert [r["customer"] for r in second] == [r["customer"] for r in everything[3:6]]
    printed = client.get(url + "&page=2&format=pdf")
    assert printed["Content-Type"] == "application/pdf"
    assert len(printed.context["rows"]) == 2  # the PDF starts at the first row, whatever page


@pytest.mark.django_db
def test_receipts_from_before_the_received_basis_are_counted_by_the_migration(dataset, clerk):
    import importlib
    from types import SimpleNamespace

    from django.db import connection
    from django.db.models import Sum

    from backoffice.sales.models import SalesFact

    received = SalesFact.objects.filter(basis=SalesFact.Basis.RECEIVED)
    before = sorted(received.values_list("day", "customer_id", "product_id", "gross_amount"))
    assert before
    # the database as it was before the migration: no received facts (a raw delete, as the
    # deletion guard refuses to let the books lose rows)
    received._raw_delete(received.db)
    migration = importlib.import_module("backoffice.sales.migrations.0008_received_facts")
    migration.backfill(None, SimpleNamespace(connection=connection))
    after = sorted(received.values_list("day", "customer_id", "product_id", "gross_amount"))
    assert after == before
    migration.backfill(None, SimpleNamespace(connection=connection))  # twice: nothing more
    total = received.filter(product_id=0).aggregate(s=Sum("gross_amount"))["s"]
    assert total == ReceiptAllocation.objects.aggregate(s=Sum("amount"))["s"]
