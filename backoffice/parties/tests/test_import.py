import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from backoffice.core.tabular import read_table
from backoffice.parties.imports import customers_import
from backoffice.parties.models import Contact, Customer
from backoffice.parties.tests.conftest import VALID_USCC

HEADER = ["名称", "类别", "大区", "税号", "信用额度", "联系人", "联系人电话", "负责人"]


def xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["北京医院", "医院", "north", VALID_USCC[0], 500000.5, "张主任", "13800000001", "rep_wang"],
    [
        "国药控股北京有限公司",
        "distributor",
        "华北大区",
        VALID_USCC[1],
        "1,000,000",
        "",
        "",
        "rep_wang",
    ],
]


@pytest.mark.django_db
def test_a_clean_file_creates_customers_and_contacts_once(clerk, rep_wang, region_north):
    rows = read_table(xlsx(GOOD), filename="customers.xlsx")
    preview = customers_import(rows=rows, by=clerk, commit=False)
    assert (len(preview.to_create), preview.errors) == (2, [])
    assert not Customer.objects.exists()  # the preview writes nothing

    done = customers_import(rows=rows, by=clerk, commit=True)
    assert done.created == 2
    hospital = Customer.objects.get(name="北京医院")
    assert str(hospital.credit_limit) == "500000.50"
    assert Contact.objects.get(customer=hospital).name == "张主任"
    assert str(Customer.objects.get(kind="distributor").credit_limit) == "1000000.00"

    again = customers_import(rows=rows, by=clerk, commit=True)
    assert (again.created, len(again.unchanged)) == (0, 2)
    assert Customer.objects.count() == 2


@pytest.mark.django_db
def test_errors_are_reported_per_row_and_column_and_nothing_is_written(
    clerk, rep_wang, region_north
):
    rows = read_table(
        xlsx(
            [
                *GOOD,
                ["", "医院", "north", "", "", "", "", "rep_wang"],
                ["坏税号医院", "医院", "north", "91110000600037341X", "", "", "", "rep_wang"],
                ["火星医院", "spaceship", "mars", "", "abc", "", ""],
            ]
        ),
        filename="customers.xlsx",
    )
    result = customers_import(rows=rows, by=clerk, commit=True)
    problems = {(e.row, e.column) for e in result.errors}
    assert problems == {(4, "name"), (5, "tax_id"), (6, "kind"), (6, "region"), (6, "credit_limit")}
    # People read the column as their file names it, never a field code (tax_id).
    labels = {(e.row, e.label) for e in result.errors}
    assert labels == {(4, "名称"), (5, "税号"), (6, "类别"), (6, "大区"), (6, "信用额度")}
    assert result.created == 0
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_csv_in_gb18030_and_duplicate_rows_in_one_file(clerk, rep_wang, region_north):
    text = (
        f"名称,类别,大区,税号,负责人\n甲医院,医院,north,{VALID_USCC[2]},rep_wang\n"
        f"乙医院,医院,north,{VALID_USCC[2]},rep_wang\n"
    )
    rows = read_table(text.encode("gb18030"), filename="customers.csv")
    result = customers_import(rows=rows, by=clerk, commit=False)
    assert [(e.row, e.column) for e in result.errors] == [(3, "tax_id")]


def test_a_file_that_is_not_a_table_is_refused():
    from backoffice.core.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed):
        read_table(b"not a zip", filename="x.xlsx")
    with pytest.raises(ValidationFailed):
        read_table(b"a,b", filename="x.exe")


@pytest.mark.django_db
def test_an_owner_who_is_no_rep_of_the_region_is_an_error_of_the_row(clerk, rep_li, region_north):
    """A clerk's import without owners would make her the rep of them all: each row says so."""
    no_owner = [row[:7] for row in GOOD]
    result = customers_import(
        rows=read_table(xlsx(no_owner), filename="c.xlsx"), by=clerk, commit=True
    )
    assert {(e.row, e.column) for e in result.errors} == {(2, "owner"), (3, "owner")}
    other_region = [[*row[:7], "rep_li"] for row in GOOD]
    result = customers_import(
        rows=read_table(xlsx(other_region), filename="c.xlsx"), by=clerk, commit=False
    )
    assert {(e.row, e.column) for e in result.errors} == {(2, "owner"), (3, "owner")}
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_preview_then_confirm_in_the_admin(client, clerk, rep_wang, region_north):
    client.force_login(clerk)
    upload = SimpleUploadedFile("customers.xlsx", xlsx(GOOD))
    preview = client.post("/parties/customer/import/", {"file": upload})
    body = preview.content.decode()
    assert 'data-testid="import-preview"' in body and "北京医院" in body
    assert not Customer.objects.exists()
    token = preview.context["token"]
    done = client.post("/parties/customer/import/", {"token": token})
    assert done.status_code == 200 and 'data-testid="import-done"' in done.content.decode()
    assert Customer.objects.count() == 2


@pytest.mark.django_db
def test_import_through_the_api(api, clerk, rep_wang, region_north):
    api.force_authenticate(clerk)
    dry = api.post(
        "/api/v1/parties/customers/import/?dry_run=true",
        {"file": SimpleUploadedFile("c.xlsx", xlsx(GOOD))},
        format="multipart",
    )
    body = dry.json()
    assert {k: body[k] for k in ("ok", "created", "to_create", "unchanged", "errors")} == {
        "ok": True,
        "created": 0,
        "to_create": 2,
        "unchanged": 0,
        "errors": [],
    }
    bad = api.post(
        "/api/v1/parties/customers/import/",
        {"file": SimpleUploadedFile("c.xlsx", xlsx([["x", "医院", "mars", "", "", "", ""]]))},
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"row": 2, "column": "region", "message": "Unknown region “mars”."}
    ]
    api.force_authenticate(rep_wang)  # a rep sets no credit limit (issue 15 §3)
    refused = api.post(
        "/api/v1/parties/customers/import/",
        {"file": SimpleUploadedFile("c.xlsx", xlsx(GOOD))},
        format="multipart",
    )
    assert refused.status_code == 400
    assert {(e["row"], e["column"]) for e in refused.json()["errors"]} == {
        (2, "credit_limit"),
        (3, "credit_limit"),
    }
    api.force_authenticate(clerk)
    assert (
        api.post(
            "/api/v1/parties/customers/import/",
            {"file": SimpleUploadedFile("c.xlsx", xlsx(GOOD))},
            format="multipart",
        ).json()["created"]
        == 2
    )
