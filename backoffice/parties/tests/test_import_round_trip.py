"""The customers' Excel export imports back as it is (the Chinese UI walk, issue 15 §22):
its headers, its owner (the person's name), its region (the name), its labels (kind,
invoice type) are all read; nothing is refused and nothing changes."""

import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from backoffice.accounts.models import User
from backoffice.core.tabular import read_table
from backoffice.parties.imports import customers_import
from backoffice.parties.tests.conftest import VALID_USCC
from backoffice.parties.tests.test_import import GOOD, xlsx

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _export(client) -> bytes:
    response = client.get("/parties/customer/export-xlsx/", **ZH)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_export_imports_back_with_no_error_and_no_change(client, clerk, rep_wang, region_north):
    with translation.override("zh-hans"):
        created = customers_import(
            rows=read_table(xlsx(GOOD), filename="c.xlsx"), by=clerk, commit=True
        )
    assert created.ok and created.created == 2
    client.force_login(clerk)
    content = _export(client)
    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert "负责人" in header
    owners = {row[header.index("负责人")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert owners == {"王磊"}  # the person, as people read it
    with translation.override("zh-hans"):
        again = customers_import(
            rows=read_table(content, filename="c.xlsx"), by=clerk, commit=False
        )
    assert [(e.row, e.label, e.message) for e in again.errors] == []
    assert again.differences == [] and again.to_update == [] and again.to_create == []
    assert len(again.unchanged) == 2
    # every column the import reads is read from the export: a changed tax id is seen
    column = header.index("税号（统一社会信用代码）")
    for cells in sheet.iter_rows(min_row=2):
        if cells[header.index("名称")].value == "北京医院":
            cells[column].value = VALID_USCC[2]
    edited = io.BytesIO()
    sheet.parent.save(edited)
    with translation.override("zh-hans"):
        changed = customers_import(
            rows=read_table(edited.getvalue(), filename="c.xlsx"), by=clerk, commit=False
        )
    assert [(d.field, d.new) for d in changed.differences] == [("tax_id", VALID_USCC[2])]


def test_an_owner_is_named_by_login_or_by_a_full_name_only_one_active_user_has(
    clerk, rep_wang, region_north
):
    rows = [
        {"名称": "甲医院", "类别": "医院", "大区": "north", "负责人": "rep_wang"},
        {"名称": "乙医院", "类别": "医院", "大区": "north", "负责人": "王磊"},
    ]
    assert customers_import(rows=rows, by=clerk, commit=False).errors == []
    twin = User.objects.create_user(username="wang_lei2", full_name="王磊")
    result = customers_import(rows=rows, by=clerk, commit=False)
    problems = {e.row: e.message for e in result.errors}
    assert list(problems) == [3]  # the login name is always enough
    assert "rep_wang" in problems[3] and "wang_lei2" in problems[3]  # the candidates named
    twin.is_active = False
    twin.save()
    assert customers_import(rows=rows, by=clerk, commit=False).errors == []


def test_the_import_page_lists_the_headers_people_read(client, clerk):
    client.force_login(clerk)
    page = client.get("/parties/customer/import/", **ZH).content.decode()
    help_text = page.split('data-testid="import-columns">')[1].split("</p>")[0]
    assert "名称、类别、大区" in help_text
    for header in ("负责人", "信用额度", "税号（统一社会信用代码）", "联系人电话"):
        assert header in help_text
    assert "credit_limit" not in help_text and "owner" not in help_text
    assert "登录名" in help_text
