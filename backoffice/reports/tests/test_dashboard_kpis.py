"""The dashboard's tiles and charts (issue #6): sales today / month / year to date against
the previous period, receivables, overdue; each number links to what is behind it; a rep
sees only their own customers."""

import csv
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.reports.selectors.kpis import sales_kpis
from backoffice.sales.history import history_import_run, sources_in


def _write(directory: Path, name: str, rows: list[list]) -> None:
    with (directory / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.fixture
def sales(tmp_path, db):
    today = timezone.localdate()
    days = {
        "T": today,
        "Y": today - timedelta(days=1),
        "LY": today.replace(year=today.year - 1, day=min(today.day, 28)),
    }
    _write(tmp_path, "regions", [["code", "name"], ["E", "华东"], ["N", "华北"]])
    _write(
        tmp_path, "reps", [["code", "name", "region_code"], ["r1", "甲", "E"], ["r2", "乙", "N"]]
    )
    _write(
        tmp_path,
        "customers",
        [
            ["code", "name", "kind", "region_code", "rep_code"],
            ["A", "甲医院", "hospital", "E", "r1"],
            ["B", "乙药店", "pharmacy", "N", "r2"],
        ],
    )
    _write(tmp_path, "products", [["code", "name", "unit", "list_price"], ["P", "药", "盒", "10"]])
    _write(
        tmp_path,
        "orders",
        [["number", "date", "customer_code", "rep_code"]]
        + [
            [f"O-{key}-{c}", day.isoformat(), c, "r1" if c == "A" else "r2"]
            for key, day in days.items()
            for c in "AB"
        ],
    )
    _write(
        tmp_path,
        "order_lines",
        [["order_number", "line_no", "product_code", "quantity", "unit_price"]]
        + [
            [f"O-{key}-{c}", 1, "P", qty, "10.00"]
            for (key, c), qty in {
                ("T", "A"): 3,
                ("T", "B"): 1,
                ("Y", "A"): 2,
                ("Y", "B"): 2,
                ("LY", "A"): 5,
                ("LY", "B"): 5,
            }.items()
        ],
    )
    _write(
        tmp_path,
        "opening_balances",
        [
            ["customer_code", "amount", "as_of"],
            ["A", "500.00", (today - timedelta(days=40)).isoformat()],
        ],
    )
    assert history_import_run(sources=sources_in(tmp_path), by=None).status == "succeeded"
    return today


@pytest.mark.django_db
def test_tiles_compare_with_the_previous_period_and_link_to_the_report(sales, admin_user):
    today = sales
    kpis = sales_kpis(admin_user, today=today)
    tiles = {tile["title"]: tile for tile in kpis["tiles"]}
    assert tiles["Sales today"]["value"] == Decimal("40.00")
    assert tiles["Sales today"]["before"] == Decimal("40.00")
    assert tiles["Sales today"]["change"] == "0.0"
    assert f"date_from={today}" in tiles["Sales today"]["url"]
    year = tiles["Sales this year"]
    expected_year = (
        Decimal("80.00") if (today - timedelta(days=1)).year == today.year else Decimal("40.00")
    )
    assert year["value"] == expected_year and year["before"] == Decimal("100.00")
    assert tiles["Receivables"]["value"] == Decimal("500.00")
    assert tiles["Overdue"]["value"] == Decimal("500.00")  # due on its date, 40 days ago
    assert tiles["Overdue"]["url"].endswith("?overdue=yes")
    assert kpis["trend"][-1]["amount"] >= Decimal("40.00") and len(kpis["trend"]) == 12
    assert [row["label"] for row in kpis["customers"]][:1] in (["甲医院"], ["乙药店"])
    assert kpis["products"][0]["label"] == "药"


@pytest.mark.django_db
def test_a_rep_sees_only_their_own_customers(sales):
    rep = User.objects.get(username="r1")
    tiles = {tile["title"]: tile for tile in sales_kpis(rep, today=sales)["tiles"]}
    assert tiles["Sales today"]["value"] == Decimal("30.00")
    assert [row["label"] for row in sales_kpis(rep, today=sales)["customers"]] == ["甲医院"]


@pytest.mark.django_db
def test_the_start_page_shows_the_tiles_and_charts(client, sales, admin_user):
    client.force_login(admin_user)
    page = client.get("/").content.decode()
    for testid in ("kpi-tiles", "trend-chart", "region-chart", "top-customers", "top-products"):
        assert f'data-testid="{testid}"' in page
    assert "¥40.00" in page
