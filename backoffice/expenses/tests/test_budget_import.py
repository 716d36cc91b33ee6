"""The year's budgets from Excel (issue 18 §2): headed in Chinese or English, all rows
checked before anything is written, a budget already there changed and audited."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from backoffice.audit.models import AuditEvent
from backoffice.expenses.imports import budgets_import
from backoffice.expenses.models import Budget
from backoffice.expenses.tests.factories import BudgetFactory, ExpenseCategoryFactory

HEADER = ["区域", "费用类别", "期间", "开始日期", "预算金额", "备注"]


def workbook(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table(rows, header=HEADER):
    return [dict(zip(header, [str(v) for v in row], strict=True)) for row in rows]


@pytest.fixture
def categories(db):
    return ExpenseCategoryFactory(code="CONF"), ExpenseCategoryFactory(
        code="EXPR", name="快递费", group="operations", account_code="660106"
    )


@pytest.mark.django_db
def test_a_year_of_budgets_is_imported_and_one_already_there_is_changed(
    categories, region_north, region_east, finance
):
    conference, _courier = categories
    there = BudgetFactory(region=region_north, category=conference, amount=Decimal("1000.00"))
    rows = table(
        [
            ["north", "会议费", "年", "2026-01-01", "120000", "全年"],
            ["华东大区", "EXPR", "季度", "2026-04-15", "3,000.50", ""],  # any day of it
            ["east", "CONF", "month", "2026-05-01", "8000", ""],
        ]
    )
    checked = budgets_import(rows=rows, by=finance, commit=False)
    assert checked.ok and (checked.created, checked.updated) == (2, 1)
    assert Budget.objects.count() == 1  # only checked
    done = budgets_import(rows=rows, by=finance, commit=True)
    assert done.ok and Budget.objects.count() == 3
    there.refresh_from_db()
    assert there.amount == Decimal("120000.00") and there.note == "全年"
    quarter = Budget.objects.get(region=region_east, period="quarter")
    assert quarter.starts_on == date(2026, 4, 1) and quarter.amount == Decimal("3000.50")
    assert AuditEvent.objects.filter(model="expenses.budget", action="update").exists()
    again = budgets_import(rows=rows, by=finance, commit=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.django_db
def test_one_bad_row_writes_nothing_and_every_problem_names_its_row(
    categories, region_north, finance
):
    rows = table(
        [
            ["north", "会议费", "年", "2026-01-01", "1000", ""],
            ["west", "礼品", "半年", "2026-13-01", "-5", ""],
            ["north", "CONF", "year", "2026-06-30", "2000", ""],  # the same year again
        ]
    )
    result = budgets_import(rows=rows, by=finance, commit=True)
    assert not result.ok and not Budget.objects.exists()
    assert {(e.row, e.column) for e in result.errors} == {
        (3, "region"),
        (3, "category"),
        (3, "period"),
        (3, "starts_on"),
        (3, "amount"),
        (4, "starts_on"),
    }
    missing = budgets_import(rows=[{"区域": "north"}], by=finance, commit=False)
    assert missing.errors[0].row == 1 and "amount" in missing.errors[0].column


@pytest.mark.django_db
def test_only_finance_imports_budgets(categories, rep_wang):
    with pytest.raises(Exception) as refused:
        budgets_import(rows=[], by=rep_wang, commit=False)
    assert getattr(refused.value, "status", None) == 403


@pytest.mark.django_db
def test_the_page_checks_then_imports(categories, region_north, finance, client):
    client.force_login(finance)
    url = "/expenses/budget/import/"
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile(
        "budgets.xlsx", workbook([["north", "CONF", "年", date(2026, 1, 1), 50000, ""]])
    )
    checked = client.post(url, {"file": upload})
    assert checked.status_code == 200 and 'data-testid="import-confirm"' in checked.content.decode()
    assert not Budget.objects.exists()
    rows = checked.context["rows"]
    assert json.loads(rows)[0]["开始日期"] == "2026-01-01"
    done = client.post(url, {"rows": rows})
    assert done.status_code == 302
    assert Budget.objects.get().amount == Decimal("50000.00")


@pytest.mark.django_db
def test_through_the_api(categories, region_north, finance, api):
    api.force_authenticate(finance)
    content = workbook(
        [["north", "CONF", "year", "2026-01-01", "50000", ""], ["north", "X", "年", "", "", ""]]
    )
    refused = api.post(
        "/api/v1/expenses/budgets/import/",
        {"file": SimpleUploadedFile("b.xlsx", content), "commit": "true"},
        format="multipart",
    )
    assert refused.status_code == 400
    assert {r["column"] for r in refused.json()["extra"]["rows"]} == {
        "category",
        "starts_on",
        "amount",
    }
    content = workbook([["north", "CONF", "year", "2026-01-01", "50000", ""]])
    done = api.post(
        "/api/v1/expenses/budgets/import/",
        {"file": SimpleUploadedFile("b.xlsx", content), "commit": "true"},
        format="multipart",
    )
    assert done.status_code == 201 and done.json()["created"] == 1
