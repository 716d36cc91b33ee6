"""Reports people can read (issue 14 §2): every grouping comes with its name in the reader's
language beside its code — in the selectors, the pages, the workbooks, the PDFs, the report
pack and the API — fetched with one query per grouping, never one per row; the chart
follows the grouping."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from backoffice.catalog.models import ProductCategory
from backoffice.catalog.services import product_save
from backoffice.parties.services import customer_create
from backoffice.reports.selectors.billing import billing_statistics
from backoffice.reports.selectors.packs import pack_sections
from backoffice.reports.selectors.sales import (
    GROUPS,
    SalesQuery,
    sales_chart,
    sales_statistics,
)
from backoffice.reviews.selectors import review_request_for
from backoffice.reviews.services import review_decide
from backoffice.sales.models import SalesOrder
from backoffice.sales.services import order_create, order_submit

TODAY = timezone.localdate()
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _approved_order(customer, lines, *, clerk, reviewer):
    order = order_create(customer=customer, by=clerk, lines=lines, ordered_on=TODAY)
    order_submit(order=order, by=clerk)
    review_decide(request=review_request_for(order), by=reviewer, verdict="approve")
    return order


@pytest.fixture
def two_regions(settings, issued, clerk, second_clerk, rep_li, region_east, products):
    """The issued order of the shared fixtures (华北, 王磊, a hospital, two products without a
    category) and an order of an east distributor of 李娜, one of its products in 镇痛药."""
    settings.QUALIFICATION_BLOCK_MODE = "warn"
    analgesic = ProductCategory.objects.create(code="analgesic", name="镇痛药")
    paracetamol = product_save(
        by=clerk,
        code="P0003",
        name="对乙酰氨基酚片",
        list_price=Decimal("12.00"),
        category=analgesic,
    )
    distributor = customer_create(
        by=rep_li, name="上海医药经销", kind="distributor", region=region_east
    )
    _approved_order(
        distributor,
        [
            {"product": paracetamol, "quantity": "5", "unit_price": "12.00"},
            {"product": products[0], "quantity": "2", "unit_price": "18.50"},
        ],
        clerk=clerk,
        reviewer=second_clerk,
    )
    return SalesOrder.objects.filter(status__in=SalesOrder.COMMITTED_STATUSES)


def _expected_names(orders) -> dict[str, dict[str, str]]:
    """Code → name of each grouping, straight from the orders."""
    names: dict[str, dict[str, str]] = {g: {} for g in GROUPS}
    kinds = {"hospital": "医院", "distributor": "经销商"}
    for order in orders:
        names["region"][order.region.code] = order.region.name
        names["rep"][order.owner.username] = order.owner.full_name
        names["customer"][order.customer.code] = order.customer.name
        names["customer_kind"][order.customer.kind] = kinds[order.customer.kind]
        for line in order.lines.select_related("product__category"):
            product = line.product
            names["product"][product.code] = product.name
            category = product.category
            names["category"][category.code if category else ""] = (
                category.name if category else "无分类"
            )
    return names


def _query(*group_by: str, basis: str = "ordered") -> SalesQuery:
    return SalesQuery(TODAY - timedelta(days=400), TODAY, "year", group_by, basis)


@pytest.mark.django_db
def test_each_grouping_comes_with_its_name_in_the_readers_language(two_regions, clerk):
    expected = _expected_names(two_regions)
    with translation.override("zh-hans"):
        for group in GROUPS:
            rows = sales_statistics(by=clerk, query=_query(group))["rows"]
            got = {row[group]: row[f"{group}_name"] for row in rows}
            assert got == expected[group], group
    assert {"north", "east"} == set(expected["region"])  # both regions are in the data
    with translation.override("en"):  # a label follows the language; names are the records'
        rows = sales_statistics(by=clerk, query=_query("customer_kind", "category"))["rows"]
        assert {row["customer_kind_name"] for row in rows} == {"Hospital", "Distributor"}
        assert {row["category_name"] for row in rows} == {"No category", "镇痛药"}


@pytest.mark.django_db
def test_names_cost_no_query_however_many_rows(
    two_regions, clerk, second_clerk, rep_li, region_east
):
    def queries(*group_by: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            sales_statistics(by=clerk, query=_query(*group_by))
        return len(captured)

    bare = queries()
    # names are joined in the report's own statement
    assert queries("region", "product") == bare
    assert queries("customer_kind") == bare
    before = queries("customer", "rep")
    more = customer_create(by=rep_li, name="杭州第一医院", kind="hospital", region=region_east)
    _approved_order(
        more,
        [{"product": two_regions.first().lines.first().product, "quantity": "1"}],
        clerk=clerk,
        reviewer=second_clerk,
    )
    assert queries("customer", "rep") == before  # more rows, the same queries


@pytest.mark.django_db
def test_billing_rows_carry_names_and_a_rep_without_a_full_name_shows_the_username(
    issued, finance, rep_wang
):
    rows, _totals = billing_statistics(
        by=finance,
        date_from=issued.issued_on,
        date_to=issued.issued_on,
        group_by=["rep", "customer", "invoice_type"],
    )
    assert rows[0]["rep"] == "rep_wang" and rows[0]["rep_name"] == "王磊"
    assert rows[0]["customer"] == issued.customer.code and rows[0]["customer_name"] == "北京医院"
    assert rows[0]["invoice_type_name"] == str(issued.get_invoice_type_display())
    rep_wang.full_name = ""
    rep_wang.save(update_fields=["full_name"])
    rows, _totals = billing_statistics(
        by=finance, date_from=issued.issued_on, date_to=issued.issued_on, group_by=["rep"]
    )
    assert rows[0]["rep_name"] == "rep_wang"


def _sheet(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxml")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@pytest.mark.django_db
def test_the_sales_workbook_has_names_and_the_codes_of_customers_and_products(
    client, two_regions, clerk
):
    client.force_login(clerk)
    expected = _expected_names(two_regions)
    rows = _sheet(
        client.get(
            "/reports/sales/",
            {"period": "year", "g": ["customer", "product"], "format": "xlsx"},
            **ZH,
        )
    )
    assert rows[0][:5] == ("期间", "客户编码", "客户", "产品编码", "产品")
    for row in rows[1:-1]:
        assert expected["customer"][row[1]] == row[2]
        assert expected["product"][row[3]] == row[4]
    assert rows[-1][0] == "合计"
    rows = _sheet(
        client.get(
            "/reports/sales/",
            {"period": "year", "group_by": "region,customer_kind", "format": "xlsx"},
            **ZH,
        )
    )
    assert rows[0][:3] == ("期间", "大区", "客户类型")  # a name alone: the code helps nobody
    cells = {cell for row in rows[1:-1] for cell in row[1:3]}
    assert {"华北大区", "华东大区", "医院", "经销商"} <= cells
    assert not cells & {"north", "east", "hospital", "distributor"}


@pytest.mark.django_db
def test_the_sales_page_and_its_pdf_show_names(client, two_regions, clerk):
    client.force_login(clerk)
    expected = _expected_names(two_regions)
    page = client.get("/reports/sales/", {"period": "year", "g": ["region", "rep"]}, **ZH)
    html = page.content.decode()
    assert page.status_code == 200
    for name in [*expected["region"].values(), *expected["rep"].values()]:
        assert f">{name}</td>" in html
    assert ">north</td>" not in html and ">rep_wang</td>" not in html
    printed = client.get(
        "/reports/sales/", {"period": "year", "g": ["category", "product"], "format": "pdf"}, **ZH
    )
    assert printed["Content-Type"] == "application/pdf" and printed.content[:5] == b"%PDF-"
    assert printed.context["group_columns"] == ["产品类别", "产品编码", "产品"]
    shown = {key for row in printed.context["rows"] for key in row["keys"]}
    assert {"镇痛药", "无分类", "对乙酰氨基酚片", "P0003"} <= shown
    assert "analgesic" not in shown


@pytest.mark.django_db
def test_a_printed_paper_is_all_chinese_for_a_reader_in_english(client, two_regions, clerk):
    """The printed papers are Chinese documents: their headings are in the template, and the
    system's words in them (columns, basis, statuses) follow, whatever the reader's
    language; the page itself stays in the reader's language."""
    client.force_login(clerk)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    params = {"period": "year", "g": ["category", "product"]}
    printed = client.get("/reports/sales/", {**params, "format": "pdf"}, **english)
    assert printed["Content-Type"] == "application/pdf"
    assert printed.context["group_columns"] == ["产品类别", "产品编码", "产品"]
    assert printed.context["basis_label"] == "已下单"
    page = client.get("/reports/sales/", params, **english)
    assert page.context["group_columns"] == ["Category", "Product code", "Product"]


@pytest.mark.django_db
def test_the_billing_page_and_workbook_show_names(client, issued, finance):
    client.force_login(finance)
    params = {"date_from": "2026-01-01", "date_to": "2026-12-31", "g": ["rep", "customer"]}
    html = client.get("/reports/billing/", params, **ZH).content.decode()
    assert ">王磊</td>" in html and ">北京医院</td>" in html and ">rep_wang</td>" not in html
    rows = _sheet(client.get("/reports/billing/", {**params, "format": "xlsx"}, **ZH))
    assert rows[0][:3] == ("销售代表", "客户编码", "客户")
    assert rows[1][:3] == ("王磊", issued.customer.code, "北京医院")


def _series(chart) -> dict[str, list[Decimal]]:
    return {s["label"]: s["amounts"] for s in chart["series"]}


@pytest.mark.django_db
def test_the_chart_shows_the_top_groups_and_the_rest_as_others(admin_user):
    """Summed by the database: the top groups by amount over the range, the rest as one
    series, "Others", each period's whole kept."""
    from backoffice.accounts.models import Region
    from backoffice.sales.models import SalesMonth

    for code, month, amount in [
        ("a", 1, "50"),
        ("a", 2, "60"),
        ("b", 1, "80"),
        ("c", 2, "10"),
        ("d", 2, "5"),
    ]:
        region, _new = Region.objects.get_or_create(code=code, defaults={"name": code.upper()})
        SalesMonth.objects.create(
            basis=1,
            product_id=0,
            customer_id=0,
            month=TODAY.replace(year=2020, month=month, day=1),
            region_id=region.pk,
            owner_id=0,
            customer_kind="",
            category_id=0,
            quantity=Decimal(1),
            gross_amount=Decimal(amount),
            net_amount=Decimal(amount),
            orders=1,
        )
    first, last = TODAY.replace(year=2020, month=1, day=1), TODAY.replace(2020, 2, 29)
    query = SalesQuery(first, last, "month", ("region",), "ordered")
    with translation.override("en"):
        chart = sales_chart(admin_user, query, top=2)
    assert chart["periods"] == ["2020-01", "2020-02"]
    assert _series(chart) == {
        "A": [Decimal(50), Decimal(60)],
        "B": [Decimal(80), Decimal(0)],
        "Others": [Decimal(0), Decimal(15)],
    }
    assert chart["series"][-1]["others"] and not chart["series"][0]["others"]
    # "Others" of a single group would hide its name: it is shown as itself.
    assert set(_series(sales_chart(admin_user, query, top=3))) == {"A", "B", "C", "D"}
    plain = SalesQuery(first, last, "month", (), "ordered")
    totals = sales_chart(admin_user, plain, top=2)
    assert [s["amounts"] for s in totals["series"]] == [[Decimal(130), Decimal(75)]]


@pytest.mark.django_db
def test_the_sales_page_chart_follows_the_grouping(client, two_regions, clerk, monkeypatch):
    from backoffice.reports.selectors import sales

    client.force_login(clerk)
    grouped = client.get("/reports/sales/", {"period": "year", "g": "product"}, **ZH)
    legend = [label for _colour, label in grouped.context["chart"]["legend"]]
    assert sorted(legend) == sorted(_expected_names(two_regions)["product"].values())
    assert 'data-testid="chart-legend"' in grouped.content.decode()
    monkeypatch.setattr(sales, "CHART_SERIES", 1)
    fewer = client.get("/reports/sales/", {"period": "year", "g": "product"}, **ZH)
    assert [label for _c, label in fewer.context["chart"]["legend"]][-1] == "其他"
    plain = client.get("/reports/sales/", {"period": "year"}, **ZH)
    assert not plain.context["chart"]["grouped"]
    assert 'data-testid="chart-legend"' not in plain.content.decode()


@pytest.mark.django_db
def test_the_sales_api_keeps_the_codes_and_adds_the_names(api, two_regions, clerk):
    api.force_authenticate(clerk)
    expected = _expected_names(two_regions)
    body = api.get(
        "/api/v1/reports/sales/",
        {"period": "year", "group_by": "customer_kind,rep", "date_from": f"{TODAY.year}-01-01"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).json()
    for row in body["rows"]:
        assert expected["customer_kind"][row["customer_kind"]] == row["customer_kind_name"]
        assert expected["rep"][row["rep"]] == row["rep_name"]
    assert {row["customer_kind"] for row in body["rows"]} == {"hospital", "distributor"}
    english = api.get(
        "/api/v1/reports/sales/",
        {"period": "year", "group_by": "customer_kind", "date_from": f"{TODAY.year}-01-01"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert {row["customer_kind_name"] for row in english["rows"]} == {"Hospital", "Distributor"}


@pytest.mark.django_db
def test_the_api_schema_documents_every_key_of_the_rows(api, two_regions, clerk, finance):
    from backoffice.reports.apis import BillingRowSerializer, SalesRowSerializer

    api.force_authenticate(clerk)
    documented = set(SalesRowSerializer().fields)
    for group in GROUPS:
        body = api.get("/api/v1/reports/sales/", {"group_by": group, "period": "year"}).json()
        assert body["rows"] and set(body["rows"][0]) <= documented
        assert {group, f"{group}_name"} <= set(body["rows"][0])
    api.force_authenticate(finance)
    body = api.get(
        "/api/v1/reports/billing/",
        {"group_by": "month,rep,customer,invoice_type", "date_from": "2026-01-01"},
    ).json()
    assert set(body["rows"][0]) <= set(BillingRowSerializer().fields)


@pytest.mark.django_db
def test_the_pack_shows_names_and_a_customers_code(two_regions):
    with translation.override("zh-hans"):
        daily = pack_sections("daily", TODAY, TODAY)
        monthly = pack_sections("monthly", TODAY.replace(day=1), TODAY)
    region = daily[1]  # summary, region, rep, customer; from a month: category for customer
    assert region.columns[0] == "大区" and region.text_columns == 1
    assert {row[0] for row in region.rows} == {"华北大区", "华东大区"}
    rep = daily[2]
    assert {row[0] for row in rep.rows} == {"王磊", "李娜"}
    customer = daily[3]
    assert customer.columns[:2] == ["客户编码", "客户"] and customer.text_columns == 2
    assert {row[1] for row in customer.rows} == {"北京医院", "上海医药经销"}
    category = monthly[3]
    assert {row[0] for row in category.rows} == {"镇痛药", "无分类"}
    aging = monthly[-1]  # every amount with its two decimals, an empty bucket too
    assert aging.rows and all(
        cell.as_tuple().exponent == -2 for row in [*aging.rows, aging.total] for cell in row[1:]
    )
    codes = {"north", "east", "rep_wang", "rep_li", "analgesic", "hospital", "distributor"}
    for section in [*daily, *monthly]:
        assert not {cell for row in section.rows for cell in row if isinstance(cell, str)} & codes
