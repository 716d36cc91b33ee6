"""A manager reads the sales statistics in Chinese, by region and product: names in the
table, the chart's series by group, the same names in the Excel file; a bad address comes
back as a message in the form (issue 14 §2)."""

import io

import pytest
from openpyxl import load_workbook

from backoffice.reports.tests.test_report_names import two_regions  # noqa: F401 - a fixture
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sales_statistics_by_region_and_product_in_chinese(
    live_server,
    page,
    admin_user,
    two_regions,  # noqa: F811 - the fixture imported above
    screenshot,
):
    page.context.add_cookies(
        [{"name": "django_language", "value": "zh-hans", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", admin_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_test_id("dashboard").wait_for()

    page.goto(f"{live_server.url}/reports/sales/")
    form = page.locator("form").filter(has=page.locator("select[name=period]"))
    form.locator("select[name=period]").select_option(label="年度")
    groupings = form.locator("select[name=g]")
    groupings.nth(0).select_option(label="大区")
    groupings.nth(1).select_option(label="产品")
    form.get_by_role("button", name="查询").click()
    page.wait_for_url("**g=region**")

    table = page.locator("table").first
    headers = table.locator("thead th").all_inner_texts()
    assert headers[:4] == ["期间", "大区", "产品编码", "产品"]
    text = table.inner_text()
    for name in ("华北大区", "华东大区", "阿莫西林胶囊", "对乙酰氨基酚片", "P0003"):
        assert name in text, name
    for code in ("north", "east"):
        assert code not in text
    legend = page.get_by_test_id("chart-series").all_inner_texts()
    assert len(legend) >= 3 and "华东大区 · 对乙酰氨基酚片" in legend
    assert page.get_by_test_id("chart-segment").count() >= 3
    screenshot("sales-by-region-and-product-zh")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("期间", "大区", "产品编码", "产品")
    assert {"华北大区", "华东大区"} <= {row[1] for row in rows[1:-1]}

    page.goto(f"{live_server.url}/reports/sales/?date_from=abc&g=region&g=planet")
    errors = page.get_by_test_id("report-errors")
    assert "开始日期" in errors.inner_text() and "不是可选的值" in errors.inner_text()
    assert "{" not in errors.inner_text()
    screenshot("sales-bad-parameters-zh")
