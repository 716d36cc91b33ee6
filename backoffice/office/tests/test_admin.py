"""The staff UI of the office, in Chinese: a mail item entered, a carrier's bill uploaded and
shown matched, then settled with its step; a rep sees no bill."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from backoffice.office.models import CarrierBill, MailItem
from backoffice.office.tests.conftest import bill_csv, last_month, sent

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def test_a_clerk_enters_mail_uploads_a_bill_and_settles_it(clerk, carrier, hospital, rep_wang):
    client = _client(clerk)
    day = last_month() + timedelta(days=5)
    added = client.post(
        "/office/mailitem/add/",
        {
            "direction": "out",
            "kind": "invoice",
            "customer": hospital.pk,
            "counterparty": "",
            "carrier": carrier.pk,
            "tracking_number": "SF500",
            "shipped_on": day.isoformat(),
            "cost": "12.00",
        },
    )
    assert added.status_code == 302
    item = MailItem.objects.get(tracking_number="SF500")
    assert item.counterparty == "北京医院" and item.created_by == clerk
    sent(clerk, carrier, "SF501", "15.00", day)
    page = client.get("/office/mailitem/?q=SF500")
    assert page.status_code == 200 and "SF500" in page.content.decode()

    form = client.get("/office/carrierbill/add/").content.decode()
    assert "运单号、日期、重量、费用" in form
    uploaded = client.post(
        "/office/carrierbill/add/",
        {
            "carrier": carrier.pk,
            "month_text": last_month().strftime("%Y-%m"),
            "tolerance": "1.00",
            "file": SimpleUploadedFile(
                "账单.csv", bill_csv([["SF500", "", "1", "12.00"], ["SF900", "", "1", "8.00"]])
            ),
        },
    )
    assert uploaded.status_code == 302, uploaded.content.decode()[:3000]
    bill = CarrierBill.objects.get()
    page = client.get(f"/office/carrierbill/{bill.pk}/change/").content.decode()
    for text in ("已匹配", "登记中没有", "SF900", "登记有、账单无", "SF501", "结算本月"):
        assert text in page, text
    settled = client.post(f"/office/carrierbill/{bill.pk}/step/settle/")
    assert settled.status_code == 302
    bill.refresh_from_db()
    assert bill.status == "settled"
    assert str(MailItem.objects.get(tracking_number="SF500").fee) == "12.00"

    rep = _client(rep_wang)
    assert rep.get("/office/carrierbill/").status_code == 403
    assert "SF500" in rep.get("/office/mailitem/").content.decode()  # 北京医院 is 王磊's


def test_a_bill_prints_its_reconciliation_and_exports_every_line(clerk, carrier, rep_wang):
    import io

    from openpyxl import load_workbook

    from backoffice.office.services import bill_upload

    day = last_month() + timedelta(days=3)
    sent(clerk, carrier, "SF601", "10.00", day)
    sent(clerk, carrier, "SF602", "11.00", day)  # not on the bill
    bill, _changed = bill_upload(
        by=clerk,
        carrier=carrier,
        month=last_month(),
        content=bill_csv([["SF601", "", "1", "10.00"], ["SF999", "", "2", "8.00"]]),
        filename="账单.csv",
    )
    client = _client(clerk)
    page = client.get(f"/office/carrierbill/{bill.pk}/change/").content.decode()
    assert f"/office/carrierbill/{bill.pk}/print/" in page and "对账单" in page
    printed = client.get(f"/office/carrierbill/{bill.pk}/print/").content.decode()
    for text in ("快 递 费 对 账 单", "顺丰速运", "SF999", "登记中没有", "SF602", "承运商确认"):
        assert text in printed, text
    assert "SF601" not in printed  # matched lines are counted, not listed

    answer = client.get(f"/office/carrierbill/{bill.pk}/xlsx/")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    lines, missing = book.worksheets
    rows = [[cell.value for cell in row] for row in lines.iter_rows()]
    assert rows[0][:2] == ["行号", "运单号"]
    number = MailItem.objects.get(tracking_number="SF601").number
    assert [(r[1], r[6], (r[7] or "").split(" ")[0]) for r in rows[1:]] == [
        ("SF601", "已匹配", number),
        ("SF999", "登记中没有", ""),
    ]
    assert [row[1].value for row in missing.iter_rows(min_row=2)] == ["SF602"]

    rep = _client(rep_wang)
    assert rep.get(f"/office/carrierbill/{bill.pk}/print/").status_code == 403
    assert rep.get(f"/office/carrierbill/{bill.pk}/xlsx/").status_code == 403


def test_the_register_prints_as_filtered(clerk, carrier):
    day = last_month() + timedelta(days=2)
    sent(clerk, carrier, "SF701", "9.00", day)
    sent(clerk, carrier, "SF702", "9.50", day + timedelta(days=1))
    client = _client(clerk)
    listed = client.get("/office/mailitem/").content.decode()
    assert "/office/mailitem/print-list/" in listed
    printed = client.get(
        "/office/mailitem/print-list/",
        HTTP_REFERER="http://testserver/office/mailitem/?q=SF702",
    ).content.decode()
    assert "收 发 登 记 簿" in printed and "SF702" in printed and "SF701" not in printed
    assert (day + timedelta(days=1)).isoformat() in printed
