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
