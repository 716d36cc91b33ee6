import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from backoffice.reports.selectors.billing import billing_statistics
from backoffice.sales.tests.red_letters import red_letter


@pytest.mark.django_db
def test_billing_by_month_and_type_nets_red_letters(issued, finance, rep_wang, clerk, third_clerk):
    red_letter(
        invoice=issued,
        by=finance,
        reviewers=(clerk, third_clerk),
        invoice_number="55555555",
        issued_on=date(2026, 11, 2),
        reason="部分冲红",
        lines=[{"order_line": issued.lines.first().order_line, "quantity": "1"}],
    )
    rows, totals = billing_statistics(
        by=finance,
        date_from=date(2026, 1, 1),
        date_to=date(2026, 12, 31),
        group_by=["month", "invoice_type"],
    )
    assert [(r["month"], r["invoices"], r["gross_amount"]) for r in rows] == [
        ("2026-10", 1, Decimal("244.32")),
        ("2026-11", 1, Decimal("-18.50")),
    ]
    assert totals["gross_amount"] == Decimal("225.82")
    by_rep, _ = billing_statistics(
        by=rep_wang, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31), group_by=["rep"]
    )
    assert [r["rep"] for r in by_rep] == ["rep_wang"]


@pytest.mark.django_db
def test_billing_api_page_and_excel(api, client, issued, finance, rep_li):
    api.force_authenticate(finance)
    body = api.get(
        "/api/v1/reports/billing/",
        {"date_from": "2026-10-01", "date_to": "2026-10-31", "group_by": "customer"},
    ).json()
    assert body["totals"] == {
        "invoices": 1,
        "gross_amount": "244.32",
        "net_amount": str(issued.net_amount),
        "tax_amount": str(issued.tax_amount),
    }
    assert body["rows"][0]["customer_name"] == "北京医院"
    assert api.get("/api/v1/reports/billing/", {"group_by": "planet"}).status_code == 400
    api.force_authenticate(rep_li)
    assert api.get("/api/v1/reports/billing/").json()["totals"]["invoices"] == 0
    client.force_login(finance)
    page = client.get(
        "/reports/billing/",
        {"date_from": "2026-01-01", "date_to": "2026-12-31", "group_by": "month"},
    )
    assert (
        'data-testid="billing-report"' in page.content.decode()
        and "2026-10" in page.content.decode()
    )
    sheet = client.get(
        "/reports/billing/",
        {"date_from": "2026-01-01", "date_to": "2026-12-31", "group_by": "month", "format": "xlsx"},
    )
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "2026-10"
    assert rows[-1][0] == "Total"
    assert str(rows[-1][-3]) == "244.32"


@pytest.mark.django_db
def test_aging_page_and_excel(client, issued, finance, rep_li):
    client.force_login(finance)
    page = client.get("/reports/aging/", {"as_of": "2027-06-30"}).content.decode()
    assert 'data-testid="aging-report"' in page and "北京医院" in page and "244.32" in page
    sheet = client.get("/reports/aging/", {"as_of": "2027-06-30", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Customer" and rows[1][0] == "北京医院"
    client.force_login(rep_li)
    assert "北京医院" not in client.get("/reports/aging/", {"as_of": "2027-06-30"}).content.decode()
