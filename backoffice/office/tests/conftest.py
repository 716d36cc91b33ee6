from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from backoffice.office.models import Carrier
from backoffice.office.services import mail_register


@pytest.fixture
def zto(db) -> Carrier:
    return Carrier.objects.create(code="ZTO", name="中通快递", status="approved")


def last_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


def sent(by, carrier, tracking, cost="12.00", day=None, **more):
    day = day or last_month() + timedelta(days=3)
    return mail_register(
        by=by,
        direction="out",
        kind=more.pop("kind", "contract"),
        counterparty=more.pop("counterparty", "北京医院"),
        carrier=carrier,
        tracking_number=tracking,
        shipped_on=day,
        promised_on=more.pop("promised_on", day + timedelta(days=2)),
        cost=Decimal(cost),
        **more,
    )


def bill_csv(rows, header=("运单号", "日期", "重量", "费用")) -> bytes:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")
