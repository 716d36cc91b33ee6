"""`python -m bench office`: issue 17 §11's speed goal, as a user pays for it.

A carrier's month: 20,000 entries in the register (BENCH_BILL_LINES), written straight to
the table, and its bill of as many lines (.csv: 19,000 as registered, 500 with a fee 5.00
above, 500 nobody registered; 500 entries of the register are not on it). The bill is
uploaded through HTTP (multipart POST /api/v1/mail/carrier-bills/ against gunicorn, as
bench.order_api serves it): read, every cell checked, matched, its lines written, and the
matching answered; a new month each round, median of ROUNDS. The raw bound is the same
work by hand in SQL: the 20,000 lines inserted with their register entry found by one join
on the tracking number, then the matching counted.
"""

import io
import os
import statistics
import time
from datetime import date
from pathlib import Path

from django.db import connection, transaction

ROUNDS = 3
PORT = int(os.environ.get("BENCH_OFFICE_PORT", "8769"))
VAR = Path(__file__).resolve().parents[1] / "var" / "bench-office"


def _month(n: int) -> date:
    return date(2025, 1 + n, 1)


def _register(carrier, clerk, month: date, lines: int) -> None:
    """`lines` entries of the register sent in `month` by `carrier`, unless there."""
    from backoffice.office.models import MailItem

    if MailItem.objects.filter(carrier=carrier, shipped_on=month).exists():
        return
    table = MailItem._meta.db_table
    prefix = f"BX{month:%y%m}"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            series = f"generate_series(1, {lines}) AS k(n)"
        else:
            series = (
                f"(WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k "
                f"WHERE n < {lines}) SELECT n FROM k) AS k"
            )
        cursor.execute(
            f"INSERT INTO {table} (created_at, updated_at, number, direction, kind, "
            "counterparty, contact, phone, address, carrier_id, tracking_number, shipped_on, "
            "cost, status, handler_id, source_model, source_number, note, created_by_id) "
            f"SELECT CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '{prefix}-' || k.n, 'out', 'parcel', "
            f"'基准客户', '', '', '', %s, '{prefix}' || k.n, %s, 12.00, 'delivered', %s, '', '', "
            f"'', %s FROM {series}",
            [carrier.pk, month, clerk.pk, clerk.pk],
        )


def _bill(month: date, lines: int) -> bytes:
    prefix = f"BX{month:%y%m}"
    out = io.StringIO()
    out.write("运单号,日期,重量,费用\n")
    for n in range(1, lines + 1):
        if n % 40 == 0:
            continue  # registered, not billed
        fee = "17.00" if n % 40 == 1 else "12.00"
        out.write(f"{prefix}{n},{month.isoformat()},1.20,{fee}\n")
    for n in range(lines // 40):
        out.write(f"NOREG{month:%y%m}{n},{month.isoformat()},0.50,12.00\n")
    return out.getvalue().encode()


def _forget_bills(carrier) -> None:
    from backoffice.office.models import CarrierBill, CarrierBillLine, MailItem

    with transaction.atomic(), connection.cursor() as cursor:
        bills = f"SELECT id FROM {CarrierBill._meta.db_table} WHERE carrier_id = %s"
        cursor.execute(
            f"UPDATE {MailItem._meta.db_table} SET bill_id = NULL, fee = NULL "
            f"WHERE bill_id IN ({bills})",
            [carrier.pk],
        )
        cursor.execute(
            f"DELETE FROM {CarrierBillLine._meta.db_table} WHERE bill_id IN ({bills})",
            [carrier.pk],
        )
        cursor.execute(
            f"DELETE FROM {CarrierBill._meta.db_table} WHERE carrier_id = %s", [carrier.pk]
        )


def _raw(carrier, clerk, month: date, content: bytes) -> float:
    """The bound: the bill's lines inserted with their entry found by a join, counted."""
    from backoffice.office.models import CarrierBill, CarrierBillLine, MailItem

    rows = [line.split(",") for line in content.decode().splitlines()[1:]]
    lines = CarrierBillLine._meta.db_table
    items = MailItem._meta.db_table
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        bill = CarrierBill.objects.create(
            carrier=carrier,
            month=month,
            file_name="raw",
            digest=f"raw{month}",
            uploaded_by=clerk,
        )
        cursor.execute("CREATE TEMPORARY TABLE raw_bill (n int, t varchar(64), f numeric)")
        cursor.executemany(
            "INSERT INTO raw_bill VALUES (%s, %s, %s)",
            [(n, row[0], row[3]) for n, row in enumerate(rows, start=2)],
        )
        cursor.execute(
            f"INSERT INTO {lines} (bill_id, line_no, tracking_number, weight, fee, mail_item_id, "
            "expected, match) SELECT %s, r.n, r.t, 0, r.f, m.id, m.cost, CASE WHEN m.id IS NULL "
            "THEN 'not_registered' WHEN abs(r.f - m.cost) > 1 THEN 'fee_differs' ELSE "
            f"'matched' END FROM raw_bill r LEFT JOIN {items} m ON m.tracking_number = r.t "
            "AND m.carrier_id = %s",
            [bill.pk, carrier.pk],
        )
        cursor.execute(
            f"SELECT match, COUNT(*) FROM {lines} WHERE bill_id = %s GROUP BY match", [bill.pk]
        )
        cursor.fetchall()
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds


def bench_office(rows: list) -> None:
    from rest_framework.authtoken.models import Token

    from backoffice.accounts.models import User
    from backoffice.accounts.services import user_create
    from backoffice.office.models import Carrier
    from bench import server as http_server

    lines = int(os.environ.get("BENCH_BILL_LINES", "20000"))
    clerk = User.objects.filter(username="bench_oclerk").first() or user_create(
        username="bench_oclerk", role="clerk"
    )
    carrier = Carrier.objects.filter(code="BXC").first() or Carrier.objects.create(
        code="BXC", name="基准快递", status="approved"
    )
    _forget_bills(carrier)  # a bill uploaded again is answered at once: start afresh
    started = time.perf_counter()
    months = [_month(n) for n in range(ROUNDS + 1)]
    for month in months:
        _register(carrier, clerk, month, lines)
    print(
        f"office: {lines * len(months):,} register entries in {time.perf_counter() - started:.1f} s"
    )
    token = Token.objects.get_or_create(user=clerk)[0].key
    env = http_server.server_env(os.environ["DATABASE_URL"], VAR)
    server = http_server.serve(env, PORT, workers="1", threads="2")
    times = []
    try:
        client = http_server.Client(PORT, token=token)
        for month in months:
            status, body, seconds = client.upload(
                "/api/v1/mail/carrier-bills/",
                {"carrier": str(carrier.pk), "month": month.strftime("%Y-%m")},
                name="file",
                filename="bill.csv",
                content=_bill(month, lines),
            )
            if status not in (200, 201):
                raise SystemExit(f"bill upload: {status} {body[:500]!r}")
            times.append(seconds)
        client.close()
    finally:
        http_server.stop(server)
    raw = min(_raw(carrier, clerk, date(2024, 1 + n, 1), _bill(months[0], lines)) for n in range(3))
    rows.append(
        (
            f"carrier bill of {lines:,} lines: upload and matching (HTTP, median)",
            statistics.median(times[1:]),
            raw,
        )
    )
