"""Issue 17 §11 in a browser, in Chinese: a clerk uploads a carrier's monthly bill, reads
its matching against the register (matched, fee differing, not in the register, missing
from it), and settles the month; the fees are in the register. Every page is read for raw
codes or English (the Chinese walk's check)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.office.models import CarrierBill, MailItem
from backoffice.office.services import carrier_save, mail_register
from tests.browser.test_clerks_day import Day, _person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_reconciles_and_settles_a_carrier_bill(live_server, zh_page):
    clerk = _person("clerk_o", "clerk", "陈静")
    sf = carrier_save(by=clerk, code="SF", name="顺丰速运", status="approved")
    month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    for n, cost in enumerate(["12.00", "15.00", "18.00"], start=1):
        mail_register(
            by=clerk,
            kind="contract",
            counterparty=f"客户{n}",
            carrier=sf,
            tracking_number=f"SF10{n}",
            shipped_on=month + timedelta(days=n),
            cost=cost,
        )
    bill = "\n".join(
        [
            "运单号,寄件日期,计费重量,运费",
            f"SF101,{month + timedelta(days=1)},1.0,12.00",
            f"SF102,{month + timedelta(days=2)},1.5,21.00",
            f"SF999,{month + timedelta(days=9)},0.5,10.00",
        ]
    ).encode()
    day, page = Day(zh_page, live_server), zh_page

    day.login("clerk_o")
    day.go("/office/carrierbill/add/")
    page.select_option("select[name=carrier]", label="顺丰速运")
    page.fill("input[name=month_text]", month.strftime("%Y-%m"))
    page.set_input_files(
        "input[name=file]", {"name": "顺丰账单.csv", "mimeType": "text/csv", "buffer": bill}
    )
    page.locator("button[name=_continue]").click()
    page.get_by_text("需核对的行").wait_for()
    day.read()
    text = page.locator("body").inner_text()
    for shown in (
        "已匹配",
        "运费有差异",
        "登记中没有",
        "登记有、账单无",
        "SF102",
        "SF999",
        "SF103",
    ):
        assert shown in text, shown
    day.shot("carrier-bill-matched")

    day.step("settle", "结算本月")
    page.get_by_text("已结算。").wait_for()
    assert CarrierBill.objects.get().status == "settled"
    fees = dict(MailItem.objects.values_list("tracking_number", "fee"))
    assert fees == {"SF101": Decimal("12.00"), "SF102": Decimal("21.00"), "SF103": None}
    day.go("/office/mailitem/")
    day.shot("mail-register")
    assert not day.raw, day.raw
