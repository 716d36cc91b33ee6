"""The demo's carriers, a month of its mail and express register, and one carrier's bill
for that month, uploaded and waiting to be reconciled (issue 17 §14)."""

import csv
import io
import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from backoffice.accounts.models import User
from backoffice.demo.clock import demo_clock
from backoffice.office.models import Carrier, CarrierBill, MailItem
from backoffice.office.services import bill_upload, carrier_save, mail_register, mail_set_status
from backoffice.parties.models import Customer

CARRIERS = [
    ("SF", "顺丰速运", "approved", "王经理", "95338", "首重 12 元，续重 2 元/kg；月结九折"),
    ("ZTO", "中通快递", "approved", "刘主管", "95311", "首重 6 元，续重 1.5 元/kg"),
    ("JD", "京东物流", "approved", "陈经理", "950616", "大件按体积计费"),
    ("DB", "德邦物流", "approved", "赵经理", "95353", "零担，按公斤计费，最低 30 元"),
    ("STO", "申通快递", "candidate", "孙经理", "95543", "报价待比选"),
    ("YD", "韵达快递", "suspended", "周经理", "95546", "2026 年多次延误，暂停使用"),
]
KINDS = [
    ("contract", "合同"),
    ("invoice", "发票"),
    ("samples", "样品"),
    ("documents", "资质文件"),
    ("letter", "函件"),
    ("notice", "通知"),
]


def demo_carriers() -> None:
    clerk = User.objects.get(username="clerk")
    for code, name, status, contact, phone, notes in CARRIERS:
        if not Carrier.objects.filter(code=code).exists():
            carrier_save(
                by=clerk,
                code=code,
                name=name,
                status=status,
                contact=contact,
                phone=phone,
                price_notes=notes,
            )


def demo_mail() -> None:
    """Last month's register by hand (contracts, invoices, samples…) with SF and ZTO, how
    each ended, and SF's bill of the month: most lines match, some fees differ, two
    parcels are not in the register, and some entries are not on the bill."""
    if MailItem.objects.filter(source_model="").exists():
        return
    rng = random.Random(2026)
    clerk = User.objects.get(username="clerk")
    today = timezone.localdate()
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    carriers = {c.code: c for c in Carrier.objects.filter(code__in=["SF", "ZTO"])}
    customers = list(Customer.objects.filter(status=Customer.Status.ACTIVE).order_by("pk")[:40])
    if len(carriers) < 2 or not customers:
        return
    for n in range(48):
        day = month + timedelta(days=rng.randint(0, 27))
        code = "SF" if n % 3 else "ZTO"
        kind, what = rng.choice(KINDS)
        customer = rng.choice(customers)
        with demo_clock(day):
            item = mail_register(
                by=clerk,
                direction="out",
                kind=kind,
                customer=customer,
                address=f"{customer.name}收发室",
                carrier=carriers[code],
                tracking_number=f"{code}{day:%m%d}{n:05d}",
                shipped_on=day,
                promised_on=day + timedelta(days=2 if code == "SF" else 4),
                cost=Decimal(rng.choice(["12.00", "15.00", "18.00", "23.00"]))
                if code == "SF"
                else Decimal(rng.choice(["6.00", "8.00", "9.50"])),
                note=what,
            )
        fate = rng.random()
        if fate < 0.85:
            late = rng.random() < 0.15
            arrived = day + timedelta(days=(4 if late else 1) + (2 if code == "ZTO" else 0))
            if arrived <= today:
                with demo_clock(arrived):
                    mail_set_status(item=item, by=clerk, status="delivered", on=arrived)
            continue
        with demo_clock(min(day + timedelta(days=rng.randint(1, 5)), today)):
            if fate < 0.92:
                mail_set_status(item=item, by=clerk, status="sent")
            elif fate < 0.96:
                mail_set_status(item=item, by=clerk, status="returned", note="地址不详，退回")
            else:
                mail_set_status(item=item, by=clerk, status="damaged", note="外包装破损")
    # a few letters received
    for n in range(6):
        day = month + timedelta(days=rng.randint(0, 27))
        customer = rng.choice(customers)
        with demo_clock(day):
            mail_register(
                by=clerk,
                direction="in",
                kind=rng.choice(["contract", "letter", "documents"]),
                customer=customer,
                carrier=carriers["SF"],
                tracking_number=f"SFIN{day:%m%d}{n:03d}",
                shipped_on=day,
                note="客户寄回",
            )
    _sf_bill(rng, clerk, carriers["SF"], month)


def _sf_bill(rng, clerk, carrier, month) -> None:
    if CarrierBill.objects.filter(carrier=carrier, month=month).exists():
        return
    entries = list(
        MailItem.objects.filter(
            carrier=carrier,
            direction="out",
            shipped_on__gte=month,
            shipped_on__lt=(month + timedelta(days=32)).replace(day=1),
        ).order_by("shipped_on", "pk")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["运单号", "寄件日期", "计费重量", "运费"])
    for n, entry in enumerate(entries):
        if n % 11 == 5:
            continue  # on the register, not on the bill
        fee = entry.cost if entry.cost else Decimal(rng.choice(["12.00", "14.00", "16.00"]))
        if n % 9 == 4:
            fee += Decimal("6.00")  # billed more than expected
        writer.writerow([entry.tracking_number, entry.shipped_on.isoformat(), "1.2", f"{fee}"])
    for n in range(2):  # parcels nobody registered
        writer.writerow(
            [f"SF9{n}{month:%m}77001", (month + timedelta(days=10 + n)).isoformat(), "0.5", "12.00"]
        )
    bill_upload(
        by=clerk,
        carrier=carrier,
        month=month,
        content=out.getvalue().encode("utf-8-sig"),
        filename=f"顺丰月结账单{month:%Y%m}.csv",
    )
