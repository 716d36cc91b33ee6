"""Expense statistics (issue 18 §6): spending against budget by region, category and
month, marketing expense as a share of sales, petty cash per holder; the page, its Excel
export and the API, over what the user may see."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from backoffice.accounts.services import user_create
from backoffice.expenses.tests.factories import (
    BudgetFactory,
    ExpenseApplicationFactory,
    ExpenseCategoryFactory,
    PettyCashEntryFactory,
    PettyCashFloatFactory,
    PettyCashSettlementFactory,
)
from backoffice.reports.selectors.expenses import (
    expense_statistics,
    marketing_share,
    petty_cash_holders,
)
from backoffice.sales.models import SalesFact, SalesMonth

YEAR = {"date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31)}


@pytest.fixture
def general_manager(db):
    return user_create(username="gm", role="general_manager", full_name="钱总")


@pytest.fixture
def spending(region_north, region_east, rep_wang, clerk):
    conference = ExpenseCategoryFactory(code="CONF")
    courier = ExpenseCategoryFactory(
        code="EXPR", name="快递费", group="operations", account_code="660106"
    )
    # the north's conference: a year's budget and two of its months' (the year's counts)
    BudgetFactory(region=region_north, category=conference, amount=Decimal("100000.00"))
    for month in (5, 6):
        BudgetFactory(
            region=region_north,
            category=conference,
            period="month",
            starts_on=date(2026, month, 1),
            amount=Decimal("10000.00"),
        )
    BudgetFactory(region=region_east, category=conference, amount=Decimal("5000.00"))

    def apply(status, amount, spent="0", region=region_north, planned_on=date(2026, 5, 20)):
        return ExpenseApplicationFactory(
            owner=rep_wang,
            region=region,
            category=conference,
            status=status,
            amount=Decimal(amount),
            spent=Decimal(spent),
            planned_on=planned_on,
        )

    apply("in_review", "8000")
    apply("approved", "2000", planned_on=date(2026, 6, 3))
    apply("verified", "6000", spent="5500.50")
    apply("draft", "99999")  # neither committed nor spent
    apply("cancelled", "7000")
    apply("verified", "6000", spent="6000", region=region_east)  # over the east's 5,000
    petty = PettyCashFloatFactory(holder=clerk, region=region_north, status="open")
    petty.cash_on_hand = Decimal("900.00")
    petty.save()
    settled = PettyCashSettlementFactory(petty_float=petty, status="settled")
    PettyCashEntryFactory(petty_float=petty, category=courier, amount="60", settlement=settled)
    PettyCashEntryFactory(petty_float=petty, category=courier, amount="40")
    for region, net in ((region_north, "200000.00"), (region_east, "0.00")):
        SalesMonth.objects.create(
            basis=SalesFact.Basis.ORDERED,
            product_id=0,
            customer_id=0,
            month=date(2026, 5, 1),
            region_id=region.pk,
            owner_id=rep_wang.pk,
            customer_kind="hospital",
            category_id=0,
            quantity=1,
            gross_amount=Decimal(net) * Decimal("1.13"),
            net_amount=Decimal(net),
            orders=1,
        )
    return conference, courier


@pytest.mark.django_db
def test_against_budget_by_region_and_category(spending, general_manager):
    rows, totals = expense_statistics(by=general_manager, group_by=["region", "category"], **YEAR)
    figures = {
        (r["region_name"], r["category_name"]): (
            r["budget"],
            r["committed"],
            r["spent"],
            r["available"],
            r["used_percent"],
            r["petty_cash"],
        )
        for r in rows
    }
    assert figures == {
        ("华北大区", "会议费"): (
            Decimal("100000.00"),
            Decimal("10000.00"),
            Decimal("5500.50"),
            Decimal("84499.50"),
            Decimal("15.5"),
            Decimal("0.00"),
        ),
        ("华北大区", "快递费"): (
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            Decimal("0.00"),
            None,
            Decimal("100.00"),
        ),
        ("华东大区", "会议费"): (
            Decimal("5000.00"),
            Decimal("0.00"),
            Decimal("6000.00"),
            Decimal("-1000.00"),
            Decimal("120.0"),
            Decimal("0.00"),
        ),
    }
    assert totals["budget"] == Decimal("105000.00") and totals["spent"] == Decimal("11500.50")
    assert totals["available"] == Decimal("83499.50")


@pytest.mark.django_db
def test_by_month_only_the_months_budgets_count(spending, general_manager, region_north):
    rows, _totals = expense_statistics(by=general_manager, group_by=["region", "month"], **YEAR)
    north = {r["month"]: r for r in rows if r["region_name"] == "华北大区"}
    assert north["2026-05"]["budget"] == Decimal("10000.00")
    assert north["2026-05"]["committed"] == Decimal("8000.00")
    assert north["2026-06"]["committed"] == Decimal("2000.00")


@pytest.mark.django_db
def test_a_rep_sees_only_their_own_applications_and_no_budget(spending, rep_li):
    rows, totals = expense_statistics(by=rep_li, group_by=["region"], **YEAR)
    assert rows == [] and totals["budget"] == 0
    assert marketing_share(by=rep_li, **YEAR) == []


@pytest.mark.django_db
def test_marketing_share_of_sales_and_petty_cash_per_holder(spending, general_manager, clerk):
    shares = marketing_share(by=general_manager, **YEAR)
    assert [
        (s["region_name"], s["month"], s["marketing_spent"], s["sales"], s["share_percent"])
        for s in shares
    ] == [
        ("华东大区", "2026-05", Decimal("6000.00"), Decimal("0.00"), None),
        ("华北大区", "2026-05", Decimal("5500.50"), Decimal("200000.00"), Decimal("2.8")),
    ]
    (holder,) = petty_cash_holders(by=general_manager, **YEAR)
    assert holder["holder_name"] == str(clerk)
    assert (holder["spent"], holder["settled"], holder["unsettled"]) == (
        Decimal("100.00"),
        Decimal("60.00"),
        Decimal("100.00"),
    )


@pytest.mark.django_db
def test_the_page_its_excel_and_the_api(spending, general_manager, client, api):
    client.force_login(general_manager)
    page = client.get("/reports/expenses/?date_from=2026-01-01&date_to=2026-12-31")
    html = page.content.decode()
    assert page.status_code == 200 and "84,499.50" in html and "华东大区" in html
    bad = client.get("/reports/expenses/?g=colour")
    assert bad.status_code == 400
    book = load_workbook(
        io.BytesIO(
            client.get(
                "/reports/expenses/?date_from=2026-01-01&date_to=2026-12-31&format=xlsx"
            ).content
        )
    )
    assert len(book.sheetnames) == 3
    sheet = {row[:2]: row for row in book.worksheets[0].iter_rows(values_only=True)}
    assert sheet[("华北大区", "会议费")][2] == 100000
    assert sheet[("华东大区", "会议费")][5] == -1000
    api.force_authenticate(general_manager)
    answer = api.get(
        "/api/v1/reports/expenses/?date_from=2026-01-01&date_to=2026-12-31&group_by=region"
    ).json()
    north = next(r for r in answer["rows"] if r["region"] == "north")
    assert north["budget"] == "100000.00" and north["petty_cash"] == "100.00"
    assert answer["marketing_share"][1]["share_percent"] == "2.8"
    assert answer["petty_cash"][0]["unsettled"] == "100.00"
    assert api.get("/api/v1/reports/expenses/?group_by=colour").status_code == 400


@pytest.mark.django_db
def test_the_dashboard_shows_the_current_budgets_most_used_first(
    spending, general_manager, rep_wang, client
):
    import time_machine

    with time_machine.travel("2026-06-15 10:00:00+08:00", tick=False):
        client.force_login(general_manager)
        html = client.get("/").content.decode()
        assert 'data-testid="budget-use"' in html
        east, north = html.index("华东大区 · 会议费"), html.index("华北大区 · 会议费")
        assert east < north  # 120 % used before the north's June budget
        assert "¥2,000.00 / ¥10,000.00" in html  # June's own budget, not the year's
        client.force_login(rep_wang)  # a rep sees no budgets
        assert 'data-testid="budget-use"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_budgets_of_several_lengths_count_once_each_and_no_region_is_a_row(
    region_north, general_manager, clerk
):
    conference = ExpenseCategoryFactory(code="CONF")
    courier = ExpenseCategoryFactory(
        code="EXPR", name="快递费", group="operations", account_code="660106"
    )
    BudgetFactory(
        region=region_north,
        category=conference,
        period="quarter",
        starts_on=date(2026, 1, 1),
        amount=Decimal("300.00"),
    )
    for month in (2, 4, 5, 6):  # February lies within the first quarter: counted once
        BudgetFactory(
            region=region_north,
            category=conference,
            period="month",
            starts_on=date(2026, month, 1),
            amount=Decimal("100.00"),
        )
    clerks_float = PettyCashFloatFactory(holder=clerk, region=None, status="open")
    PettyCashEntryFactory(petty_float=clerks_float, category=courier, amount="15")
    rows, totals = expense_statistics(
        by=general_manager,
        date_from=date(2026, 1, 1),
        date_to=date(2026, 6, 30),
        group_by=["region"],
    )
    assert totals["budget"] == Decimal("600.00")
    no_region = next(r for r in rows if r["region"] == "")
    assert str(no_region["region_name"]) == "No region"
    assert no_region["petty_cash"] == Decimal("15.00") and totals["petty_cash"] == 15
