"""Issue 16: one customer's or product's series (?customer=, ?product=), a page of a report
costing its page, the JSON PostgreSQL builds equal to the rows Python builds, the monthly
sums the reports read kept equal to the days, the lists' trend column and the customer
file's chart."""

import itertools
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from backoffice.parties.models import Customer
from backoffice.parties.services import customer_create
from backoffice.reports.apis import _text
from backoffice.reports.selectors.sales import (
    GROUPS,
    SalesQuery,
    monthly_series,
    sales_statistics,
    sales_statistics_json,
)
from backoffice.reports.tests.test_sales_statistics import dataset  # noqa: F401 - a fixture
from backoffice.sales.models import SalesMonth, SalesOrderLine
from backoffice.sales.tests.months import assert_months_match_days

TODAY = timezone.localdate()
WHOLE = (
    (TODAY - timedelta(days=800)).replace(day=1),
    (TODAY.replace(day=1) + timedelta(days=31)).replace(day=1) - timedelta(days=1),
)


@pytest.mark.django_db
def test_the_monthly_sums_equal_the_days_on_every_basis(dataset, clerk):  # noqa: F811
    assert_months_match_days()


@pytest.mark.django_db
def test_one_customers_or_one_products_series(api, dataset, clerk):  # noqa: F811
    order = dataset[0]
    customer, product = order.customer, order.lines.first().product
    api.force_authenticate(clerk)
    url = f"/api/v1/reports/sales/?date_from={WHOLE[0]}&date_to={WHOLE[1]}&period=month"
    everything = api.get(url + "&group_by=customer").json()["rows"]
    mine = api.get(url + f"&customer={customer.pk}").json()
    expected = [r for r in everything if r["customer"] == customer.code]
    assert [r["amount"] for r in mine["rows"]] == [r["amount"] for r in expected]
    assert Decimal(mine["totals"]["amount"]) == sum(Decimal(r["amount"]) for r in expected)
    by_product = api.get(url + "&group_by=product").json()["rows"]
    one = api.get(url + f"&product={product.pk}").json()
    assert [r["amount"] for r in one["rows"]] == [
        r["amount"] for r in by_product if r["product"] == product.code
    ]
    assert Decimal(one["totals"]["amount"]) == sum(Decimal(r["amount"]) for r in one["rows"])
    for bad in ("customer=abc", "product=0", "customer=-1"):
        response = api.get(url + "&" + bad)
        assert response.status_code == 400, bad
        assert bad.split("=")[0] in response.json()["extra"]["fields"]


def _first_customer() -> int:
    """The customer of the earliest monthly row of orders."""
    first = SalesMonth.objects.filter(basis=1, product_id=0, customer_id__gt=0)
    return first.order_by("month", "customer_id").values_list("customer_id", flat=True)[0]


def _month_rows_of_several_parts() -> None:
    """Groups of several monthly rows, as history beside orders or a customer moved within
    a month leave: one whose rows add up, one whose rows cancel out (no report row)."""
    rows = SalesMonth.objects.filter(basis=1, product_id=0, customer_id=_first_customer())
    row = rows.order_by("month").first()
    product_row = SalesMonth.objects.filter(basis=1, product_id__gt=0, customer_id=0).first()
    common = {"quantity": Decimal("2.000"), "net_amount": Decimal("40.00"), "orders": 1}
    for figures in (
        # beside an order's row: history of the same customer, product, region and month
        {"product_id": 0, "customer_id": row.customer_id, "month": row.month},
        {"product_id": product_row.product_id, "customer_id": 0, "month": product_row.month},
    ):
        SalesMonth.objects.create(
            basis=0,
            region_id=row.region_id if figures["product_id"] == 0 else product_row.region_id,
            owner_id=0,
            customer_kind="",
            category_id=0,
            gross_amount=Decimal("45.20"),
            **common,
            **figures,
        )
    for sign, owner in ((1, 1), (-1, 2)):  # a month of the first customer's that nets to 0
        SalesMonth.objects.create(
            basis=0,
            product_id=0,
            customer_id=row.customer_id,
            month=WHOLE[0],
            region_id=row.region_id,
            owner_id=owner,
            customer_kind="",
            category_id=0,
            quantity=sign * common["quantity"],
            gross_amount=sign * Decimal("45.20"),
            net_amount=sign * common["net_amount"],
            orders=sign,
        )


@pytest.mark.django_db
def test_a_page_is_the_same_rows_as_the_whole_report(dataset, clerk, rep_li):  # noqa: F811
    """A page is found from the rows each period has (counted off an index over the monthly
    sums) and read from its periods only: every page of every report is that slice of the
    whole report, with the whole report's count, past the end none."""
    _month_rows_of_several_parts()
    ranges = (WHOLE, (WHOLE[0] + timedelta(days=10), TODAY))  # the second straddles periods
    groupings = [("customer",), ("region", "product"), ("product", "region"), ()]
    groupings += [("customer", "product"), ("rep",)]
    for (date_from, date_to), period in itertools.product(ranges, ("month", "quarter", "week")):
        for group_by, by in itertools.product(groupings, (clerk, rep_li)):
            query = SalesQuery(date_from, date_to, period, group_by, "ordered")
            whole = sales_statistics(by=by, query=query)
            rows, name = whole["rows"], (period, group_by, by.username, date_from)
            assert whole["count"] == len(rows), name
            for limit in (1, 4):
                for offset in [*range(0, len(rows), max(1, len(rows) // 7)), len(rows) - 1]:
                    page = sales_statistics(by=by, query=query, limit=limit, offset=offset)
                    assert page["rows"] == rows[offset : offset + limit], (*name, offset)
                    assert page["count"] == len(rows) and page["totals"] == whole["totals"]
                    if connection.vendor == "postgresql":
                        text, _totals, count = sales_statistics_json(
                            by=by, query=query, limit=limit, offset=offset
                        )
                        assert json.loads(text) == [_text(r) for r in page["rows"]], name
                        assert count == len(rows)
            past = sales_statistics(by=by, query=query, limit=3, offset=len(rows) + 5)
            assert past["rows"] == [] and past["count"] == len(rows)
    # the month that nets to zero is no row, and the history beside an order adds to it
    query = SalesQuery(*WHOLE, "month", ("customer",), "ordered")
    code = Customer.objects.get(pk=_first_customer()).code
    first = sales_statistics(by=clerk, query=query, limit=50, offset=0)["rows"]
    assert (f"{WHOLE[0]:%Y-%m}", code) not in {(row["period"], row["customer"]) for row in first}


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_the_json_postgresql_builds_is_the_rows_python_builds(dataset, clerk):  # noqa: F811
    groupings = [(), ("customer",), ("region", "product"), ("rep", "customer_kind")]
    groupings += [("category",), ("customer", "product")]
    for date_from, date_to in ((TODAY - timedelta(days=500), TODAY), WHOLE):
        for period in ("day", "week", "month", "quarter", "year"):
            for group_by in groupings:
                query = SalesQuery(date_from, date_to, period, group_by, "ordered")
                rows = sales_statistics(by=clerk, query=query)["rows"]
                text, _totals, count = sales_statistics_json(by=clerk, query=query)
                assert json.loads(text) == [_text(r) for r in rows], (period, group_by)
                assert count == len(rows)
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_the_api_rows_are_the_same_on_each_path(api, dataset, clerk):  # noqa: F811
    """Through the API (PostgreSQL's JSON there, Python's rows on SQLite): every grouping."""
    api.force_authenticate(clerk)
    url = f"/api/v1/reports/sales/?date_from={WHOLE[0]}&date_to={WHOLE[1]}&period=quarter"
    for group in ["", *GROUPS]:
        body = api.get(url + f"&group_by={group}").json()
        query = SalesQuery(*WHOLE, "quarter", (group,) if group else (), "ordered")
        report = sales_statistics(by=clerk, query=query)
        assert body["rows"] == [_text(r) for r in report["rows"]], group
        assert body["totals"] == _text(report["totals"])


@pytest.mark.django_db
def test_the_monthly_series_of_the_lists_and_the_file(dataset, clerk, rep_li):  # noqa: F811
    customers = sorted({order.customer for order in dataset}, key=lambda c: c.pk)
    labels, series = monthly_series(
        clerk, group="customer", ids=[c.pk for c in customers], months=36
    )
    assert len(labels) == 36 and labels[-1] == f"{TODAY:%Y-%m}"
    first = TODAY.replace(day=1)
    for _i in range(35):
        first = (first - timedelta(days=1)).replace(day=1)
    for customer in customers:
        lines = SalesOrderLine.objects.filter(
            order__customer=customer,
            order__status__in=("approved", "partially_delivered", "delivered", "closed"),
            order__ordered_on__gte=first,
        )
        assert sum(series[customer.pk]) == sum((line.gross_amount for line in lines), Decimal(0))
    # a rep sees only their own customers' figures
    _labels, theirs = monthly_series(
        rep_li, group="customer", ids=[c.pk for c in customers], months=36
    )
    for customer in customers:
        if customer.owner_id != rep_li.pk:
            assert not any(theirs[customer.pk])
    # a rep's products: from the daily facts of their own customers (the monthly sums by
    # product keep no rep)
    products = sorted({line.product for o in dataset for line in o.lines.all()}, key=lambda x: x.pk)
    _labels, per_product = monthly_series(
        rep_li, group="product", ids=[x.pk for x in products], months=36
    )
    for product in products:
        lines = SalesOrderLine.objects.filter(
            product=product,
            order__owner=rep_li,
            order__status__in=("approved", "partially_delivered", "delivered", "closed"),
            order__ordered_on__gte=first,
        )
        expected = sum((line.gross_amount for line in lines), Decimal(0))
        assert sum(per_product[product.pk]) == expected, product.code


@pytest.mark.django_db
def test_the_lists_trend_column_and_the_customer_files_chart(
    client,
    dataset,  # noqa: F811
    clerk,
    rep_li,
    region_east,
):
    customer_create(by=rep_li, name="没有订单的医院", kind="hospital", region=region_east)
    client.force_login(clerk)
    page = client.get("/parties/customer/")
    html = page.content.decode()
    assert (page.status_code == 200 and "近12个月销售" in html) or "Sales, last 12 months" in html
    assert "<svg" in html and "<polyline" in html
    products = client.get("/catalog/product/").content.decode()
    assert "<polyline" in products
    customer = dataset[0].customer
    file = client.get(f"/parties/customer/{customer.pk}/change/").content.decode()
    assert 'data-testid="customer-tab-chart"' in file and "<rect" in file


@pytest.mark.django_db
def test_the_trend_column_needs_the_permission_to_see_sales(client, dataset):  # noqa: F811
    from django.contrib.auth.models import Permission

    from backoffice.accounts.models import User

    viewer = User.objects.create_user("viewer", is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_customer", content_type__app_label="parties")
    )
    client.force_login(viewer)
    page = client.get("/parties/customer/")
    assert page.status_code == 200 and "<polyline" not in page.content.decode()
